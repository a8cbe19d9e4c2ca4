import { Injectable } from '@nestjs/common';
import { Database, Statement, Tx } from '../database/database';
import type { TaskStatus } from './case-task.entity';

export interface TaskRecord {
  id: string;
  caseId: string;
  title: string;
  description: string;
  assigneeId: string | null;
  /** `YYYY-MM-DD` (a calendar date, no time zone). */
  dueDate: string | null;
  status: TaskStatus;
  overdue: boolean;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  version: number;
  /** The keyset: the due date, `infinity` when none (nulls last). */
  dueKey: string;
}

export interface MyTaskRecord extends TaskRecord {
  caseNumber: string;
}

export interface TaskPatch {
  title?: string;
  description?: string;
  assigneeId?: string | null;
  dueDate?: string | null;
  status?: TaskStatus;
}

export interface TaskListFilter {
  status?: TaskStatus;
  assigneeId?: string;
  overdue?: boolean;
}

const PATCH_COLUMNS: Record<keyof TaskPatch, string> = { title: 'title', description: 'description', assigneeId: 'assignee_id', dueDate: 'due_date', status: 'status' };

const TODAY = `(now() AT TIME ZONE 'UTC')::date`;
const TASK = `t.id, t.case_id AS "caseId", t.title, t.description, t.assignee_id AS "assigneeId", to_char(t.due_date, 'YYYY-MM-DD') AS "dueDate", t.status,
  coalesce(t.status = 'open' AND t.due_date < ${TODAY}, false) AS overdue, t.created_by AS "createdBy", t.created_at AS "createdAt", t.updated_at AS "updatedAt", t.version,
  coalesce(to_char(t.due_date, 'YYYY-MM-DD'), 'infinity') AS "dueKey"`;
const DUE = `coalesce(t.due_date, 'infinity'::date)`;
/** The assignee, when there is one, is a member of the case. */
const ASSIGNEE_IS_MEMBER = (caseParam: string, assigneeParam: string): string =>
  `(${assigneeParam}::uuid IS NULL OR EXISTS (SELECT 1 FROM case_member m WHERE m.case_id = ${caseParam} AND m.user_id = ${assigneeParam}::uuid))`;

/** The statement of one page of `me/tasks` (exported for the benchmark's query plans). */
export function myTasksStatement(userId: string, after: string[] | undefined, limit: number): Statement {
  return {
    name: after ? 'tasks-mine-after' : 'tasks-mine',
    text: `SELECT ${TASK}, c.case_number AS "caseNumber"
             FROM case_task t JOIN case_file c ON c.id = t.case_id
            WHERE t.assignee_id = $1 AND t.status = 'open'
              AND EXISTS (SELECT 1 FROM case_member m WHERE m.case_id = t.case_id AND m.user_id = $1)
              ${after ? `AND (${DUE}, t.id) > ($3::date, $4::uuid)` : ''}
            ORDER BY ${DUE}, t.id LIMIT $2`,
    values: after ? [userId, limit, after[0], after[1]] : [userId, limit],
  };
}

/** The only way to case_task. Every write also moves the case's last activity, in the same statement. */
@Injectable()
export class CaseTasksRepository {
  constructor(private readonly database: Database) {}

  /** Inserts the task when its assignee is a member of the case; undefined when not. */
  async insert(tx: Tx, task: { id: string; caseId: string; title: string; description: string; assigneeId: string | null; dueDate: string | null; createdBy: string }): Promise<TaskRecord | undefined> {
    const [row] = await this.database.write<TaskRecord>(tx, {
      name: 'tasks-insert',
      text: `WITH act AS (UPDATE case_file SET last_activity_at = now() WHERE id = $2 AND ${ASSIGNEE_IS_MEMBER('$2', '$5')} RETURNING id),
                  t AS (INSERT INTO case_task (id, case_id, title, description, assignee_id, due_date, created_by)
                        SELECT $1, $2, $3, $4, $5, $6::date, $7 WHERE ${ASSIGNEE_IS_MEMBER('$2', '$5')} RETURNING *)
             SELECT ${TASK} FROM t`,
      values: [task.id, task.caseId, task.title, task.description, task.assigneeId, task.dueDate, task.createdBy],
    });
    return row;
  }

  async find(caseId: string, id: string): Promise<TaskRecord | undefined> {
    const [row] = await this.database.query<TaskRecord>({ name: 'tasks-find', text: `SELECT ${TASK} FROM case_task t WHERE t.case_id = $1 AND t.id = $2`, values: [caseId, id] });
    return row;
  }

  async lock(tx: Tx, caseId: string, id: string): Promise<TaskRecord | undefined> {
    const [row] = await this.database.query<TaskRecord>({ name: 'tasks-lock', text: `SELECT ${TASK} FROM case_task t WHERE t.case_id = $1 AND t.id = $2 FOR UPDATE`, values: [caseId, id] }, tx);
    return row;
  }

  /** Applies a change when the (new) assignee is a member of the case; undefined when not. */
  async update(tx: Tx, caseId: string, id: string, patch: TaskPatch): Promise<TaskRecord | undefined> {
    const keys = (Object.keys(patch) as (keyof TaskPatch)[]).filter((k) => patch[k] !== undefined).sort();
    const sets = keys.map((k, i) => `${PATCH_COLUMNS[k]} = $${i + 3}${k === 'dueDate' ? '::date' : k === 'assigneeId' ? '::uuid' : ''}`);
    const assignee = keys.includes('assigneeId') ? `$${keys.indexOf('assigneeId') + 3}` : 'NULL';
    const [row] = await this.database.write<TaskRecord>(tx, {
      name: `tasks-update:${keys.join(',')}`,
      text: `WITH act AS (UPDATE case_file SET last_activity_at = now() WHERE id = $1 AND ${ASSIGNEE_IS_MEMBER('$1', assignee)} RETURNING id),
                  t AS (UPDATE case_task SET ${[...sets, 'version = version + 1', 'updated_at = now()'].join(', ')}
                         WHERE case_id = $1 AND id = $2 AND ${ASSIGNEE_IS_MEMBER('$1', assignee)} RETURNING *)
             SELECT ${TASK} FROM t`,
      values: [caseId, id, ...keys.map((k) => patch[k])],
    });
    return row;
  }

  /** A case's tasks by due date (none last), then id. */
  async list(caseId: string, filter: TaskListFilter, after: string[] | undefined, limit: number): Promise<TaskRecord[]> {
    const values: unknown[] = [caseId];
    const where = ['t.case_id = $1'];
    const flags: string[] = [];
    const param = (value: unknown, cast = ''): string => {
      values.push(value);
      return `$${values.length}${cast}`;
    };
    if (filter.status) {
      where.push(`t.status = ${param(filter.status)}`);
      flags.push('status');
    }
    if (filter.assigneeId) {
      where.push(`t.assignee_id = ${param(filter.assigneeId, '::uuid')}`);
      flags.push('assignee');
    }
    if (filter.overdue !== undefined) {
      where.push(filter.overdue ? `(t.status = 'open' AND t.due_date < ${TODAY})` : `NOT (t.status = 'open' AND t.due_date IS NOT NULL AND t.due_date < ${TODAY})`);
      flags.push(filter.overdue ? 'overdue' : 'not-overdue');
    }
    if (after) {
      where.push(`(${DUE}, t.id) > (${param(after[0], '::date')}, ${param(after[1], '::uuid')})`);
      flags.push('after');
    }
    return this.database.query<TaskRecord>({
      name: `tasks-list:${flags.join(',')}`,
      text: `SELECT ${TASK} FROM case_task t WHERE ${where.join(' AND ')} ORDER BY ${DUE}, t.id LIMIT ${param(limit)}`,
      values,
    });
  }

  /** Open tasks assigned to `userId` on the cases they are a member of, by due date (none last). */
  async mine(userId: string, after: string[] | undefined, limit: number): Promise<MyTaskRecord[]> {
    return this.database.query<MyTaskRecord>(myTasksStatement(userId, after, limit));
  }
}
