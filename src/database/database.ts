import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { Pool, PoolClient, QueryResultRow } from 'pg';
import { DataSource } from 'typeorm';
import { databaseFaultOf } from '../common/errors/database-fault';
import { TRY_XACT_LOCK_SQL, XACT_LOCK_SQL } from './advisory-lock';
import { ConstraintErrors, translateDatabaseError } from './database-errors';
import { pgPool } from './pg-pool';

declare const TX_BRAND: unique symbol;

/**
 * A transaction in progress. Opaque: services pass it from the audit seam to repositories, and only
 * repositories (through `Database`) run statements in it. Every repository method that takes part in a
 * transaction takes it as its first parameter: `method(tx: Tx, …)`.
 */
export interface Tx {
  readonly [TX_BRAND]: true;
}

/** One SQL statement. A `name` makes it a prepared statement, parsed and planned once per connection. */
export interface Statement {
  name?: string;
  text: string;
  values?: unknown[];
  /** Constraint name → domain error, for the violations this statement can meet. */
  constraints?: ConstraintErrors;
}

/**
 * A statement that rides along with the next write of the transaction as a data-modifying CTE (the audit
 * record of a change, the idempotent response of a request), so the change and what goes with it reach
 * PostgreSQL in one round trip. `text` receives the number of the first parameter it may use.
 */
export interface Attachment {
  /** Stable per shape, for the prepared statement's name. */
  shape: string;
  text: (firstParam: number) => string;
  /** Read when the statement is sent, so what it carries can still be amended until then. */
  values: () => unknown[];
}

interface TxState {
  client: PoolClient;
  attachments: Attachment[];
  /** A change made by one statement: no BEGIN or COMMIT around it (see `transaction`). */
  single: boolean;
  statements: number;
  /** Run-time settings made for the rest of the transaction by `queryWith` (not set again). */
  settings: Map<string, string>;
}

const states = new WeakMap<Tx, TxState>();

/**
 * A pooled connection while the door holds it. pg emits `error` on a connection whose socket dies (PostgreSQL
 * killed or restarted, the backend terminated, the network cut) besides failing what runs on it, and an `error`
 * event nobody listens to ends the process; pg-pool listens only while the connection sits idle in the pool. So
 * the door listens for as long as it holds one, and a connection that died is destroyed, never pooled again.
 */
interface Held {
  client: PoolClient;
  /** The socket died while held. */
  readonly lost: boolean;
  /** Back to the pool, or destroyed when `destroy` or lost. */
  release(destroy?: boolean): void;
}

/**
 * After a statement that failed because the connection died or the database never answered, the connection
 * cannot be trusted with a ROLLBACK (it would wait as long again): it is destroyed instead, and PostgreSQL rolls
 * the transaction back when the session ends.
 */
function connectionUnusable(held: Held, error: unknown): boolean {
  if (held.lost) return true;
  const fault = databaseFaultOf(error)?.code;
  return fault === 'query-timeout' || fault === 'database-unavailable';
}

/**
 * PostgreSQL keeps 63 bytes of a prepared statement's name: a longer name (a patch's columns with its
 * attachments) is cut to its start and a hash of the whole, so two long names never collide on the server.
 */
const shortNames = new Map<string, string>();
function preparedName(name: string | undefined): string | undefined {
  if (name === undefined || Buffer.byteLength(name) <= 63) return name;
  let short = shortNames.get(name);
  if (!short) {
    short = `${name.slice(0, 40)}#${createHash('sha256').update(name).digest('base64url').slice(0, 16)}`;
    shortNames.set(name, short);
  }
  return short;
}

function stateOf(tx: Tx): TxState {
  const state = states.get(tx);
  if (!state) throw new Error('This transaction has ended');
  return state;
}

/**
 * The one door to PostgreSQL for repositories: statements on the pool or in a transaction, the
 * transaction itself, piggy-backed statements, and database errors turned into domain errors. Only
 * repositories and the `database/` and `audit/` plumbing inject it (an ESLint rule keeps it, `DataSource`
 * and `EntityManager` out of services and controllers).
 */
@Injectable()
export class Database {
  private readonly pool: Pool;

  constructor(dataSource: DataSource) {
    this.pool = pgPool(dataSource);
  }

  /**
   * Runs `work` in one transaction on one pooled connection: BEGIN, the work, what is still attached, COMMIT.
   * With `singleStatement`, the work is one write (with what is attached to it) and the transaction is that
   * statement's own: no BEGIN or COMMIT, two round trips fewer for a hot write; a second statement is an error.
   */
  async transaction<T>(work: (tx: Tx) => Promise<T>, options: { singleStatement?: boolean } = {}): Promise<T> {
    const held = await this.connect();
    const { client } = held;
    const tx = {} as Tx;
    const single = options.singleStatement === true;
    states.set(tx, { client, attachments: [], single, statements: 0, settings: new Map() });
    let broken = false;
    try {
      if (!single) await client.query('BEGIN');
      const result = await work(tx);
      await this.flush(tx);
      if (!single) await client.query('COMMIT');
      return result;
    } catch (error) {
      if (connectionUnusable(held, error)) broken = true;
      else if (!single)
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
      throw translateDatabaseError(error);
    } finally {
      states.delete(tx);
      held.release(broken);
    }
  }

  /** Rows of a statement, in `tx` when given, else on the pool (its own implicit transaction). */
  async query<R extends QueryResultRow>(statement: Statement, tx?: Tx): Promise<R[]> {
    try {
      const state = tx ? stateOf(tx) : undefined;
      if (state?.single && ++state.statements > 1) throw new Error(`a single-statement change ran a second statement (${statement.name ?? 'unnamed'})`);
      const runner = state ? state.client : this.pool;
      const result = await runner.query<R>({ name: preparedName(statement.name), text: statement.text, values: statement.values });
      return result.rows;
    } catch (error) {
      throw translateDatabaseError(error, statement.constraints);
    }
  }

  /**
   * Rows of a statement with run-time settings in force (`pg_trgm.word_similarity_threshold`, say): set for the
   * rest of `tx` when given (`set_config(…, true)`; a setting already made in `tx` is not sent again), else in a
   * transaction of its own around the statement.
   */
  async queryWith<R extends QueryResultRow>(settings: Record<string, string>, statement: Statement, tx?: Tx): Promise<R[]> {
    const run = async (t: Tx): Promise<R[]> => {
      const made = stateOf(t).settings;
      const missing = Object.entries(settings).filter(([k, v]) => made.get(k) !== v);
      if (missing.length > 0) {
        await this.query({ name: 'set-config', text: 'SELECT set_config(k, v, true) FROM unnest($1::text[], $2::text[]) AS s(k, v)', values: [missing.map(([k]) => k), missing.map(([, v]) => v)] }, t);
        for (const [k, v] of missing) made.set(k, v);
      }
      return this.query<R>(statement, t);
    };
    return tx ? run(tx) : this.transaction(run);
  }

  /**
   * A write (`INSERT|UPDATE|DELETE … RETURNING …`) in `tx`, carrying every attachment queued so far as
   * data-modifying CTEs of the same statement: `WITH a0 AS (…), a1 AS (…) <write>` (merged into the write's
   * own WITH list when it has one). Atomic like any statement, one round trip, triggers fire as usual.
   */
  async write<R extends QueryResultRow>(tx: Tx, statement: Statement): Promise<R[]> {
    const state = stateOf(tx);
    if (state.attachments.length === 0) return this.query<R>(statement, tx);
    const attachments = state.attachments.splice(0);
    const values = [...(statement.values ?? [])];
    const ctes = attachments.map((a, i) => {
      const text = a.text(values.length + 1);
      values.push(...a.values());
      return `a${i} AS (${text})`;
    });
    const own = /^\s*WITH\s+/i.exec(statement.text);
    const text = own ? `WITH ${ctes.join(', ')}, ${statement.text.slice(own[0].length)}` : `WITH ${ctes.join(', ')} ${statement.text}`;
    const name = statement.name ? `${statement.name}+${attachments.map((a) => a.shape).join('+')}` : undefined;
    return this.query<R>({ name, text, values, constraints: statement.constraints }, tx);
  }

  /** Queues a statement to ride along with the next write of `tx` (or to run before COMMIT). */
  attach(tx: Tx, attachment: Attachment): void {
    stateOf(tx).attachments.push(attachment);
  }

  /** Runs what is still attached, as one statement. */
  private async flush(tx: Tx): Promise<void> {
    const attachments = stateOf(tx).attachments.splice(0);
    if (attachments.length === 0) return;
    if (attachments.length === 1) {
      const [a] = attachments;
      await this.query({ name: `attach:${a.shape}`, text: a.text(1), values: a.values() }, tx);
      return;
    }
    const values: unknown[] = [];
    const ctes = attachments.map((a, i) => {
      const text = a.text(values.length + 1);
      values.push(...a.values());
      return `a${i} AS (${text})`;
    });
    await this.query({ name: `attach:${attachments.map((a) => a.shape).join('+')}`, text: `WITH ${ctes.join(', ')} SELECT 1`, values }, tx);
  }

  /**
   * Takes a transaction-level advisory lock if it is free; false when another session holds it. The one
   * way a job or a start-up step makes sure it runs on one replica at a time.
   */
  async tryLock(tx: Tx, name: string): Promise<boolean> {
    const [row] = await this.query<{ locked: boolean }>({ name: 'advisory-try-xact-lock', text: TRY_XACT_LOCK_SQL, values: [name] }, tx);
    return row?.locked === true;
  }

  /** Waits for a transaction-level advisory lock (released at COMMIT or ROLLBACK). */
  async lock(tx: Tx, name: string): Promise<void> {
    await this.query({ name: 'advisory-xact-lock', text: XACT_LOCK_SQL, values: [name] }, tx);
  }

  /**
   * Runs `acquire` (a statement taking session-level advisory locks, answering one row) on a connection of
   * its own, then `work` with that row while the connection holds what it took; then releases every session
   * lock it holds. A connection that cannot be unlocked is destroyed, never pooled with locks still held.
   */
  async withSessionLocks<R extends QueryResultRow, T>(acquire: Statement, work: (row: R | undefined) => Promise<T>): Promise<T> {
    const held = await this.connect();
    const { client } = held;
    let broken = false;
    try {
      let row: R | undefined;
      try {
        row = (await client.query<R>({ name: acquire.name, text: acquire.text, values: acquire.values })).rows[0];
      } catch (error) {
        if (connectionUnusable(held, error)) broken = true;
        throw translateDatabaseError(error);
      }
      return await work(row);
    } finally {
      // A lost connection holds no lock any more (its session ended); a destroyed one gives its locks up as it ends.
      if (!broken && !held.lost)
        await client.query('SELECT pg_advisory_unlock_all()').catch(() => {
          broken = true;
        });
      held.release(broken);
    }
  }

  /** A pooled connection of its own, for what is not a statement (COPY streams). Repositories only. */
  async withConnection<T>(fn: (client: PoolClient) => Promise<T>): Promise<T> {
    const held = await this.connect();
    try {
      return await fn(held.client);
    } finally {
      held.release();
    }
  }

  private async connect(): Promise<Held> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw translateDatabaseError(error);
    }
    let lost = false;
    const onError = (): void => {
      lost = true; // what ran on it has failed with the same error, and says so to its caller
    };
    client.on('error', onError);
    return {
      client,
      get lost() {
        return lost;
      },
      release: (destroy = false) => {
        client.removeListener('error', onError);
        client.release(destroy || lost ? true : undefined);
      },
    };
  }
}
