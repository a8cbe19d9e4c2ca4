import { Injectable } from '@nestjs/common';
import { Database, Tx } from '../database/database';

export interface NoteRecord {
  id: string;
  caseId: string;
  authorId: string;
  body: string;
  createdAt: Date;
  editedAt: Date | null;
  version: number;
}

const NOTE = `id, case_id AS "caseId", author_id AS "authorId", body, created_at AS "createdAt", edited_at AS "editedAt", version`;

/** The only way to case_note. Every write also moves the case's last activity, in the same statement. */
@Injectable()
export class CaseNotesRepository {
  constructor(private readonly database: Database) {}

  async insert(tx: Tx, note: { id: string; caseId: string; authorId: string; body: string }): Promise<NoteRecord> {
    const [row] = await this.database.write<NoteRecord>(tx, {
      name: 'notes-insert',
      text: `WITH act AS (UPDATE case_file SET last_activity_at = now() WHERE id = $2 RETURNING id)
             INSERT INTO case_note (id, case_id, author_id, body) VALUES ($1, $2, $3, $4) RETURNING ${NOTE}`,
      values: [note.id, note.caseId, note.authorId, note.body],
    });
    return row;
  }

  /** Newest first (UUIDv7 ids are in creation order). */
  async list(caseId: string, beforeId: string | undefined, limit: number): Promise<NoteRecord[]> {
    return this.database.query<NoteRecord>({
      name: 'notes-list',
      text: `SELECT ${NOTE} FROM case_note WHERE case_id = $1 AND ($2::uuid IS NULL OR id < $2::uuid) ORDER BY id DESC LIMIT $3`,
      values: [caseId, beforeId ?? null, limit],
    });
  }

  async find(caseId: string, id: string): Promise<NoteRecord | undefined> {
    const [row] = await this.database.query<NoteRecord>({ name: 'notes-find', text: `SELECT ${NOTE} FROM case_note WHERE case_id = $1 AND id = $2`, values: [caseId, id] });
    return row;
  }

  async lock(tx: Tx, caseId: string, id: string): Promise<NoteRecord | undefined> {
    const [row] = await this.database.query<NoteRecord>({ name: 'notes-lock', text: `SELECT ${NOTE} FROM case_note WHERE case_id = $1 AND id = $2 FOR UPDATE`, values: [caseId, id] }, tx);
    return row;
  }

  async updateBody(tx: Tx, caseId: string, id: string, body: string): Promise<NoteRecord> {
    const [row] = await this.database.write<NoteRecord>(tx, {
      name: 'notes-update',
      text: `WITH act AS (UPDATE case_file SET last_activity_at = now() WHERE id = $1 RETURNING id)
             UPDATE case_note SET body = $3, edited_at = now(), version = version + 1 WHERE case_id = $1 AND id = $2 RETURNING ${NOTE}`,
      values: [caseId, id, body],
    });
    return row;
  }
}
