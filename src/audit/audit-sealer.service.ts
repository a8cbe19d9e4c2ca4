import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, OnModuleDestroy } from '@nestjs/common';
// The sequencer holds a session-level advisory lock on a connection of its own, outside the pool.
// eslint-disable-next-line @typescript-eslint/no-restricted-imports
import { Client } from 'pg';
import { Counter, Gauge } from 'prom-client';
import { trySessionLock } from '../database/advisory-lock';
import { HttpMetrics } from '../common/metrics/http-metrics';
import { describeError } from '../common/logging/logger';
import { AppConfig } from '../config/app-config';
import { canonicalFieldsSql, chainHash, CheckpointSigner, checkpointMessage, GENESIS_HASH } from './audit-chain';
import { copyLines } from './copy-lines';

const SEALER_LOCK = 'casefile:audit-sealer';
const BATCH = 5000;

/**
 * The single sequencer of the audit trail. Writers insert records concurrently (and, by trigger, their seq
 * into the audit_unsealed queue); the replica that holds a PostgreSQL advisory lock seals committed records
 * in batches, in insertion order: it assigns a gap-free chain position and
 * hash = SHA-256(previous hash ‖ canonical record) in audit_seal, and periodically writes a signed
 * checkpoint of the head. The others stand by and take over when the leader's session ends.
 *
 * Stopping is part of the contract: once the application starts to close (the first shutdown hook), no tick
 * starts and no connection is opened; the tick in flight finishes and the sealer's own connection is ended,
 * so a closed application leaves no timer or socket behind (and `npm test` exits by itself).
 */
@Injectable()
export class AuditSealer implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger(AuditSealer.name);
  private client?: Client;
  private leader = false;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private lastCheckpointAt = 0;
  readonly signer: CheckpointSigner;
  private readonly sealedTotal: Counter;
  private readonly unsealedGauge: Gauge;
  private readonly lagGauge: Gauge;

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(HttpMetrics) metrics: HttpMetrics,
  ) {
    this.signer = new CheckpointSigner(config.secrets.auditSigningKey);
    this.sealedTotal = new Counter({ name: 'casefile_audit_sealed_total', help: 'Audit records sealed into the chain by this replica', registers: [metrics.registry] });
    this.unsealedGauge = new Gauge({ name: 'casefile_audit_unsealed_records', help: 'Audit records committed but not yet sealed (seen by the leader)', registers: [metrics.registry] });
    this.lagGauge = new Gauge({ name: 'casefile_audit_seal_lag_seconds', help: 'Age of the oldest unsealed audit record (seen by the leader)', registers: [metrics.registry] });
  }

  get isLeader(): boolean {
    return this.leader;
  }

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  /** The first shutdown hook (before the HTTP server and the pool close): no tick starts after this. */
  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  /** Also here, for a context closed without its module-destroy hooks (idempotent). */
  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** Stops the loop: clears the timer, waits for the operation in flight, ends the connection. Idempotent. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.queue; // the operation in flight, if any
    await this.disconnect();
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.stopped) return;
      void this.exclusive(() => this.tick()).finally(() => this.schedule(this.config.audit.sealIntervalMs));
    }, delay);
    this.timer.unref();
  }

  /** One operation at a time on the sealer's connection (its transactions must not interleave). */
  private queue: Promise<unknown> = Promise.resolve();
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    try {
      if (!(await this.ensureLeader())) return;
      await this.sealPending();
      if (Date.now() - this.lastCheckpointAt >= this.config.audit.checkpointIntervalSeconds * 1000) await this.checkpoint();
    } catch (e) {
      this.logger.warn(`audit sealing paused: ${describeError(e)}`);
      await this.disconnect();
    }
  }

  private async ensureLeader(): Promise<boolean> {
    if (this.stopped) return false;
    if (this.leader && this.client) return true;
    if (!this.client) {
      const client = new Client({ connectionString: this.config.databaseUrl, application_name: 'casefile-audit-sealer', statement_timeout: 60_000, connectionTimeoutMillis: 10_000 });
      client.on('error', () => void this.disconnect());
      try {
        await client.connect();
      } catch (e) {
        await client.end().catch(() => undefined);
        throw e;
      }
      if (this.stopped) {
        await client.end().catch(() => undefined);
        return false;
      }
      this.client = client;
    }
    this.leader = await trySessionLock(this.client, SEALER_LOCK);
    if (this.leader) this.logger.log('this replica leads audit sealing');
    return this.leader;
  }

  private async disconnect(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.leader = false;
    await client?.end().catch(() => undefined);
  }

  /** Seals every committed, unsealed record (batch by batch). Returns how many. Leader only. */
  async sealPending(): Promise<number> {
    let total = 0;
    for (;;) {
      const sealed = await this.sealBatch();
      total += sealed;
      if (sealed < BATCH) break;
    }
    const stats = await this.client!.query<{ unsealed: string; lag: number | null }>(
      `SELECT (SELECT count(*) FROM audit_unsealed)::text AS unsealed,
              (SELECT extract(epoch FROM now() - e.occurred_at)::float8 FROM audit_event e WHERE e.seq = (SELECT min(seq) FROM audit_unsealed)) AS lag`,
    );
    this.unsealedGauge.set(Number(stats.rows[0]?.unsealed ?? 0));
    this.lagGauge.set(stats.rows[0]?.lag ?? 0);
    return total;
  }

  /**
   * One batch, in one transaction: the queued (committed) records in insertion order get the next chain
   * positions and their hashes; their seals are inserted and they leave the queue.
   */
  private async sealBatch(): Promise<number> {
    const client = this.client;
    if (!client || !this.leader) return 0;
    await client.query('BEGIN');
    try {
      const head = await client.query<{ position: string; hash: string }>('SELECT chain_position::text AS position, hash FROM audit_seal ORDER BY chain_position DESC LIMIT 1');
      const pending: string[] = [];
      // `seq = ANY (ARRAY(subquery))` keeps the plan an index probe per queued record at any size of the trail
      // (a join let the planner walk the whole audit_event index once the queue statistics were stale).
      await copyLines(client, `SELECT ${canonicalFieldsSql('e')} FROM audit_event e WHERE e.seq = ANY (ARRAY(SELECT seq FROM audit_unsealed ORDER BY seq LIMIT ${BATCH})) ORDER BY e.seq`, (line) => {
        pending.push(line);
      });
      if (pending.length === 0) {
        await client.query('COMMIT');
        return 0;
      }
      let position = BigInt(head.rows[0]?.position ?? '0');
      let prev = head.rows[0]?.hash ?? GENESIS_HASH;
      const seqs: string[] = [];
      const positions: string[] = [];
      const prevs: string[] = [];
      const hashes: string[] = [];
      for (const canonical of pending) {
        position += 1n;
        const hash = chainHash(prev, canonical);
        seqs.push(canonical.slice(0, canonical.indexOf('\t')));
        positions.push(position.toString());
        prevs.push(prev);
        hashes.push(hash);
        prev = hash;
      }
      await client.query(
        `INSERT INTO audit_seal (chain_position, seq, prev_hash, hash)
         SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[])`,
        [positions, seqs, prevs, hashes],
      );
      await client.query('DELETE FROM audit_unsealed WHERE seq = ANY($1::bigint[])', [seqs]);
      await client.query('COMMIT');
      this.sealedTotal.inc(seqs.length);
      return seqs.length;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    }
  }

  /** Signs the current head into audit_checkpoint (when it moved since the last one). Leader only. */
  async checkpoint(): Promise<{ chainPosition: string; headHash: string } | undefined> {
    const client = this.client;
    if (!client || !this.leader) return undefined;
    this.lastCheckpointAt = Date.now();
    const head = await client.query<{ position: string; hash: string; now: string }>(
      `SELECT chain_position::text AS position, hash, to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS now
         FROM audit_seal WHERE chain_position > coalesce((SELECT max(chain_position) FROM audit_checkpoint), 0)
        ORDER BY chain_position DESC LIMIT 1`,
    );
    const row = head.rows[0];
    if (!row) return undefined;
    const signature = this.signer.sign(checkpointMessage(row.position, row.hash, row.now));
    await client.query(`INSERT INTO audit_checkpoint (chain_position, head_hash, created_at, algorithm, key_id, signature) VALUES ($1, $2, $3, 'ed25519', $4, $5)`, [
      row.position,
      row.hash,
      row.now,
      this.signer.keyId,
      signature,
    ]);
    return { chainPosition: row.position, headHash: row.hash };
  }

  /** Tests and tools: take the lead if free, seal everything committed, write a checkpoint. */
  async sealNow(): Promise<number> {
    return this.exclusive(async () => {
      if (!(await this.ensureLeader())) return 0;
      const n = await this.sealPending();
      await this.checkpoint();
      return n;
    });
  }
}
