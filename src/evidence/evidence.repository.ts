import { Injectable } from '@nestjs/common';
import { Database, Tx } from '../database/database';
import type { CustodyEventType, CustodyState, EvidenceKind, IntegrityStatus } from './evidence.entity';

export interface EvidenceRecord {
  id: string;
  caseId: string;
  evidenceNumber: string;
  numberSeq: number;
  kind: EvidenceKind;
  description: string;
  collectedAt: Date;
  collectedBy: string;
  collectedFrom: string;
  custodianId: string;
  custodyState: CustodyState;
  sealNumber: string | null;
  storageKey: string | null;
  /** bigint, as text */
  fileSize: string | null;
  fileName: string | null;
  declaredContentType: string | null;
  detectedContentType: string | null;
  integrity: IntegrityStatus | null;
  lastVerifiedAt: Date | null;
  createdBy: string;
  createdAt: Date;
  version: number;
}

export interface CustodyEventRecord {
  id: string;
  evidenceId: string;
  seq: number;
  event: CustodyEventType;
  actorId: string | null;
  occurredAt: Date;
  recordedAt: Date;
  location: string;
  purpose: string;
  fromCustodianId: string | null;
  toCustodianId: string | null;
  sealNumber: string | null;
  result: Record<string, unknown> | null;
}

export interface NewEvidence {
  id: string;
  caseId: string;
  evidenceNumber: string;
  numberSeq: number;
  kind: EvidenceKind;
  description: string;
  collectedAt: string;
  collectedBy: string;
  collectedFrom: string;
  custodianId: string;
  file?: { storageKey: string; size: number; fileName: string | null; declaredContentType: string | null; detectedContentType: string | null };
}

export interface NewCustodyEvent {
  id: string;
  event: CustodyEventType;
  actorId: string | null;
  occurredAt: string;
  location: string;
  purpose: string;
  fromCustodianId?: string | null;
  toCustodianId?: string | null;
  sealNumber?: string | null;
  result?: Record<string, unknown> | null;
}

/** What a custody event changes on its item. */
export interface CustodyPatch {
  custodyState: CustodyState;
  custodianId: string;
  sealNumber: string | null;
  integrity?: IntegrityStatus;
}

const ITEM_COLUMNS = `id, case_id AS "caseId", evidence_number AS "evidenceNumber", number_seq AS "numberSeq", kind, description, collected_at AS "collectedAt",
  collected_by AS "collectedBy", collected_from AS "collectedFrom", custodian_id AS "custodianId", custody_state AS "custodyState", seal_number AS "sealNumber",
  storage_key AS "storageKey", file_size AS "fileSize", file_name AS "fileName", declared_content_type AS "declaredContentType",
  detected_content_type AS "detectedContentType", integrity, last_verified_at AS "lastVerifiedAt", created_by AS "createdBy", created_at AS "createdAt", version`;

const EVENT_COLUMNS = `id, evidence_id AS "evidenceId", seq, event, actor_id AS "actorId", occurred_at AS "occurredAt", recorded_at AS "recordedAt", location, purpose,
  from_custodian_id AS "fromCustodianId", to_custodian_id AS "toCustodianId", seal_number AS "sealNumber", result`;

const EVENT_INSERT = `INSERT INTO evidence_custody_event (id, evidence_id, seq, event, actor_id, occurred_at, location, purpose, from_custodian_id, to_custodian_id, seal_number, result)`;

/** The only way to evidence_item, evidence_custody_event and evidence_number_counter. */
@Injectable()
export class EvidenceRepository {
  constructor(private readonly database: Database) {}

  /** The case's next evidence number: the counter row stays locked until the transaction ends (gap-free). */
  async nextNumber(tx: Tx, caseId: string): Promise<number> {
    const [row] = await this.database.query<{ seq: number }>(
      {
        name: 'evidence-next-number',
        text: `INSERT INTO evidence_number_counter (case_id, last_seq) VALUES ($1, 1)
               ON CONFLICT (case_id) DO UPDATE SET last_seq = evidence_number_counter.last_seq + 1 RETURNING last_seq AS seq`,
        values: [caseId],
      },
      tx,
    );
    return row.seq;
  }

  /** The item and its first custody event (`collected`), in one statement (with the audit record riding along). */
  async insert(tx: Tx, e: NewEvidence, first: NewCustodyEvent): Promise<EvidenceRecord> {
    const [row] = await this.database.write<EvidenceRecord>(tx, {
      name: 'evidence-insert',
      text: `WITH ev AS (${EVENT_INSERT} VALUES ($17, $1, 1, 'collected', $21, $18, $19, $20, NULL, $10, NULL, NULL)),
                  act AS (UPDATE case_file SET last_activity_at = now() WHERE id = $2 RETURNING id)
             INSERT INTO evidence_item (id, case_id, evidence_number, number_seq, kind, description, collected_at, collected_by, collected_from, custodian_id,
               storage_key, file_size, file_name, declared_content_type, detected_content_type, integrity, last_verified_at, created_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, CASE WHEN $11::text IS NULL THEN NULL ELSE now() END, $21)
             RETURNING ${ITEM_COLUMNS}`,
      values: [
        e.id,
        e.caseId,
        e.evidenceNumber,
        e.numberSeq,
        e.kind,
        e.description,
        e.collectedAt,
        e.collectedBy,
        e.collectedFrom,
        e.custodianId,
        e.file?.storageKey ?? null,
        e.file?.size ?? null,
        e.file?.fileName ?? null,
        e.file?.declaredContentType ?? null,
        e.file?.detectedContentType ?? null,
        e.file ? 'ok' : null,
        first.id,
        first.occurredAt,
        first.location,
        first.purpose,
        first.actorId,
      ],
    });
    return row;
  }

  async findById(id: string, tx?: Tx): Promise<EvidenceRecord | undefined> {
    const [row] = await this.database.query<EvidenceRecord>({ name: 'evidence-find', text: `SELECT ${ITEM_COLUMNS} FROM evidence_item WHERE id = $1`, values: [id] }, tx);
    return row;
  }

  /** The item, its row locked until the transaction ends: custody events of one item queue here. */
  async lockById(tx: Tx, id: string): Promise<EvidenceRecord | undefined> {
    const [row] = await this.database.query<EvidenceRecord>({ name: 'evidence-lock', text: `SELECT ${ITEM_COLUMNS} FROM evidence_item WHERE id = $1 FOR UPDATE`, values: [id] }, tx);
    return row;
  }

  /** A page of a case's items by number, with the filters of the list. */
  async list(caseId: string, filter: { kind?: EvidenceKind; custodianId?: string }, afterSeq: number | undefined, limit: number): Promise<EvidenceRecord[]> {
    return this.database.query<EvidenceRecord>({
      name: 'evidence-list',
      text: `SELECT ${ITEM_COLUMNS} FROM evidence_item
             WHERE case_id = $1 AND ($2::text IS NULL OR kind = $2) AND ($3::uuid IS NULL OR custodian_id = $3) AND ($4::int IS NULL OR number_seq > $4)
             ORDER BY number_seq LIMIT $5`,
      values: [caseId, filter.kind ?? null, filter.custodianId ?? null, afterSeq ?? null, limit],
    });
  }

  /** Every item of a case, by number (the manifest). */
  async allOfCase(caseId: string): Promise<EvidenceRecord[]> {
    return this.database.query<EvidenceRecord>({ name: 'evidence-all-of-case', text: `SELECT ${ITEM_COLUMNS} FROM evidence_item WHERE case_id = $1 ORDER BY number_seq`, values: [caseId] });
  }

  /** Every custody event of a case's items, by item then seq (the manifest). */
  async custodyOfCase(caseId: string): Promise<CustodyEventRecord[]> {
    return this.database.query<CustodyEventRecord>({
      name: 'evidence-custody-of-case',
      text: `SELECT ${EVENT_COLUMNS.replace(/(^|,\s*)(\w+)/g, '$1c.$2')} FROM evidence_custody_event c JOIN evidence_item e ON e.id = c.evidence_id
             WHERE e.case_id = $1 ORDER BY e.number_seq, c.seq`,
      values: [caseId],
    });
  }

  async custody(evidenceId: string, afterSeq: number | undefined, limit: number): Promise<CustodyEventRecord[]> {
    return this.database.query<CustodyEventRecord>({
      name: 'evidence-custody',
      text: `SELECT ${EVENT_COLUMNS} FROM evidence_custody_event WHERE evidence_id = $1 AND ($2::int IS NULL OR seq > $2) ORDER BY seq LIMIT $3`,
      values: [evidenceId, afterSeq ?? null, limit],
    });
  }

  /** When the last event of the chain happened (events are appended in time order; integrity checks are the service's own and do not count). */
  async lastOccurredAt(tx: Tx, evidenceId: string): Promise<Date | undefined> {
    const [row] = await this.database.query<{ at: Date }>(
      { name: 'evidence-last-occurred', text: "SELECT max(occurred_at) AS at FROM evidence_custody_event WHERE evidence_id = $1 AND event <> 'verified'", values: [evidenceId] },
      tx,
    );
    return row?.at ?? undefined;
  }

  /**
   * Appends a custody event and applies it to the item, in one statement: the item moves from `version` to
   * `version + 1` (the event's seq) only if it is still at `version` (undefined: whatever it is now, under the
   * row lock). Undefined when the version moved.
   */
  async appendCustody(tx: Tx, evidenceId: string, version: number, patch: CustodyPatch, e: NewCustodyEvent): Promise<{ item: EvidenceRecord; event: CustodyEventRecord } | undefined> {
    const rows = await this.database.write<EvidenceRecord & { event: CustodyEventRecord }>(tx, {
      name: 'evidence-custody-append',
      text: `WITH ev AS (${EVENT_INSERT}
                         SELECT $3, $1, $2 + 1, $4, $5, $6, $7, $8, $9, $10, $11, $12 FROM evidence_item WHERE id = $1 AND version = $2
                         RETURNING ${EVENT_COLUMNS}),
                  act AS (UPDATE case_file SET last_activity_at = now() WHERE id = (SELECT case_id FROM evidence_item WHERE id = $1) AND EXISTS (SELECT 1 FROM ev) RETURNING id)
             UPDATE evidence_item SET custody_state = $13, custodian_id = $14, seal_number = $15, integrity = coalesce($16, integrity),
                    last_verified_at = CASE WHEN $4 = 'verified' THEN now() ELSE last_verified_at END, version = version + 1
             WHERE id = $1 AND version = $2
             RETURNING ${ITEM_COLUMNS}, (SELECT to_jsonb(ev) FROM ev) AS event`,
      values: [
        evidenceId,
        version,
        e.id,
        e.event,
        e.actorId,
        e.occurredAt,
        e.location,
        e.purpose,
        e.fromCustodianId ?? null,
        e.toCustodianId ?? null,
        e.sealNumber ?? null,
        e.result ?? null,
        patch.custodyState,
        patch.custodianId,
        patch.sealNumber,
        patch.integrity ?? null,
      ],
    });
    const [row] = rows;
    if (!row) return undefined;
    const { event, ...item } = row;
    return { item, event: { ...event, occurredAt: new Date(event.occurredAt), recordedAt: new Date(event.recordedAt) } };
  }

  /** Stored files whose last check is older than the period (never checked first), oldest first. */
  async dueForVerification(tx: Tx, periodHours: number, limit: number): Promise<EvidenceRecord[]> {
    return this.database.query<EvidenceRecord>(
      {
        name: 'evidence-due-verification',
        text: `SELECT ${ITEM_COLUMNS} FROM evidence_item WHERE storage_key IS NOT NULL AND (last_verified_at IS NULL OR last_verified_at < now() - make_interval(hours => $1))
               ORDER BY last_verified_at NULLS FIRST LIMIT $2`,
        values: [periodHours, limit],
      },
      tx,
    );
  }

  /** Items with a file, by integrity, and how many are overdue for a check (for /metrics). */
  async fileCounts(periodHours: number): Promise<{ ok: number; failed: number; overdue: number }> {
    const [row] = await this.database.query<{ ok: string; failed: string; overdue: string }>({
      name: 'evidence-file-counts',
      text: `SELECT count(*) FILTER (WHERE integrity = 'ok') AS ok, count(*) FILTER (WHERE integrity = 'failed') AS failed,
                    count(*) FILTER (WHERE last_verified_at IS NULL OR last_verified_at < now() - make_interval(hours => $1)) AS overdue
             FROM evidence_item WHERE storage_key IS NOT NULL`,
      values: [periodHours],
    });
    return { ok: Number(row.ok), failed: Number(row.failed), overdue: Number(row.overdue) };
  }
}
