import { Injectable } from '@nestjs/common';
import { Database, Tx } from '../database/database';
import { RegistryEntityNotFoundError, RegistryLinkExistsError } from './cases.errors';

/** What a case can be linked to in the registry. */
export type RegistryKind = 'subject' | 'organization';

const TABLES: Record<RegistryKind, { table: string; column: string; entityFk: string; pk: string }> = {
  subject: { table: 'case_subject', column: 'subject_id', entityFk: 'fk_case_subject_subject', pk: 'pk_case_subject' },
  organization: { table: 'case_organization', column: 'organization_id', entityFk: 'fk_case_organization_organization', pk: 'pk_case_organization' },
};

export interface RegistryLinkRecord {
  caseId: string;
  entityId: string;
  reason: string | null;
  addedBy: string;
  addedAt: Date;
  /** added_at to the microsecond, for the keyset. */
  addedKey: string;
  version: number;
}

export interface LinkedCaseRecord {
  caseId: string;
  caseNumber: string;
  title: string;
  status: string;
  addedAt: Date;
  addedKey: string;
}

const KEY = (alias: string): string => `to_char(${alias}added_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "addedKey"`;
const LINK = (column: string): string => `case_id AS "caseId", ${column} AS "entityId", reason, added_by AS "addedBy", added_at AS "addedAt", ${KEY('')}, version`;

/** The only way to case_subject and case_organization. */
@Injectable()
export class CaseRegistryRepository {
  constructor(private readonly database: Database) {}

  async insert(tx: Tx, kind: RegistryKind, link: { caseId: string; entityId: string; reason: string | null; addedBy: string }): Promise<RegistryLinkRecord> {
    const t = TABLES[kind];
    const [row] = await this.database.write<RegistryLinkRecord>(tx, {
      name: `case-registry-insert:${kind}`,
      text: `INSERT INTO ${t.table} (case_id, ${t.column}, reason, added_by) VALUES ($1, $2, $3, $4) RETURNING ${LINK(t.column)}`,
      values: [link.caseId, link.entityId, link.reason, link.addedBy],
      constraints: { [t.entityFk]: () => new RegistryEntityNotFoundError(kind, link.entityId), [t.pk]: () => new RegistryLinkExistsError(kind) },
    });
    return row;
  }

  /** Whether the case is linked to any of these subjects or organizations. */
  async linksAny(caseId: string, subjectIds: readonly string[], organizationIds: readonly string[], tx?: Tx): Promise<boolean> {
    const [row] = await this.database.query<{ linked: boolean }>(
      {
        name: 'case-registry-links-any',
        text: `SELECT EXISTS (SELECT 1 FROM case_subject WHERE case_id = $1 AND subject_id = ANY($2::uuid[]))
                   OR EXISTS (SELECT 1 FROM case_organization WHERE case_id = $1 AND organization_id = ANY($3::uuid[])) AS linked`,
        values: [caseId, subjectIds, organizationIds],
      },
      tx,
    );
    return row?.linked === true;
  }

  async lock(tx: Tx, kind: RegistryKind, caseId: string, entityId: string): Promise<RegistryLinkRecord | undefined> {
    const t = TABLES[kind];
    const [row] = await this.database.query<RegistryLinkRecord>(
      { name: `case-registry-lock:${kind}`, text: `SELECT ${LINK(t.column)} FROM ${t.table} WHERE case_id = $1 AND ${t.column} = $2 FOR UPDATE`, values: [caseId, entityId] },
      tx,
    );
    return row;
  }

  async delete(tx: Tx, kind: RegistryKind, caseId: string, entityId: string): Promise<void> {
    const t = TABLES[kind];
    await this.database.write(tx, { name: `case-registry-delete:${kind}`, text: `DELETE FROM ${t.table} WHERE case_id = $1 AND ${t.column} = $2 RETURNING case_id`, values: [caseId, entityId] });
  }

  /** The registry entities of one case, newest link first. */
  async list(kind: RegistryKind, caseId: string, after: string[] | undefined, take: number): Promise<RegistryLinkRecord[]> {
    const t = TABLES[kind];
    return this.database.query<RegistryLinkRecord>({
      name: `case-registry-list:${kind}`,
      text: `SELECT ${LINK(t.column)} FROM ${t.table}
              WHERE case_id = $1 AND ($2::timestamptz IS NULL OR (added_at, ${t.column}) < ($2::timestamptz, $3::uuid))
              ORDER BY added_at DESC, ${t.column} DESC LIMIT $4`,
      values: [caseId, after?.[0] ?? null, after?.[1] ?? null, take],
    });
  }

  /**
   * The cases an entity is linked to, as far as `viewer` may see them: every case for a supervisor
   * (`all`), else only the cases the viewer is a member of — filtered in SQL, so pages stay full.
   */
  async casesOf(kind: RegistryKind, entityId: string, viewer: { userId: string; all: boolean }, after: string[] | undefined, take: number): Promise<LinkedCaseRecord[]> {
    const t = TABLES[kind];
    return this.database.query<LinkedCaseRecord>({
      name: `case-registry-cases-of:${kind}`,
      text: `SELECT c.id AS "caseId", c.case_number AS "caseNumber", c.title, c.status, l.added_at AS "addedAt", ${KEY('l.')}
               FROM ${t.table} l JOIN case_file c ON c.id = l.case_id
              WHERE l.${t.column} = $1
                AND ($2::boolean OR EXISTS (SELECT 1 FROM case_member m WHERE m.case_id = l.case_id AND m.user_id = $3))
                AND ($4::timestamptz IS NULL OR (l.added_at, l.case_id) < ($4::timestamptz, $5::uuid))
              ORDER BY l.added_at DESC, l.case_id DESC LIMIT $6`,
      values: [entityId, viewer.all, viewer.userId, after?.[0] ?? null, after?.[1] ?? null, take],
    });
  }
}
