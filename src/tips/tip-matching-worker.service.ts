import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, OnModuleDestroy } from '@nestjs/common';
import { Gauge, Histogram } from 'prom-client';
import type { RequestContext } from '../access/request-context';
import { AuditEventInput, AuditIntent, AuditTrail } from '../audit/audit-trail.service';
import { describeError } from '../common/logging/logger';
import { HttpMetrics } from '../common/metrics/http-metrics';
import { AppConfig } from '../config/app-config';
import type { Tx } from '../database/database';
import type { ExtractedSelector } from './tip-extraction';
import { closestNarrative, narrativeBands, narrativeGrams } from './tip-fingerprint';
import { TipMatcher } from './tip-matcher.service';
import './tips.audit';
import { DuplicateCandidate, TipMatchResult, TipsRepository, TipToMatch } from './tips.repository';

/** Tips matched in one transaction at most. */
export const MATCH_BATCH = 500;
/** A tip whose matching failed this many times is received without candidates (and the failure audited). */
export const MATCH_ATTEMPTS = 5;
/** How often an idle worker looks for tips another replica received (this replica's own wake it at once). */
const POLL_MS = 250;
/** The longest the worker hashes narratives before it lets waiting requests in. */
const HASH_SLICE_MS = 10;

/** The worker's records: the system acts, under the request id `tip-matching`. */
const WORKER_CONTEXT: RequestContext = { requestId: 'tip-matching', ip: '', userAgent: undefined, principal: undefined };
const SYSTEM = { kind: 'system', id: null } as const;

/**
 * Matches received tips to the registry and flags their near duplicates, off the intake request: a tip is
 * `matching` from its intake until this worker has stored its candidates and moved it on to `received` (in the same
 * transaction as its `tip.match` audit record). Every replica runs one: it takes the oldest due tips in batches
 * (`FOR UPDATE SKIP LOCKED`, so replicas share the queue without waiting on each other; up to 500 a batch), woken at once by its own
 * replica's intake and polling every 250 ms for the others'. A batch costs about what one tip did in the request:
 * what its tips name is looked up once for all of them. A batch that fails is retried tip by tip, so one tip that
 * cannot be matched holds back no other; such a tip is retried later with a growing delay and, after
 * MATCH_ATTEMPTS failures, received without candidates.
 *
 * Stopping follows the audit sealer: once the application starts to close, no batch starts; the one in flight
 * finishes, and the loop leaves no timer behind.
 */
@Injectable()
export class TipMatchingWorker implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger('TipMatching');
  private stopped = false;
  private loop?: Promise<void>;
  private woken = false;
  private inFlight?: Promise<number>;
  private wakeUp?: () => void;
  private readonly latency: Histogram;

  constructor(
    private readonly tips: TipsRepository,
    private readonly matcher: TipMatcher,
    private readonly audit: AuditTrail,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(HttpMetrics) metrics: HttpMetrics,
  ) {
    this.latency = new Histogram({
      name: 'casefile_tip_matching_seconds',
      help: 'From a tip’s intake to its candidates stored (matched by this replica)',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers: [metrics.registry],
    });
    new Gauge({
      name: 'casefile_tip_matching_backlog',
      help: 'Tips waiting to be matched (status matching), and the wait of the oldest in seconds; computed on scrape',
      labelNames: ['measure'],
      registers: [metrics.registry],
      async collect() {
        const backlog = await tips.matchingBacklog().catch(() => undefined);
        if (!backlog) return;
        this.set({ measure: 'tips' }, backlog.waiting);
        this.set({ measure: 'oldest_seconds' }, backlog.oldestSeconds);
      },
    });
  }

  onApplicationBootstrap(): void {
    this.loop = this.run();
  }

  /** The first shutdown hook: no batch starts after this; the one in flight finishes. */
  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeUp?.();
    await this.loop;
  }

  /** A tip was queued (by this replica): match it now rather than at the next poll. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Matches until no tip is due, and waits for the loop's batch in flight: what was queued before is matched. */
  async drain(): Promise<void> {
    while ((await this.matchBatch()) > 0);
    await this.inFlight?.catch(() => 0);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      this.woken = false;
      let matched = 0;
      try {
        this.inFlight = this.matchBatch();
        matched = await this.inFlight;
      } catch (e) {
        this.logger.warn(`tip matching paused: ${describeError(e)}`);
        await this.sleep(1000);
        continue;
      }
      if (matched < MATCH_BATCH && !this.woken) await this.sleep(POLL_MS);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = undefined;
        done();
      };
    });
  }

  /**
   * Matches up to `limit` due tips (or the given ones, retried one by one after a failed batch) in one
   * transaction. Returns how many were taken.
   */
  async matchBatch(limit = MATCH_BATCH): Promise<number> {
    const intent: AuditIntent & { details: { tips: string[] } } = { action: 'tip.match', resourceType: 'tip', actor: SYSTEM, details: { tips: [] } };
    let taken: TipToMatch[] = [];
    try {
      return await this.audit.batch(WORKER_CONTEXT, intent, async (tx, batch) => {
        taken = await this.tips.takeForMatching(tx, limit);
        if (taken.length === 0) return 0;
        intent.details.tips = taken.map((t) => t.id);
        const results = await this.match(tx, taken);
        batch.setAll(results.map((r, i) => auditOf(r, taken[i])));
        await this.tips.storeMatches(tx, results);
        return taken.length;
      });
    } catch (e) {
      if (taken.length > 1) {
        // One tip may be what fails: each alone, so the others go through.
        this.logger.warn(`a batch of ${taken.length} tips failed to match (${describeError(e)}); matching them one by one`);
        for (const t of taken) await this.matchOne(t).catch(() => undefined);
        return taken.length;
      }
      if (taken.length === 1) await this.postpone(taken[0], e);
      throw e;
    } finally {
      if (taken.length) this.observe(taken);
    }
  }

  private async matchOne(tip: TipToMatch): Promise<void> {
    const intent: AuditIntent = { action: 'tip.match', resourceType: 'tip', resourceId: tip.id, actor: SYSTEM };
    try {
      await this.audit.batch(WORKER_CONTEXT, intent, async (tx, batch) => {
        const [locked] = await this.tips.takeForMatching(tx, 1, tip.id);
        if (!locked) return;
        const [result] = await this.match(tx, [locked]);
        batch.setAll([auditOf(result, locked)]);
        await this.tips.storeMatches(tx, [result]);
      });
    } catch (e) {
      await this.postpone(tip, e);
    }
  }

  private async postpone(tip: TipToMatch, error: unknown): Promise<void> {
    const delay = Math.min(300, 2 ** (tip.attempts + 1));
    this.logger.error(`tip ${tip.id} could not be matched (attempt ${tip.attempts + 1} of ${MATCH_ATTEMPTS}, ${describeError(error)}); retried in ${delay} s`);
    await this.tips.postponeMatching([tip.id], delay).catch(() => undefined);
  }

  /** Candidates, bands and duplicate of each tip; a tip that failed MATCH_ATTEMPTS times gets none. */
  private async match(tx: Tx, taken: readonly TipToMatch[]): Promise<TipMatchResult[]> {
    const live = taken.filter((t) => t.attempts < MATCH_ATTEMPTS);
    const candidates = await this.matcher.matchAll(
      live.map((t) => ({ selectors: t.extracted as ExtractedSelector[], phrases: t.phrases })),
      tx,
    );
    // Hashing a batch's narratives, and comparing them with their candidates, takes up to tens of milliseconds: let
    // requests in between every HASH_SLICE_MS. By time, not by count: under load each yield waits a whole turn of the
    // event loop (25 ms at the median).
    const grams: Int32Array[] = [];
    const bands: number[][] = [];
    let slice = performance.now();
    const yieldEvery = async (): Promise<void> => {
      if (performance.now() - slice <= HASH_SLICE_MS) return;
      await new Promise((resolve) => setImmediate(resolve));
      slice = performance.now();
    };
    for (const t of live) {
      await yieldEvery();
      grams.push(narrativeGrams(t.narrativeStart));
      bands.push(narrativeBands(t.narrativeStart));
    }
    const candidatesOf = new Map<string, DuplicateCandidate[]>();
    for (const c of live.length ? await this.tips.duplicateCandidatesOf(tx, live.map((t, i) => ({ id: t.id, bands: bands[i] }))) : []) {
      const list = candidatesOf.get(c.tipId);
      if (list) list.push(c);
      else candidatesOf.set(c.tipId, [c]);
    }
    const duplicates = new Map<string, { id: string; score: number; reason: string }>();
    const candidateGrams = new Map<string, Int32Array>();
    const gramsOf = (c: DuplicateCandidate): Int32Array => {
      let known = candidateGrams.get(c.id);
      if (!known) candidateGrams.set(c.id, (known = narrativeGrams(c.narrativeStart ?? '')));
      return known;
    };
    for (const [i, t] of live.entries()) {
      await yieldEvery();
      // The same tipster first; else the closest narrative that is similar enough.
      const found = candidatesOf.get(t.id) ?? [];
      const sameTipster = found.find((c) => c.reason === 'same-tipster');
      if (sameTipster) {
        duplicates.set(t.id, { id: sameTipster.id, score: 1, reason: 'same-tipster' });
        continue;
      }
      const similar = closestNarrative(grams[i], found.filter((c) => c.reason === 'similar-narrative'), this.config.tipDuplicateSimilarity, gramsOf);
      if (similar) duplicates.set(t.id, { id: similar.candidate.id, score: similar.score, reason: 'similar-narrative' });
    }
    const byId = new Map(live.map((t, i) => [t.id, { candidates: candidates[i], bands: bands[i] }]));
    return taken.map((t) => ({
      id: t.id,
      receivedAt: t.receivedAt,
      candidates: byId.get(t.id)?.candidates ?? [],
      bands: byId.get(t.id)?.bands ?? [],
      duplicate: duplicates.get(t.id) ?? null,
    }));
  }

  private observe(taken: readonly TipToMatch[]): void {
    const now = Date.now();
    for (const t of taken) this.latency.observe(Math.max(0, now - t.enqueuedAt.getTime()) / 1000);
  }
}

/** A matched tip's record: what changed, never the narrative or the tipster. */
function auditOf(result: TipMatchResult, tip: TipToMatch): AuditEventInput {
  const gaveUp = tip.attempts >= MATCH_ATTEMPTS;
  return {
    action: 'tip.match',
    actor: SYSTEM,
    outcome: gaveUp ? 'error' : 'success',
    resourceType: 'tip',
    resourceId: result.id,
    before: { status: 'matching' },
    after: {
      status: 'received',
      candidateCount: result.candidates.length,
      possibleDuplicateOf: result.duplicate?.id ?? null,
      possibleDuplicateReason: result.duplicate?.reason ?? null,
    },
    ...(gaveUp ? { details: { reason: `matching failed ${tip.attempts} times: received without candidates` } } : {}),
  };
}
