import { Injectable } from '@nestjs/common';
import { Database, Statement, Tx } from '../database/database';
import type { CaseMemberRole } from './case-member.entity';
import type { CaseSensitivity, CaseStatus } from './case.entity';
import { AlreadyMemberError, CaseNeedsLeadError } from './cases.errors';

/** A case as its readers see it, with the caller's own role in it (null when not a member). */
export interface CaseRecord {
  id: string;
  caseNumber: string;
  title: string;
  summary: string;
  status: CaseStatus;
  sensitivity: CaseSensitivity;
  leadInvestigatorId: string;
  legalHold: boolean;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  lastActivityAt: Date;
  closedAt: Date | null;
  version: number;
  myRole: CaseMemberRole | null;
}

/** A row of a case list, with its keyset (exact to the microsecond, as text). */
export interface CaseListRow extends CaseRecord {
  activityKey: string;
  numberYear: number;
  numberSeq: number;
}

export interface MemberRecord {
  caseId: string;
  userId: string;
  role: CaseMemberRole;
  addedAt: Date;
  version: number;
}

/** The columns a change of the case may set. */
export interface CasePatch {
  title?: string;
  summary?: string;
  sensitivity?: CaseSensitivity;
  status?: CaseStatus;
  closedAt?: Date | null;
  legalHold?: boolean;
  leadInvestigatorId?: string;
}

const PATCH_COLUMNS: Record<keyof CasePatch, string> = {
  title: 'title',
  summary: 'summary',
  sensitivity: 'sensitivity',
  status: 'status',
  closedAt: 'closed_at',
  legalHold: 'legal_hold',
  leadInvestigatorId: 'lead_investigator_id',
};

export interface CaseListFilter {
  /** The caller: their role per case comes along. */
  viewerId: string;
  /** Only cases the viewer is a member of (everyone but supervisors; and `me/cases`). */
  membersOnly: boolean;
  memberId?: string;
  status?: CaseStatus;
  sensitivity?: CaseSensitivity;
  caseNumber?: string;
  words?: string;
  sort: 'activity' | 'number';
}

const CASE = `c.id, c.case_number AS "caseNumber", c.title, c.summary, c.status, c.sensitivity, c.lead_investigator_id AS "leadInvestigatorId",
  c.legal_hold AS "legalHold", c.created_by AS "createdBy", c.created_at AS "createdAt", c.updated_at AS "updatedAt",
  c.last_activity_at AS "lastActivityAt", c.closed_at AS "closedAt", c.version`;

/** RETURNING of a write on case_file (no alias there), with the caller's role given as $1 of the statement's own parameters. */
const CASE_RETURNING = CASE.replace(/\bc\./g, '');

const MEMBER = `case_id AS "caseId", user_id AS "userId", role, added_at AS "addedAt", version`;

/** The keyset of a list row: the activity exact to the microsecond (as text), and the number's parts. */
const KEYS = `to_char(c.last_activity_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "activityKey", c.number_year AS "numberYear", c.number_seq AS "numberSeq"`;

/**
 * One case by primary key, for each membership: `OFFSET 0` keeps the subquery from being flattened, so the
 * planner cannot trade a few hundred index lookups for a scan of every case.
 */
const CASE_BY_ID = (id: string): string => `SELECT * FROM case_file WHERE id = ${id} OFFSET 0`;

/**
 * The statement of one page of a case list (exported for the benchmark's query plans). A member's list is
 * driven by their memberships (a materialized CTE: a few hundred rows by index, then each case by primary key
 * and a top-N sort), never by walking every case in activity order and probing membership; a supervisor's
 * walks the activity (or number) index, or the filtered member's memberships.
 */
export function caseListStatement(filter: CaseListFilter, after: string[] | undefined, limit: number): Statement {
  const values: unknown[] = [filter.viewerId];
  const where: string[] = [];
  const flags: string[] = [filter.membersOnly ? 'mine' : 'all', filter.sort];
  const param = (value: unknown, cast = ''): string => {
    values.push(value);
    return `$${values.length}${cast}`;
  };
  let from: string;
  if (filter.membersOnly) {
    from = `WITH mine AS MATERIALIZED (SELECT case_id, role FROM case_member WHERE user_id = $1)
            SELECT ${CASE}, m.role AS "myRole", ${KEYS} FROM mine m CROSS JOIN LATERAL (${CASE_BY_ID('m.case_id')}) c`;
  } else if (filter.memberId) {
    from = `WITH theirs AS MATERIALIZED (SELECT case_id FROM case_member WHERE user_id = ${param(filter.memberId, '::uuid')})
            SELECT ${CASE}, m.role AS "myRole", ${KEYS} FROM theirs f CROSS JOIN LATERAL (${CASE_BY_ID('f.case_id')}) c
              LEFT JOIN case_member m ON m.case_id = c.id AND m.user_id = $1`;
    flags.push('member');
  } else {
    from = `SELECT ${CASE}, m.role AS "myRole", ${KEYS} FROM case_file c LEFT JOIN case_member m ON m.case_id = c.id AND m.user_id = $1`;
  }
  if (filter.status) {
    where.push(`c.status = ${param(filter.status)}`);
    flags.push('status');
  }
  if (filter.sensitivity) {
    where.push(`c.sensitivity = ${param(filter.sensitivity)}`);
    flags.push('sensitivity');
  }
  if (filter.caseNumber) {
    where.push(`c.case_number = ${param(filter.caseNumber)}`);
    flags.push('number');
  }
  if (filter.words) {
    where.push(`to_tsvector('simple', c.title) @@ plainto_tsquery('simple', ${param(filter.words)})`);
    flags.push('words');
  }
  if (after) {
    where.push(
      filter.sort === 'activity'
        ? `(c.last_activity_at, c.id) < (${param(after[0], '::timestamptz')}, ${param(after[1], '::uuid')})`
        : `(c.number_year, c.number_seq) < (${param(Number(after[0]), '::smallint')}, ${param(Number(after[1]), '::int')})`,
    );
    flags.push('after');
  }
  const order = filter.sort === 'activity' ? 'c.last_activity_at DESC, c.id DESC' : 'c.number_year DESC, c.number_seq DESC';
  // $1 (the viewer) is used in every shape; a supervisor's plain list names it in its join.
  return {
    name: `cases-list:${flags.join(',')}`,
    text: `${from} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order} LIMIT ${param(limit)}`,
    values,
  };
}

/** The only way to case_file, case_number_counter and case_member. */
@Injectable()
export class CasesRepository {
  constructor(private readonly database: Database) {}

  /** The next number of the current UTC year: the counter row stays locked until the transaction ends. */
  async nextNumber(tx: Tx): Promise<{ year: number; seq: number }> {
    const [row] = await this.database.query<{ year: number; seq: number }>(
      {
        name: 'cases-next-number',
        text: `INSERT INTO case_number_counter (year, last_seq) VALUES (extract(year FROM now() AT TIME ZONE 'UTC')::smallint, 1)
               ON CONFLICT (year) DO UPDATE SET last_seq = case_number_counter.last_seq + 1
               RETURNING year, last_seq AS seq`,
      },
      tx,
    );
    return row;
  }

  /** The case and its first members (the lead, and the creator when not the lead), in one statement. */
  async insert(
    tx: Tx,
    c: { id: string; caseNumber: string; year: number; seq: number; title: string; summary: string; sensitivity: CaseSensitivity; leadId: string; createdBy: string },
  ): Promise<CaseRecord> {
    const members = c.createdBy === c.leadId ? [[c.leadId], ['lead']] : [[c.leadId, c.createdBy], ['lead', 'member']];
    const [row] = await this.database.write<CaseRecord>(tx, {
      name: 'cases-insert',
      text: `WITH m AS (INSERT INTO case_member (case_id, user_id, role) SELECT $1, u, r FROM unnest($10::uuid[], $11::text[]) AS t(u, r))
             INSERT INTO case_file (id, case_number, number_year, number_seq, title, summary, sensitivity, lead_investigator_id, created_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             RETURNING ${CASE_RETURNING}, (CASE WHEN $9 = $8 THEN 'lead' ELSE 'member' END) AS "myRole"`,
      values: [c.id, c.caseNumber, c.year, c.seq, c.title, c.summary, c.sensitivity, c.leadId, c.createdBy, ...members],
    });
    return row;
  }

  /** The case with `userId`'s role in it. */
  async findForReader(id: string, userId: string, tx?: Tx): Promise<CaseRecord | undefined> {
    const [row] = await this.database.query<CaseRecord>(
      {
        name: 'cases-find',
        text: `SELECT ${CASE}, m.role AS "myRole" FROM case_file c LEFT JOIN case_member m ON m.case_id = c.id AND m.user_id = $2 WHERE c.id = $1`,
        values: [id, userId],
      },
      tx,
    );
    return row;
  }

  /** The same, the case row locked until the transaction ends: changes of the case and its members queue here. */
  async lockForWriter(tx: Tx, id: string, userId: string): Promise<CaseRecord | undefined> {
    const [row] = await this.database.query<CaseRecord>(
      {
        name: 'cases-lock',
        text: `SELECT ${CASE}, m.role AS "myRole" FROM case_file c LEFT JOIN case_member m ON m.case_id = c.id AND m.user_id = $2 WHERE c.id = $1 FOR UPDATE OF c`,
        values: [id, userId],
      },
      tx,
    );
    return row;
  }

  async exists(id: string): Promise<boolean> {
    const rows = await this.database.query({ name: 'cases-exists', text: 'SELECT 1 FROM case_file WHERE id = $1', values: [id] });
    return rows.length === 1;
  }

  /** Applies a change, bumps the version and the last activity. */
  async update(tx: Tx, id: string, patch: CasePatch, viewerId: string): Promise<CaseRecord> {
    const keys = (Object.keys(patch) as (keyof CasePatch)[]).filter((k) => patch[k] !== undefined).sort();
    const sets = keys.map((k, i) => `${PATCH_COLUMNS[k]} = $${i + 3}`);
    const [row] = await this.database.write<CaseRecord>(tx, {
      name: `cases-update:${keys.join(',')}`,
      text: `WITH c AS (UPDATE case_file SET ${[...sets, 'version = version + 1', 'updated_at = now()', 'last_activity_at = now()'].join(', ')} WHERE id = $1 RETURNING *)
             SELECT ${CASE}, m.role AS "myRole" FROM c LEFT JOIN case_member m ON m.case_id = c.id AND m.user_id = $2`,
      values: [id, viewerId, ...keys.map((k) => patch[k])],
    });
    return row;
  }

  /**
   * A page of cases, filtered in SQL: for everyone but supervisors the membership join is the filter, so
   * pages stay full and cursors stable. `after` is the keyset of the last row of the previous page.
   */
  async list(filter: CaseListFilter, after: string[] | undefined, limit: number): Promise<CaseListRow[]> {
    return this.database.query<CaseListRow>(caseListStatement(filter, after, limit));
  }

  // ---- members ----

  async members(caseId: string, afterUserId: string | undefined, limit: number): Promise<MemberRecord[]> {
    return this.database.query<MemberRecord>({
      name: 'cases-members',
      text: `SELECT ${MEMBER} FROM case_member WHERE case_id = $1 AND ($2::uuid IS NULL OR user_id > $2::uuid) ORDER BY user_id LIMIT $3`,
      values: [caseId, afterUserId ?? null, limit],
    });
  }

  async findMember(tx: Tx, caseId: string, userId: string): Promise<MemberRecord | undefined> {
    const [row] = await this.database.query<MemberRecord>({ name: 'cases-member', text: `SELECT ${MEMBER} FROM case_member WHERE case_id = $1 AND user_id = $2`, values: [caseId, userId] }, tx);
    return row;
  }

  async insertMember(tx: Tx, caseId: string, userId: string, role: CaseMemberRole): Promise<MemberRecord> {
    const [row] = await this.database.write<MemberRecord>(tx, {
      name: 'cases-member-insert',
      text: `WITH act AS (UPDATE case_file SET last_activity_at = now() WHERE id = $1 RETURNING id)
             INSERT INTO case_member (case_id, user_id, role) VALUES ($1, $2, $3) RETURNING ${MEMBER}`,
      values: [caseId, userId, role],
      constraints: { PK_e64cc3d251bc826e6d879b58d94: () => new AlreadyMemberError(userId), uq_case_member_lead: () => new CaseNeedsLeadError() },
    });
    return row;
  }

  async updateMemberRole(tx: Tx, caseId: string, userId: string, role: CaseMemberRole): Promise<MemberRecord> {
    const [row] = await this.database.write<MemberRecord>(tx, {
      name: 'cases-member-update',
      text: `WITH act AS (UPDATE case_file SET last_activity_at = now() WHERE id = $1 RETURNING id)
             UPDATE case_member SET role = $3, version = version + 1 WHERE case_id = $1 AND user_id = $2 RETURNING ${MEMBER}`,
      values: [caseId, userId, role],
    });
    return row;
  }

  async deleteMember(tx: Tx, caseId: string, userId: string): Promise<void> {
    await this.database.write(tx, {
      name: 'cases-member-delete',
      text: `WITH act AS (UPDATE case_file SET last_activity_at = now() WHERE id = $1 RETURNING id)
             DELETE FROM case_member WHERE case_id = $1 AND user_id = $2 RETURNING user_id`,
      values: [caseId, userId],
    });
  }

  /** The current lead becomes a `member` (before another becomes lead: at most one lead per case, by index). */
  async demoteLead(tx: Tx, caseId: string): Promise<void> {
    await this.database.query(
      { name: 'cases-lead-demote', text: `UPDATE case_member SET role = 'member', version = version + 1 WHERE case_id = $1 AND role = 'lead'`, values: [caseId] },
      tx,
    );
  }

  /** The case row follows a change of lead made through its members. */
  async setCaseLead(tx: Tx, caseId: string, userId: string): Promise<void> {
    await this.database.query(
      { name: 'cases-lead-case', text: `UPDATE case_file SET lead_investigator_id = $2, version = version + 1, updated_at = now(), last_activity_at = now() WHERE id = $1`, values: [caseId, userId] },
      tx,
    );
  }
}
