import { Injectable } from '@nestjs/common';
import { Database, Tx } from '../database/database';
import type { SelectorKind } from './selector-normalizers';

export interface SelectorRecord {
  id: string;
  kind: SelectorKind;
  value: string;
  normalizedValue: string;
  qualifier: string | null;
  description: string | null;
  createdAt: Date;
  version: number;
}

const RECORD = `id, kind, value, normalized_value AS "normalizedValue", qualifier, description, created_at AS "createdAt", version`;

/** The selectors with these (kind, normalized value) pairs ($1 kinds, $2 values): one unique-index probe each. */
export const SELECTOR_BY_VALUES_SQL = `SELECT ${RECORD} FROM selector WHERE (kind, normalized_value) IN (SELECT * FROM unnest($1::text[], $2::text[])) ORDER BY id`;

/** Labels by id ($1 uuid[]): for graph nodes. */
export const SELECTOR_SUMMARIES_SQL = `SELECT id, normalized_value AS label, kind FROM selector WHERE id = ANY($1::uuid[])`;

/** The only way to the selector table. */
@Injectable()
export class SelectorsRepository {
  constructor(private readonly database: Database) {}

  /** The new selector, or undefined when (kind, normalized value) is already taken (nothing written). */
  async insertIfNew(tx: Tx, s: { id: string; kind: SelectorKind; value: string; normalizedValue: string; qualifier: string | null; description: string | null; createdBy: string | null }): Promise<SelectorRecord | undefined> {
    const [row] = await this.database.write<SelectorRecord>(tx, {
      name: 'selectors-insert',
      text: `INSERT INTO selector (id, kind, value, normalized_value, qualifier, description, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (kind, normalized_value) DO NOTHING RETURNING ${RECORD}`,
      values: [s.id, s.kind, s.value, s.normalizedValue, s.qualifier, s.description, s.createdBy],
    });
    return row;
  }

  async findById(id: string): Promise<SelectorRecord | undefined> {
    const [row] = await this.database.query<SelectorRecord>({ name: 'selectors-by-id', text: `SELECT ${RECORD} FROM selector WHERE id = $1`, values: [id] });
    return row;
  }

  /** The selectors with these (kind, normalized value) pairs: one probe of the unique index each. */
  async findByValues(pairs: readonly { kind: SelectorKind; normalizedValue: string }[], tx?: Tx): Promise<SelectorRecord[]> {
    if (pairs.length === 0) return [];
    return this.database.query<SelectorRecord>(
      {
        name: 'selectors-by-values',
        text: SELECTOR_BY_VALUES_SQL,
        values: [pairs.map((p) => p.kind), pairs.map((p) => p.normalizedValue)],
      },
      tx,
    );
  }

  async list(kind: SelectorKind | undefined, afterId: string | undefined, limit: number): Promise<SelectorRecord[]> {
    return this.database.query<SelectorRecord>({
      name: 'selectors-list',
      text: `SELECT ${RECORD} FROM selector WHERE ($1::uuid IS NULL OR id > $1::uuid) AND ($2::text IS NULL OR kind = $2) ORDER BY id LIMIT $3`,
      values: [afterId ?? null, kind ?? null, limit],
    });
  }

  async summaries(ids: readonly string[]): Promise<{ id: string; label: string; kind: SelectorKind }[]> {
    if (ids.length === 0) return [];
    return this.database.query({ name: 'selectors-summaries', text: SELECTOR_SUMMARIES_SQL, values: [ids] });
  }
}
