import { Injectable } from '@nestjs/common';
import { TIP_VISIBLE_SQL } from '../access/tip-visibility';
import { Database, Statement, Tx } from '../database/database';
import type { CandidateEntityType, CandidateStatus } from './tip-candidate.entity';
import type { TipChannel, TipStatus } from './tip.entity';
import { ExternalIdSeenError, ReferenceTakenError } from './tips.errors';

/** A tip as staff read it: never the sealed identity or the keyed hashes. */
export interface TipRecord {
  id: string;
  reference: string;
  integrationId: string;
  externalId: string | null;
  channel: TipChannel;
  narrative: string;
  language: string | null;
  occurredAt: Date | null;
  rewardInterest: boolean;
  anonymous: boolean;
  tipsterPseudonym: string | null;
  status: TipStatus;
  priority: number;
  assigneeId: string | null;
  caseId: string | null;
  sourceReliability: string | null;
  informationCredibility: number | null;
  duplicateOf: string | null;
  possibleDuplicateOf: string | null;
  possibleDuplicateScore: number | null;
  possibleDuplicateReason: string | null;
  extracted: { kind: string; normalizedValue: string }[];
  candidateCount: number;
  receivedAt: Date;
  updatedAt: Date;
  version: number;
}

/** A row of the queue, with its keyset (the time exact to the microsecond, as text). */
export interface TipQueueRow extends Omit<TipRecord, 'narrative' | 'extracted'> {
  excerpt: string;
  receivedKey: string;
}

export interface TipReceiptRecord {
  id: string;
  reference: string;
  status: TipStatus;
  receivedAt: Date;
}

export interface CandidateRecord {
  tipId: string;
  entityType: CandidateEntityType;
  entityId: string;
  score: number;
  reasons: string[];
  status: CandidateStatus;
  decidedBy: string | null;
  decidedAt: Date | null;
}

export interface NewCandidate {
  entityType: CandidateEntityType;
  entityId: string;
  score: number;
  reasons: string[];
}

export interface NewTip {
  id: string;
  reference: string;
  integrationId: string;
  externalId: string | null;
  channel: TipChannel;
  narrative: string;
  language: string | null;
  occurredAt: string | null;
  rewardInterest: boolean;
  anonymous: boolean;
  tipsterIdentity: string | null;
  tipsterKeyId: string | null;
  tipsterEmailHmac: string | null;
  tipsterPhoneHmac: string | null;
  tipsterPseudonym: string | null;
  extracted: { kind: string; normalizedValue: string }[];
  /** The narrative's name phrases: for the matching worker. */
  phrases: string[];
  receivedAt: Date;
}

/** A tip as a reward claim shows it: its reference, case, whether the tipster asked for a reward, and the pseudonym. */
export interface TipRewardView {
  id: string;
  reference: string;
  status: TipStatus;
  caseId: string | null;
  rewardInterest: boolean;
  anonymous: boolean;
  tipsterPseudonym: string | null;
}

/** Who is asking, for the need-to-know filter of lists and search. */
export interface TipViewer {
  userId: string;
  /** Supervisors: every tip. */
  seesAll: boolean;
  /** tip:triage: tips not linked to a case. */
  triage: boolean;
}

export interface TipQueueFilter {
  status?: TipStatus;
  priority?: number;
  channel?: TipChannel;
  hasMatches?: boolean;
  assigneeId?: string;
  receivedFrom?: string;
  receivedTo?: string;
}

export interface TipPatch {
  status?: TipStatus;
  duplicateOf?: string | null;
  possibleDuplicateOf?: null;
  priority?: number;
  assigneeId?: string | null;
  sourceReliability?: string | null;
  informationCredibility?: number | null;
  caseId?: string;
}

const PATCH_COLUMNS: Record<keyof TipPatch, string> = {
  status: 'status',
  duplicateOf: 'duplicate_of',
  possibleDuplicateOf: 'possible_duplicate_of',
  priority: 'priority',
  assigneeId: 'assignee_id',
  sourceReliability: 'source_reliability',
  informationCredibility: 'information_credibility',
  caseId: 'case_id',
};

const SUMMARY = `t.id, t.reference, t.integration_id AS "integrationId", t.external_id AS "externalId", t.channel, t.language, t.occurred_at AS "occurredAt",
  t.reward_interest AS "rewardInterest", t.anonymous, t.tipster_pseudonym AS "tipsterPseudonym", t.status, t.priority, t.assignee_id AS "assigneeId",
  t.case_id AS "caseId", t.source_reliability AS "sourceReliability", t.information_credibility AS "informationCredibility", t.duplicate_of AS "duplicateOf",
  t.possible_duplicate_of AS "possibleDuplicateOf", t.possible_duplicate_score AS "possibleDuplicateScore", t.possible_duplicate_reason AS "possibleDuplicateReason",
  t.candidate_count AS "candidateCount", t.received_at AS "receivedAt", t.updated_at AS "updatedAt", t.version`;

const RECORD = `${SUMMARY}, t.narrative, t.extracted`;

const QUEUE_ROW = `${SUMMARY}, left(t.narrative, 200) AS excerpt, to_char(t.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "receivedKey"`;

const CANDIDATE = `tip_id AS "tipId", entity_type AS "entityType", entity_id AS "entityId", score, reasons, status, decided_by AS "decidedBy", decided_at AS "decidedAt"`;

/** The narrative's comparison key (near duplicates, search): its first 500 characters, lower case (GiST trigram index, of matched tips only). */
const NARRATIVE_KEY = 'lower(left(narrative, 500))';

/** Need-to-know on tips ($1 viewer, $2 sees all, $3 triage): unlinked tips to triage staff, linked ones to the case's members. */
const VISIBLE = TIP_VISIBLE_SQL;

/**
 * The intake statement: the tip, in status `matching`, received at $18, and its place in the matching queue (with
 * the narrative's name phrases). A unique index that refuses it (the reference drawn, or the integration's
 * externalId seen before) fails the whole statement, and what rides along with it.
 */
export const INSERT_TIP_SQL = `
  WITH ins AS (
         INSERT INTO tip (id, reference, integration_id, external_id, channel, narrative, language, occurred_at, reward_interest, anonymous,
                          tipster_identity, tipster_email_hmac, tipster_phone_hmac, tipster_pseudonym, tipster_key_id, extracted, status, received_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16::jsonb, 'matching', $18)
         RETURNING id),
       queued AS (INSERT INTO tip_match_queue (tip_id, phrases) SELECT ins.id, $17::jsonb FROM ins)
  SELECT id FROM ins`;

/**
 * What each tip of a batch may repeat ($1 the tips, $2/$3 their MinHash bands as (tip, band) pairs): the latest
 * earlier tip of the last 30 days with the same tipster hash (e-mail or phone), reason `same-tipster`; and the
 * earlier tips that share the most bands with it, ranked 1 to 5 (by bands shared, then newest first; each band read
 * newest first, 4 rows at most: bounded however many near-identical tips a flood brings), reason
 * `similar-narrative`, with the first 500 characters of their narrative. The worker compares those narratives with
 * the tip's (`closestNarrative`): the trigram similarity used to be computed here by pg_trgm, five times over for a
 * tip without a near duplicate, and was most of this statement's time. "Earlier" is (received_at, id) before the
 * tip's own.
 *
 * The bands are the only way to a similar narrative: a narrative that shares no band with any earlier one has no
 * near duplicate found (for an edit at trigram similarity 0.6–0.7 that happens about 6% of the time, 0.7–0.8 about
 * 1%: measured, see tip-fingerprint.ts and the README). There is no exhaustive fallback: a KNN walk of the GiST
 * trigram index (`<->`) read the whole index for a narrative with no
 * near neighbour (the union signatures of 500-character texts cover almost every bit, so nothing is pruned): 230 ms
 * per tip with 100,000 diverse narratives, and the matching of a stream of ordinary, unique tips fell to a few tips
 * a second.
 */
export const TIP_DUPLICATES_SQL = `
  WITH me AS (
         SELECT t.id, t.received_at, t.tipster_email_hmac AS email, t.tipster_phone_hmac AS phone
           FROM tip t WHERE t.id = ANY($1::uuid[])),
       near AS (
         SELECT p.tip_id, b.tip_id AS other, count(*) AS shared, max(b.received_at) AS at
           FROM unnest($2::uuid[], $3::bigint[]) AS p(tip_id, band)
           JOIN me ON me.id = p.tip_id
          CROSS JOIN LATERAL (
                SELECT n.tip_id, n.received_at FROM tip_narrative_band n
                 WHERE n.band_hash = p.band AND n.received_at > now() - interval '30 days' AND (n.received_at, n.tip_id) < (me.received_at, me.id)
                 ORDER BY n.received_at DESC, n.tip_id DESC LIMIT 4) b
          GROUP BY p.tip_id, b.tip_id),
       ranked AS (SELECT near.*, row_number() OVER (PARTITION BY near.tip_id ORDER BY near.shared DESC, near.at DESC, near.other) AS rank FROM near),
       same_tipster AS (
         SELECT me.id AS tip_id, s.id, s.received_at
           FROM me CROSS JOIN LATERAL (
                SELECT o.id, o.received_at FROM tip o
                 WHERE ((me.email IS NOT NULL AND o.tipster_email_hmac = me.email) OR (me.phone IS NOT NULL AND o.tipster_phone_hmac = me.phone))
                   AND o.received_at > now() - interval '30 days' AND (o.received_at, o.id) < (me.received_at, me.id)
                 ORDER BY o.received_at DESC LIMIT 1) s)
  SELECT tip_id AS "tipId", id, 'same-tipster' AS reason, 0 AS rank, received_at AS "receivedAt", NULL::text AS "narrativeStart" FROM same_tipster
  UNION ALL
  SELECT r.tip_id, r.other, 'similar-narrative', r.rank::int, r.at, left(o.narrative, 500)
    FROM ranked r JOIN tip o ON o.id = r.other
   WHERE r.rank <= 5`;

/** An earlier tip a tip may repeat (TIP_DUPLICATES_SQL). */
export interface DuplicateCandidate {
  tipId: string;
  id: string;
  reason: 'same-tipster' | 'similar-narrative';
  /** 0 for the same tipster; 1–5 for a narrative, by bands shared. */
  rank: number;
  receivedAt: Date;
  narrativeStart: string | null;
}

/**
 * What the matching worker found for a batch, in one statement: each tip's candidates and bands, its duplicate
 * flag, its candidate count and status `received` (only a tip still `matching`), and its queue row gone.
 */
const STORE_MATCHES_SQL = `
  WITH r AS (SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::real[], $4::text[], $5::int[]) AS r(id, dup, score, reason, candidates)),
       dequeued AS (DELETE FROM tip_match_queue q USING r WHERE q.tip_id = r.id),
       cand AS (
         INSERT INTO tip_candidate (tip_id, entity_type, entity_id, score, reasons)
         SELECT c.tip_id, c.entity_type, c.entity_id, c.score, c.reasons
           FROM unnest($6::uuid[], $7::text[], $8::uuid[], $9::real[], $10::jsonb[]) AS c(tip_id, entity_type, entity_id, score, reasons)
         ON CONFLICT DO NOTHING),
       bands AS (
         INSERT INTO tip_narrative_band (band_hash, received_at, tip_id)
         SELECT DISTINCT b.band, b.received_at, b.tip_id FROM unnest($11::uuid[], $12::bigint[], $13::timestamptz[]) AS b(tip_id, band, received_at)
         ON CONFLICT DO NOTHING)
  UPDATE tip t SET status = 'received', possible_duplicate_of = r.dup, possible_duplicate_score = r.score, possible_duplicate_reason = r.reason,
         candidate_count = r.candidates, updated_at = clock_timestamp(), version = t.version + 1
    FROM r WHERE t.id = r.id AND t.status = 'matching'
  RETURNING t.id`;

/** A tip taken from the matching queue. */
export interface TipToMatch {
  id: string;
  /** The comparison key's source: the first 500 characters. */
  narrativeStart: string;
  extracted: { kind: string; normalizedValue: string }[];
  phrases: string[];
  attempts: number;
  enqueuedAt: Date;
  receivedAt: Date;
}

/** What matching found for one tip. */
export interface TipMatchResult {
  id: string;
  receivedAt: Date;
  candidates: NewCandidate[];
  bands: number[];
  duplicate: { id: string; score: number; reason: string } | null;
}

/** The only way to tip and tip_candidate. */
@Injectable()
export class TipsRepository {
  constructor(private readonly database: Database) {}

  /**
   * The tip, queued for matching, with what is attached to `tx` (its audit record, its stored response), in one
   * statement. A retry of an externalId is ExternalIdSeenError, a reference drawn twice ReferenceTakenError:
   * then nothing is written.
   */
  async insert(tx: Tx, t: NewTip): Promise<void> {
    await this.database.write(tx, {
      name: 'tips-insert',
      text: INSERT_TIP_SQL,
      values: [
        t.id,
        t.reference,
        t.integrationId,
        t.externalId,
        t.channel,
        t.narrative,
        t.language,
        t.occurredAt,
        t.rewardInterest,
        t.anonymous,
        t.tipsterIdentity,
        t.tipsterEmailHmac,
        t.tipsterPhoneHmac,
        t.tipsterPseudonym,
        t.tipsterKeyId,
        JSON.stringify(t.extracted),
        JSON.stringify(t.phrases),
        t.receivedAt,
      ],
      constraints: { uq_tip_external: () => new ExternalIdSeenError(), uq_tip_reference: () => new ReferenceTakenError() },
    });
  }

  /**
   * Up to `limit` tips due for matching, oldest first (or the one tip `id`, due or not), locked for this
   * transaction: other workers skip them.
   */
  async takeForMatching(tx: Tx, limit: number, id?: string): Promise<TipToMatch[]> {
    const columns = `t.id, left(t.narrative, 500) AS "narrativeStart", t.extracted, q.phrases, q.attempts, q.enqueued_at AS "enqueuedAt", t.received_at AS "receivedAt"`;
    return this.database.query<TipToMatch>(
      id === undefined
        ? {
            name: 'tips-take-for-matching',
            text: `SELECT ${columns} FROM tip_match_queue q JOIN tip t ON t.id = q.tip_id
                    WHERE q.available_at <= now() ORDER BY q.available_at, q.enqueued_at LIMIT $1 FOR UPDATE OF q SKIP LOCKED`,
            values: [limit],
          }
        : {
            name: 'tips-take-one-for-matching',
            text: `SELECT ${columns} FROM tip_match_queue q JOIN tip t ON t.id = q.tip_id WHERE q.tip_id = $1 FOR UPDATE OF q SKIP LOCKED`,
            values: [id],
          },
      tx,
    );
  }

  /** What each of `tips` may repeat (TIP_DUPLICATES_SQL): the worker decides which, if any. */
  async duplicateCandidatesOf(tx: Tx, tips: readonly { id: string; bands: readonly number[] }[]): Promise<DuplicateCandidate[]> {
    const pairs = tips.flatMap((t) => t.bands.map((band) => [t.id, band] as const));
    return this.database.query<DuplicateCandidate>(
      { name: 'tips-duplicate-candidates', text: TIP_DUPLICATES_SQL, values: [tips.map((t) => t.id), pairs.map((p) => p[0]), pairs.map((p) => String(p[1]))] },
      tx,
    );
  }

  /** Stores what matching found (STORE_MATCHES_SQL), with what is attached to `tx`; the ids moved to received. */
  async storeMatches(tx: Tx, results: readonly TipMatchResult[]): Promise<string[]> {
    const candidates = results.flatMap((r) => r.candidates.map((c) => ({ tipId: r.id, ...c })));
    const bands = results.flatMap((r) => r.bands.map((band) => ({ id: r.id, band, receivedAt: r.receivedAt })));
    const rows = await this.database.write<{ id: string }>(tx, {
      name: 'tips-store-matches',
      text: STORE_MATCHES_SQL,
      values: [
        results.map((r) => r.id),
        results.map((r) => r.duplicate?.id ?? null),
        results.map((r) => r.duplicate?.score ?? null),
        results.map((r) => r.duplicate?.reason ?? null),
        results.map((r) => r.candidates.length),
        candidates.map((c) => c.tipId),
        candidates.map((c) => c.entityType),
        candidates.map((c) => c.entityId),
        candidates.map((c) => c.score),
        candidates.map((c) => JSON.stringify(c.reasons)),
        bands.map((b) => b.id),
        bands.map((b) => String(b.band)),
        bands.map((b) => b.receivedAt),
      ],
    });
    return rows.map((r) => r.id);
  }

  /** A batch that failed goes back to the queue, due again after `delaySeconds`. */
  async postponeMatching(ids: readonly string[], delaySeconds: number): Promise<void> {
    await this.database.query({
      name: 'tips-postpone-matching',
      text: `UPDATE tip_match_queue SET attempts = attempts + 1, available_at = now() + make_interval(secs => $2) WHERE tip_id = ANY($1::uuid[])`,
      values: [ids, delaySeconds],
    });
  }

  /** How many tips wait for matching, and how long the oldest has waited (seconds): for /metrics. */
  async matchingBacklog(): Promise<{ waiting: number; oldestSeconds: number }> {
    const [row] = await this.database.query<{ waiting: number; oldestSeconds: number }>({
      name: 'tips-matching-backlog',
      text: `SELECT count(*)::int AS waiting, coalesce(extract(epoch FROM now() - min(enqueued_at)), 0)::float8 AS "oldestSeconds" FROM tip_match_queue`,
    });
    return row;
  }

  /** Bands of narratives older than the duplicate window are of no more use. */
  async purgeBands(): Promise<number> {
    const rows = await this.database.query<{ n: number }>({
      name: 'tips-purge-bands',
      text: `WITH gone AS (DELETE FROM tip_narrative_band WHERE received_at < now() - interval '30 days' RETURNING 1) SELECT count(*)::int AS n FROM gone`,
    });
    return rows[0]?.n ?? 0;
  }

  async findByExternalId(tx: Tx, integrationId: string, externalId: string): Promise<TipReceiptRecord | undefined> {
    const [row] = await this.database.query<TipReceiptRecord>(
      {
        name: 'tips-by-external',
        text: `SELECT id, reference, status, received_at AS "receivedAt" FROM tip WHERE integration_id = $1 AND external_id = $2`,
        values: [integrationId, externalId],
      },
      tx,
    );
    return row;
  }

  /** The status of a tip, only when `integrationId` submitted it. */
  async receiptFor(integrationId: string, reference: string): Promise<TipReceiptRecord | undefined> {
    const [row] = await this.database.query<TipReceiptRecord>({
      name: 'tips-receipt',
      text: `SELECT id, reference, status, received_at AS "receivedAt" FROM tip WHERE reference = $1 AND integration_id = $2`,
      values: [reference, integrationId],
    });
    return row;
  }

  async findById(id: string, tx?: Tx): Promise<TipRecord | undefined> {
    const [row] = await this.database.query<TipRecord>({ name: 'tips-find', text: `SELECT ${RECORD} FROM tip t WHERE t.id = $1`, values: [id] }, tx);
    return row;
  }

  /** The tip row locked until the transaction ends: changes of one tip queue here. */
  async lock(tx: Tx, id: string): Promise<TipRecord | undefined> {
    const [row] = await this.database.query<TipRecord>({ name: 'tips-lock', text: `SELECT ${RECORD} FROM tip t WHERE t.id = $1 FOR UPDATE`, values: [id] }, tx);
    return row;
  }

  async update(tx: Tx, id: string, patch: TipPatch): Promise<TipRecord> {
    const keys = (Object.keys(patch) as (keyof TipPatch)[]).filter((k) => patch[k] !== undefined).sort();
    const sets = keys.map((k, i) => `${PATCH_COLUMNS[k]} = $${i + 2}`);
    const [row] = await this.database.write<TipRecord>(tx, {
      name: `tips-update:${keys.join(',')}`,
      text: `UPDATE tip t SET ${[...sets, 'version = version + 1', 'updated_at = now()'].join(', ')} WHERE t.id = $1 RETURNING ${RECORD}`,
      values: [id, ...keys.map((k) => patch[k])],
    });
    return row;
  }

  /** How many other tips the same tipster (by keyed hash) gave. */
  async sameTipsterCount(id: string): Promise<number> {
    const [row] = await this.database.query<{ n: number }>({
      name: 'tips-same-tipster',
      text: `SELECT count(*)::int AS n FROM tip o, tip t
              WHERE t.id = $1 AND o.id <> t.id
                AND ((t.tipster_email_hmac IS NOT NULL AND o.tipster_email_hmac = t.tipster_email_hmac) OR (t.tipster_phone_hmac IS NOT NULL AND o.tipster_phone_hmac = t.tipster_phone_hmac))`,
      values: [id],
    });
    return row?.n ?? 0;
  }

  /** A page of the queue: priority first (urgent first), then age (oldest first), filtered in SQL by need-to-know. */
  async queue(
    viewer: TipViewer,
    filter: TipQueueFilter,
    after: { priority: number; receivedKey: string; id: string } | undefined,
    limit: number,
  ): Promise<TipQueueRow[]> {
    return this.database.query<TipQueueRow>(tipQueueStatement(viewer, filter, after, limit));
  }

  /** Tips flagged at intake or marked by staff as repeating `id`, and the one `id` repeats, visible to the viewer. */
  async duplicatesAround(
    viewer: TipViewer,
    tip: { id: string; duplicateOf: string | null; possibleDuplicateOf: string | null },
  ): Promise<
    (TipReceiptRecord & {
      duplicateOf: string | null;
      possibleDuplicateOf: string | null;
      possibleDuplicateScore: number | null;
      possibleDuplicateReason: string | null;
    })[]
  > {
    return this.database.query({
      name: 'tips-duplicates',
      text: `SELECT t.id, t.reference, t.status, t.received_at AS "receivedAt", t.duplicate_of AS "duplicateOf", t.possible_duplicate_of AS "possibleDuplicateOf",
                    t.possible_duplicate_score AS "possibleDuplicateScore", t.possible_duplicate_reason AS "possibleDuplicateReason"
               FROM tip t
              WHERE (t.duplicate_of = $4 OR t.possible_duplicate_of = $4 OR t.id = ANY($5::uuid[])) AND ${VISIBLE}
              ORDER BY t.received_at, t.id LIMIT 50`,
      values: [viewer.userId, viewer.seesAll, viewer.triage, tip.id, [tip.duplicateOf, tip.possibleDuplicateOf].filter((v): v is string => v !== null)],
    });
  }

  /** Of `ids`, the tips `viewer` may see. */
  async visibleIds(viewer: TipViewer, ids: readonly string[], tx?: Tx): Promise<Set<string>> {
    const rows = await this.database.query<{ id: string }>(
      {
        name: 'tips-visible',
        text: `SELECT t.id FROM tip t WHERE t.id = ANY($4::uuid[]) AND ${VISIBLE}`,
        values: [viewer.userId, viewer.seesAll, viewer.triage, ids],
      },
      tx,
    );
    return new Set(rows.map((r) => r.id));
  }

  async candidates(tipId: string, tx?: Tx): Promise<CandidateRecord[]> {
    return this.database.query<CandidateRecord>(
      {
        name: 'tips-candidates',
        text: `SELECT ${CANDIDATE} FROM tip_candidate WHERE tip_id = $1 ORDER BY score DESC, entity_type, entity_id`,
        values: [tipId],
      },
      tx,
    );
  }

  async lockCandidate(tx: Tx, tipId: string, entityType: CandidateEntityType, entityId: string): Promise<CandidateRecord | undefined> {
    const [row] = await this.database.query<CandidateRecord>(
      {
        name: 'tips-candidate-lock',
        text: `SELECT ${CANDIDATE} FROM tip_candidate WHERE tip_id = $1 AND entity_type = $2 AND entity_id = $3 FOR UPDATE`,
        values: [tipId, entityType, entityId],
      },
      tx,
    );
    return row;
  }

  async decideCandidate(
    tx: Tx,
    tipId: string,
    entityType: CandidateEntityType,
    entityId: string,
    status: CandidateStatus,
    by: string,
  ): Promise<CandidateRecord> {
    const [row] = await this.database.write<CandidateRecord>(tx, {
      name: 'tips-candidate-decide',
      text: `WITH touch AS (UPDATE tip SET updated_at = now() WHERE id = $1 RETURNING id)
             UPDATE tip_candidate SET status = $4, decided_by = $5, decided_at = now(), version = version + 1
              WHERE tip_id = $1 AND entity_type = $2 AND entity_id = $3 RETURNING ${CANDIDATE}`,
      values: [tipId, entityType, entityId, status, by],
    });
    return row;
  }

  /** What a reward claim shows of its tips and what its eligibility rules read: never the identity or the keyed hashes. */
  async rewardViews(ids: readonly string[], tx?: Tx): Promise<TipRewardView[]> {
    return this.database.query<TipRewardView>(
      {
        name: 'tips-reward-views',
        text: `SELECT id, reference, status, case_id AS "caseId", reward_interest AS "rewardInterest", anonymous, tipster_pseudonym AS "tipsterPseudonym"
                 FROM tip WHERE id = ANY($1::uuid[])`,
        values: [ids],
      },
      tx,
    );
  }

  /** The sealed identity of a tip (for a reveal, or re-encryption). */
  async sealedIdentity(id: string): Promise<{ anonymous: boolean; tipsterIdentity: string | null; tipsterPseudonym: string | null } | undefined> {
    const [row] = await this.database.query<{ anonymous: boolean; tipsterIdentity: string | null; tipsterPseudonym: string | null }>({
      name: 'tips-identity',
      text: `SELECT anonymous, tipster_identity AS "tipsterIdentity", tipster_pseudonym AS "tipsterPseudonym" FROM tip WHERE id = $1`,
      values: [id],
    });
    return row;
  }

  /** A batch of tips whose identity was sealed with another key than `currentKeyId`, after `afterId`. */
  async sealedWithOtherKey(
    currentKeyId: string,
    afterId: string | null,
    limit: number,
  ): Promise<{ id: string; tipsterIdentity: string; tipsterKeyId: string }[]> {
    return this.database.query({
      name: 'tips-other-key',
      text: `SELECT id, tipster_identity AS "tipsterIdentity", tipster_key_id AS "tipsterKeyId" FROM tip
              WHERE tipster_key_id IS NOT NULL AND tipster_key_id <> $1 AND ($2::uuid IS NULL OR id > $2::uuid) ORDER BY id LIMIT $3`,
      values: [currentKeyId, afterId, limit],
    });
  }

  /** Replaces a sealed identity, only if it is still the one read (a concurrent re-encryption wins once). */
  async reseal(tx: Tx, id: string, previous: string, ciphertext: string, keyId: string): Promise<boolean> {
    const rows = await this.database.write(tx, {
      name: 'tips-reseal',
      text: `UPDATE tip SET tipster_identity = $3, tipster_key_id = $4 WHERE id = $1 AND tipster_identity = $2 RETURNING id`,
      values: [id, previous, ciphertext, keyId],
    });
    return rows.length === 1;
  }

  /** Search: tips by reference (exact) or, once matched, by words in the first 500 characters of the narrative, visible to the viewer. */
  async search(
    viewer: TipViewer,
    term: string,
    limit: number,
  ): Promise<{ id: string; reference: string; status: TipStatus; excerpt: string; exact: boolean }[]> {
    const pattern = `%${term.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    return this.database.query({
      name: 'tips-search',
      text: `SELECT t.id, t.reference, t.status, left(t.narrative, 120) AS excerpt, (t.reference = upper($4)) AS exact FROM tip t
              WHERE (t.reference = upper($4) OR (${NARRATIVE_KEY} LIKE $5 AND t.status <> 'matching')) AND ${VISIBLE}
              ORDER BY (t.reference = upper($4)) DESC, t.received_at DESC, t.id LIMIT $6`,
      values: [viewer.userId, viewer.seesAll, viewer.triage, term, pattern, limit],
    });
  }
}

/**
 * The statement of one queue page (exported for the benchmark's plans). Keyset on (priority DESC,
 * received_at, id): after a cursor, the rest of the cursor's priority and then every lower priority, each an
 * index range, so a deep page costs no more than the first.
 */
export function tipQueueStatement(
  viewer: TipViewer,
  filter: TipQueueFilter,
  after: { priority: number; receivedKey: string; id: string } | undefined,
  limit: number,
): Statement {
  const values: unknown[] = [viewer.userId, viewer.seesAll, viewer.triage];
  const where: string[] = [VISIBLE];
  const flags: string[] = [];
  const param = (value: unknown, cast = ''): string => {
    values.push(value);
    return `$${values.length}${cast}`;
  };
  if (filter.status) {
    where.push(`t.status = ${param(filter.status)}`);
    flags.push('status');
  }
  if (filter.priority) {
    where.push(`t.priority = ${param(filter.priority, '::smallint')}`);
    flags.push('priority');
  }
  if (filter.channel) {
    where.push(`t.channel = ${param(filter.channel)}`);
    flags.push('channel');
  }
  if (filter.hasMatches !== undefined) {
    where.push(filter.hasMatches ? 't.candidate_count > 0' : 't.candidate_count = 0');
    flags.push(`matches-${filter.hasMatches}`);
  }
  if (filter.assigneeId) {
    where.push(`t.assignee_id = ${param(filter.assigneeId, '::uuid')}`);
    flags.push('assignee');
  }
  if (filter.receivedFrom) {
    where.push(`t.received_at >= ${param(filter.receivedFrom, '::timestamptz')}`);
    flags.push('from');
  }
  if (filter.receivedTo) {
    where.push(`t.received_at < ${param(filter.receivedTo, '::timestamptz')}`);
    flags.push('to');
  }
  const order = 'ORDER BY t.priority DESC, t.received_at, t.id';
  const lim = param(limit);
  const base = where.join(' AND ');
  if (!after) {
    return { name: `tips-queue:${flags.join(',')}`, text: `SELECT ${QUEUE_ROW} FROM tip t WHERE ${base} ${order} LIMIT ${lim}`, values };
  }
  const p = param(after.priority, '::smallint');
  const r = param(after.receivedKey, '::timestamptz');
  const id = param(after.id, '::uuid');
  return {
    name: `tips-queue:${flags.join(',')},after`,
    text: `SELECT * FROM (
             (SELECT ${QUEUE_ROW} FROM tip t WHERE ${base} AND t.priority = ${p} AND (t.received_at, t.id) > (${r}, ${id}) ${order} LIMIT ${lim})
             UNION ALL
             (SELECT ${QUEUE_ROW} FROM tip t WHERE ${base} AND t.priority < ${p} ${order} LIMIT ${lim})
           ) q ORDER BY q.priority DESC, q."receivedAt", q.id LIMIT ${lim}`,
    values,
  };
}
