import { jsonDepthExceeds, MAX_JSON_DEPTH } from '../common/input-rules';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { AccessService } from '../access/access.service';
import { rolesGrant } from '../access/permissions';
import { RequestContext } from '../access/request-context';
import { AuditAction, AuditTrail, SYSTEM_CONTEXT } from '../audit/audit-trail.service';
import { paginateList } from '../common/pagination/list-cursor';
import { CasesService } from '../cases/cases.service';
import { assertVersion } from '../common/concurrency/if-match';
import { DomainError, ValidationFailedError } from '../common/errors/domain.error';
import { Page } from '../common/pagination/keyset';
import { validatePlain } from '../common/validation';
import { AppConfig } from '../config/app-config';
import { newId } from '../database/ids';
import { Locks } from '../database/locks';
import { contentDisposition, safeFileName } from './content-disposition';
import { allowedCustodyEvents, CUSTODIAN_ONLY, FORBIDDEN_UNDER_HOLD, nextCustodyState } from './custody-rules';
import {
  CreateCustodyEventDto,
  CustodyEventResponseDto,
  CustodyListQueryDto,
  ManifestDto,
  ManifestItemDto,
  toCustodyEventResponse,
  VerifyResultDto,
} from './dto/custody.dto';
import { CreateEvidenceDto, EvidenceListQueryDto, EvidenceResponseDto, servedContentType, toEvidenceResponse } from './dto/evidence.dto';
import { IntegrityError, TooLargeError } from './evidence-cipher';
import { EvidenceFiles, IntegrityReport, ReceivedFile } from './evidence-files';
import { ObjectMissingError } from './evidence-storage';
import './evidence.audit';
import {
  CustodianNotMemberError,
  CustodyTimeError,
  DigestMismatchError,
  EvidenceNotFoundError,
  EvidenceTooLargeError,
  IntegrityFailedError,
  InvalidCustodyTransitionError,
  InvalidDigestHeaderError,
  InvalidMultipartError,
  LegalHoldError,
  MetadataRequiredError,
  NoFileError,
  NotCustodianError,
  RangeNotSatisfiableError,
} from './evidence.errors';
import { EvidenceMetrics } from './evidence.metrics';
import { CustodyEventRecord, EvidenceRecord, EvidenceRepository } from './evidence.repository';

/** One part of a multipart body, as the HTTP layer hands it over (streamed, never buffered). */
export type UploadPart =
  | { type: 'field'; fieldname: string; value: unknown; valueTruncated?: boolean }
  | { type: 'file'; fieldname: string; filename: string; mimetype: string; file: Readable };

export interface EvidenceUpload {
  parts: AsyncIterable<UploadPart>;
  /** The `Repr-Digest` header, if any. */
  reprDigest?: string;
  /** The declared length of the whole body, if any. */
  contentLength?: number;
}

/** What a download answers: status, headers, and the decrypted, authenticated body. */
export interface EvidenceDownload {
  status: 200 | 206;
  headers: Record<string, string>;
  body: Readable;
}

export type Manifest = { format: 'json'; body: ManifestDto } | { format: 'csv'; body: string; fileName: string };

/** The integrity sweep runs on one replica at a time. */
export const VERIFY_SWEEP_LOCK = 'casefile:evidence:verify-sweep';
/** How often the sweep runs (evidence.jobs.ts): each turn checks its share of the files due in the period. */
export const SWEEP_INTERVAL_MINUTES = 15;

const MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/i;
const FILE_NAME_MAX = 255;

function me(ctx: RequestContext): string {
  return ctx.principal!.id;
}

function isSupervisor(ctx: RequestContext): boolean {
  return rolesGrant(ctx.principal?.roles ?? [], 'case:read-all');
}

/** `sha-256=:<base64>:` out of a Repr-Digest dictionary (RFC 9530); other algorithms are ignored. */
export function parseReprDigest(header: string): string | undefined {
  let found: string | undefined;
  for (const member of header.split(',')) {
    const m = /^\s*([a-z0-9_*-]+)\s*=\s*:([A-Za-z0-9+/]*={0,2}):\s*$/.exec(member);
    if (!m) throw new InvalidDigestHeaderError();
    if (m[1] !== 'sha-256') continue;
    const digest = Buffer.from(m[2], 'base64');
    if (digest.length !== 32) throw new InvalidDigestHeaderError();
    found = digest.toString('hex');
  }
  return found;
}

/** `bytes=a-b`, `bytes=a-` or `bytes=-n` of a file of `size` bytes; undefined for what is ignored (several ranges, another unit). */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | undefined {
  if (header === undefined) return undefined;
  const m = /^\s*bytes\s*=\s*(\d{0,16})\s*-\s*(\d{0,16})\s*$/i.exec(header);
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) throw new RangeNotSatisfiableError(size);
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size) throw new RangeNotSatisfiableError(size);
  if (end < start) return undefined;
  return { start, end };
}

/** A CSV cell: quoted, and never read as a formula by a spreadsheet. */
function csvCell(value: string | number | Record<string, unknown> | null | undefined): string {
  let text = value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

/**
 * Evidence under a case, its chain of custody and its integrity. Need-to-know is the case's: checks go
 * through `AccessService` (`evidence` resources: visible exactly when their case is) and the case gates of
 * CasesService. Every change commits with its audit record; every read is recorded.
 */
@Injectable()
export class EvidenceService {
  private readonly logger = new Logger('EvidenceService');

  constructor(
    private readonly evidence: EvidenceRepository,
    private readonly files: EvidenceFiles,
    private readonly cases: CasesService,
    private readonly access: AccessService,
    private readonly audit: AuditTrail,
    private readonly locks: Locks,
    private readonly metrics: EvidenceMetrics,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  // ---- items ----

  /**
   * A new item: JSON (a physical item) or an upload. The case is checked before a byte of the file is read;
   * the file is staged (hashed, encrypted, fsynced), compared with a declared digest, then published under its
   * SHA-256 in the same transaction as the row, the first custody event and the audit record. Whatever fails
   * leaves no row and no file.
   */
  async create(ctx: RequestContext, caseId: string, input: { json: unknown } | { upload: EvidenceUpload }): Promise<EvidenceResponseDto> {
    let dto: CreateEvidenceDto;
    let file: (ReceivedFile & { fileName: string | null; declaredContentType: string | null }) | undefined;
    try {
      await this.cases.requireWritable(undefined, ctx, caseId, 'evidence.create');
      if ('json' in input) {
        dto = validatePlain(CreateEvidenceDto, input.json);
        if (dto.sha256 !== undefined) throw new ValidationFailedError([{ field: 'sha256', message: 'is for uploads: a physical item has no file' }]);
      } else {
        ({ dto, file } = await this.receiveUpload(input.upload));
      }
      if (Date.parse(dto.collectedAt) > Date.now() + 5 * 60_000) throw new ValidationFailedError([{ field: 'collectedAt', message: 'must not be in the future' }]);
    } catch (e) {
      // A need-to-know refusal is recorded by the access check itself.
      if (!(e instanceof DomainError && e.status === 404)) await this.recordRefusal(ctx, 'evidence.create', caseId, e);
      throw e;
    }
    const id = newId();
    try {
      return await this.audit.transaction(ctx, { action: 'evidence.create', resourceType: 'evidence', resourceId: id, caseId }, async (tx, change) => {
        const kase = await this.cases.requireWritable(tx, ctx, caseId, 'evidence.create');
        let created = false;
        if (file) {
          // Two uploads of the same content queue here: neither removes an object the other relies on.
          await this.locks.lock(tx, `casefile:evidence:object:${file.sha256}`);
          created = await this.files.commit(file);
        }
        try {
          const seq = await this.evidence.nextNumber(tx, caseId);
          const evidenceNumber = `${kase.caseNumber}-E${String(seq).padStart(4, '0')}`;
          const fileView = file && { sha256: file.sha256, size: file.size, fileName: file.fileName, declaredContentType: file.declaredContentType, detectedContentType: file.detectedContentType };
          change.set({
            before: null,
            after: { evidenceNumber, kind: dto.kind, description: dto.description, collectedAt: dto.collectedAt, collectedBy: dto.collectedBy, collectedFrom: dto.collectedFrom ?? '', custodianId: me(ctx), file: fileView ?? null },
          });
          const row = await this.evidence.insert(
            tx,
            {
              id,
              caseId,
              evidenceNumber,
              numberSeq: seq,
              kind: dto.kind,
              description: dto.description,
              collectedAt: dto.collectedAt,
              collectedBy: dto.collectedBy,
              collectedFrom: dto.collectedFrom ?? '',
              custodianId: me(ctx),
              file: file && { storageKey: file.sha256, size: file.size, fileName: file.fileName, declaredContentType: file.declaredContentType, detectedContentType: file.detectedContentType },
            },
            { id: newId(), event: 'collected', actorId: me(ctx), occurredAt: dto.collectedAt, location: dto.collectedFrom || 'not stated', purpose: `collected by ${dto.collectedBy}` },
          );
          return toEvidenceResponse(row);
        } catch (e) {
          if (created && file) await this.files.remove(file.sha256);
          throw e;
        }
      });
    } finally {
      // After a commit the staged name is gone already; after a failure this removes it.
      await file?.staged.discard();
    }
  }

  async list(ctx: RequestContext, caseId: string, query: EvidenceListQueryDto): Promise<Page<EvidenceResponseDto>> {
    await this.cases.requireReadable(ctx, caseId, 'evidence.list');
    const filter = { kind: query.kind, custodianId: query.custodianId?.toLowerCase() };
    const page = await paginateList(
      `evidence:${caseId}:${filter.kind ?? ''}:${filter.custodianId ?? ''}`,
      query,
      ['int'],
      (after, take) => this.evidence.list(caseId, filter, after ? Number(after[0]) : undefined, take),
      (r) => [String(r.numberSeq)],
      toEvidenceResponse,
    );
    await this.audit.record(ctx, { action: 'evidence.list', resourceType: 'evidence', caseId, details: { filters: filter, count: page.data.length, evidenceIds: page.data.map((e) => e.id) } });
    return page;
  }

  async get(ctx: RequestContext, id: string): Promise<EvidenceResponseDto> {
    const item = await this.requireEvidence(ctx, id, 'evidence.read');
    await this.audit.record(ctx, { action: 'evidence.read', resourceType: 'evidence', resourceId: id, caseId: item.caseId });
    return toEvidenceResponse(item);
  }

  // ---- content ----

  /**
   * The file, decrypted and authenticated as it streams. An item whose file failed a check is refused before
   * anything is sent; damage met in the first segment read is refused the same way; damage met later cuts the
   * response short (no complete body). Each failure is audited and recorded in the chain as a failed check.
   */
  async download(ctx: RequestContext, id: string, rangeHeader: string | undefined): Promise<EvidenceDownload> {
    const item = await this.requireEvidence(ctx, id, 'evidence.download');
    const refuse = async (error: DomainError): Promise<never> => {
      await this.recordRefusal(ctx, 'evidence.download', item.caseId, error, id);
      throw error;
    };
    if (!item.storageKey) return refuse(new NoFileError());
    if (item.integrity === 'failed') return refuse(new IntegrityFailedError());
    const size = Number(item.fileSize);
    let range: { start: number; end: number } | undefined;
    try {
      range = parseRange(rangeHeader, size);
    } catch (e) {
      return refuse(e as DomainError);
    }
    let body: Readable;
    try {
      body = await this.files.open(item.storageKey, size, item.storageKey, range);
    } catch (e) {
      if (!(e instanceof IntegrityError || e instanceof ObjectMissingError)) throw e;
      await this.recordDamage(ctx, item, { ok: false, problem: e instanceof IntegrityError ? e.message : 'the stored file is missing', offset: e instanceof IntegrityError ? e.offset : undefined });
      return refuse(new IntegrityFailedError());
    }
    body.on('error', (e) => {
      if (!(e instanceof IntegrityError)) return;
      void this.recordDamage(ctx, item, { ok: false, problem: e.message, offset: e.offset }).catch((err: unknown) => this.logger.error(`recording damage of evidence ${id} failed: ${String(err)}`));
    });
    await this.audit.record(ctx, {
      action: 'evidence.download',
      resourceType: 'evidence',
      resourceId: id,
      caseId: item.caseId,
      details: { sha256: item.storageKey, size, range: range ? `${range.start}-${range.end}` : null },
    });
    const headers: Record<string, string> = {
      'Content-Type': servedContentType(item),
      'Content-Disposition': contentDisposition(safeFileName(item.fileName, item.evidenceNumber)),
      'Repr-Digest': `sha-256=:${Buffer.from(item.storageKey, 'hex').toString('base64')}:`,
      'Accept-Ranges': 'bytes',
      'Content-Length': String(range ? range.end - range.start + 1 : size),
      'X-Content-Type-Options': 'nosniff',
    };
    if (range) headers['Content-Range'] = `bytes ${range.start}-${range.end}/${size}`;
    return { status: range ? 206 : 200, headers, body };
  }

  // ---- chain of custody ----

  /**
   * Appends a custody event: the state machine (409 naming what is allowed), transfers, releases and
   * destruction by the custodian or a supervisor only (409), nothing released or destroyed under the case's
   * legal hold (409), times in order. The item row is locked, so concurrent events queue and each sees the
   * last; with `If-Match` a stale version is a 412.
   */
  async appendCustody(ctx: RequestContext, id: string, dto: CreateCustodyEventDto, expectedVersion?: number): Promise<CustodyEventResponseDto> {
    await this.requireEvidence(ctx, id, 'evidence.custody');
    return this.audit.transaction(ctx, { action: 'evidence.custody', resourceType: 'evidence', resourceId: id, details: { event: dto.event } }, async (tx, change) => {
      const item = await this.evidence.lockById(tx, id);
      if (!item) throw new EvidenceNotFoundError(id);
      change.set({ caseId: item.caseId });
      const kase = await this.cases.requireWritable(tx, ctx, item.caseId, 'evidence.custody', { allowClosed: true });
      if (expectedVersion !== undefined) assertVersion(expectedVersion, item.version);
      const next = nextCustodyState(item.custodyState, dto.event);
      if (!next) throw new InvalidCustodyTransitionError(item.custodyState, dto.event, allowedCustodyEvents(item.custodyState));
      if (CUSTODIAN_ONLY.has(dto.event) && item.custodianId !== me(ctx) && !isSupervisor(ctx)) throw new NotCustodianError(dto.event);
      if (FORBIDDEN_UNDER_HOLD.has(dto.event) && kase.legalHold) throw new LegalHoldError(dto.event);
      const occurredAt = Date.parse(dto.occurredAt);
      if (occurredAt > Date.now() + 5 * 60_000) throw new CustodyTimeError('must not be in the future');
      const last = await this.evidence.lastOccurredAt(tx, id);
      if (last && occurredAt < last.getTime()) throw new CustodyTimeError(`must not be before the previous event of the chain (${last.toISOString()})`);
      let custodianId = item.custodianId;
      if (dto.event === 'transferred') {
        const to = dto.toUserId!.toLowerCase();
        if (to === item.custodianId) throw new CustodianNotMemberError('is already the custodian');
        if (!(await this.cases.isMember(tx, item.caseId, to))) throw new CustodianNotMemberError();
        custodianId = to;
      }
      const sealNumber = dto.event === 'sealed' ? dto.sealNumber! : next === 'sealed' ? item.sealNumber : null;
      change.set({
        before: { custodyState: item.custodyState, custodianId: item.custodianId, sealNumber: item.sealNumber },
        after: { custodyState: next, custodianId, sealNumber },
        details: { event: dto.event, occurredAt: dto.occurredAt, location: dto.location, purpose: dto.purpose },
      });
      const appended = await this.evidence.appendCustody(
        tx,
        id,
        item.version,
        { custodyState: next, custodianId, sealNumber },
        {
          id: newId(),
          event: dto.event,
          actorId: me(ctx),
          occurredAt: dto.occurredAt,
          location: dto.location,
          purpose: dto.purpose,
          fromCustodianId: dto.event === 'transferred' ? item.custodianId : null,
          toCustodianId: dto.event === 'transferred' ? custodianId : null,
          sealNumber: dto.event === 'sealed' || dto.event === 'unsealed' ? (dto.sealNumber ?? item.sealNumber) : null,
        },
      );
      // Under the row lock the version cannot have moved; the check in SQL is the second line of defence.
      if (!appended) throw new InvalidCustodyTransitionError(item.custodyState, dto.event, allowedCustodyEvents(item.custodyState));
      return toCustodyEventResponse(appended.event);
    });
  }

  async custody(ctx: RequestContext, id: string, query: CustodyListQueryDto): Promise<Page<CustodyEventResponseDto>> {
    const item = await this.requireEvidence(ctx, id, 'evidence.custody.list');
    const page = await paginateList(
      `custody:${id}`,
      query,
      ['int'],
      (after, take) => this.evidence.custody(id, after ? Number(after[0]) : undefined, take),
      (r) => [String(r.seq)],
      toCustodyEventResponse,
    );
    await this.audit.record(ctx, { action: 'evidence.custody.list', resourceType: 'evidence', resourceId: id, caseId: item.caseId, details: { count: page.data.length } });
    return page;
  }

  // ---- integrity ----

  /** Re-reads, decrypts and re-hashes the stored file; appends a `verified` event with the result. */
  async verify(ctx: RequestContext, id: string): Promise<VerifyResultDto> {
    const item = await this.requireEvidence(ctx, id, 'evidence.verify');
    if (!item.storageKey) {
      const error = new NoFileError();
      await this.recordRefusal(ctx, 'evidence.verify', item.caseId, error, id);
      throw error;
    }
    const report = await this.files.verify(item.storageKey, Number(item.fileSize), item.storageKey);
    this.metrics.verified(report.ok, 'request');
    const event = await this.appendVerified(ctx, item, report, 'request');
    return { evidenceId: id, ok: report.ok, sha256: item.storageKey, size: Number(item.fileSize), problem: report.problem, event };
  }

  /**
   * One turn of the integrity sweep, on one replica (advisory lock): checks the share of stored files due so
   * that each is checked once per EVIDENCE_VERIFY_PERIOD_HOURS, oldest check first. Undefined when another
   * replica holds the lock.
   */
  async sweep(): Promise<{ checked: number; failed: number } | undefined> {
    const period = this.config.evidence.verifyPeriodHours;
    return this.audit.transaction(SYSTEM_CONTEXT, { action: 'evidence.verify-sweep', resourceType: 'evidence' }, async (tx, change) => {
      if (!(await this.locks.tryLock(tx, VERIFY_SWEEP_LOCK))) {
        change.set({ details: { skipped: 'another replica runs it' } });
        return undefined;
      }
      const counts = await this.evidence.fileCounts(period);
      const share = Math.max(1, Math.ceil(((counts.ok + counts.failed) * SWEEP_INTERVAL_MINUTES) / (period * 60)));
      const due = await this.evidence.dueForVerification(tx, period, Math.max(share, Math.min(counts.overdue, share * 4)));
      let failed = 0;
      for (const item of due) {
        const report = await this.files.verify(item.storageKey!, Number(item.fileSize), item.storageKey!);
        this.metrics.verified(report.ok, 'sweep');
        if (!report.ok) failed += 1;
        await this.appendVerified(SYSTEM_CONTEXT, item, report, 'sweep');
      }
      this.metrics.swept();
      change.set({ details: { checked: due.length, failed } });
      return { checked: due.length, failed };
    });
  }

  // ---- manifest ----

  /** Every item of the case with its hash, size and whole chain of custody, as JSON or CSV. Audited. */
  async manifest(ctx: RequestContext, caseId: string, format: 'json' | 'csv'): Promise<Manifest> {
    const kase = await this.cases.requireReadableCase(ctx, caseId, 'evidence.manifest');
    const [items, events] = await Promise.all([this.evidence.allOfCase(caseId), this.evidence.custodyOfCase(caseId)]);
    const chains = new Map<string, CustodyEventRecord[]>();
    for (const e of events) chains.set(e.evidenceId, [...(chains.get(e.evidenceId) ?? []), e]);
    await this.audit.record(ctx, { action: 'evidence.manifest', resourceType: 'case', resourceId: caseId, caseId, details: { format, items: items.length } });
    const generatedAt = new Date().toISOString();
    if (format === 'json') {
      const out: ManifestItemDto[] = items.map((i) => ({ ...toEvidenceResponse(i), custody: (chains.get(i.id) ?? []).map(toCustodyEventResponse) }));
      return { format, body: { caseId, caseNumber: kase.caseNumber, generatedAt, items: out } };
    }
    const header = ['caseNumber', 'evidenceNumber', 'evidenceId', 'kind', 'description', 'collectedAt', 'collectedBy', 'collectedFrom', 'fileName', 'size', 'sha256', 'contentType', 'integrity',
      'custodySeq', 'event', 'occurredAt', 'recordedAt', 'actorId', 'location', 'purpose', 'fromCustodianId', 'toCustodianId', 'sealNumber', 'result'];
    const lines = [header.map(csvCell).join(',')];
    for (const i of items) {
      const r = toEvidenceResponse(i);
      for (const c of chains.get(i.id) ?? []) {
        lines.push(
          [kase.caseNumber, r.evidenceNumber, r.id, r.kind, r.description, r.collectedAt, r.collectedBy, r.collectedFrom, r.file?.fileName, r.file?.size, r.file?.sha256, r.file?.contentType, r.file?.integrity,
            c.seq, c.event, c.occurredAt.toISOString(), c.recordedAt.toISOString(), c.actorId, c.location, c.purpose, c.fromCustodianId, c.toCustodianId, c.sealNumber, c.result]
            .map(csvCell)
            .join(','),
        );
      }
    }
    return { format, body: `${lines.join('\r\n')}\r\n`, fileName: `${kase.caseNumber}-evidence-manifest.csv` };
  }

  // ---- helpers ----

  /** The item, when the caller may see its case: 404 otherwise (recorded once as denied, under `action`). */
  private async requireEvidence(ctx: RequestContext, id: string, action: AuditAction): Promise<EvidenceRecord> {
    await this.access.requireAccess(ctx, 'evidence', [id], { action });
    const item = await this.evidence.findById(id);
    if (!item) throw new EvidenceNotFoundError(id);
    return item;
  }

  /** Reads the multipart body: `metadata` first, then at most one `file`, streamed into staging. */
  private async receiveUpload(upload: EvidenceUpload): Promise<{ dto: CreateEvidenceDto; file?: ReceivedFile & { fileName: string | null; declaredContentType: string | null } }> {
    const max = this.config.evidence.maxBytes;
    if (upload.contentLength !== undefined && upload.contentLength > max + 1024 * 1024) throw new EvidenceTooLargeError(max);
    const headerDigest = upload.reprDigest !== undefined ? parseReprDigest(upload.reprDigest) : undefined;
    let dto: CreateEvidenceDto | undefined;
    let file: (ReceivedFile & { fileName: string | null; declaredContentType: string | null }) | undefined;
    try {
      for await (const part of upload.parts) {
        if (!dto) {
          if (part.type !== 'field' || part.fieldname !== 'metadata') throw new MetadataRequiredError();
          if (part.valueTruncated) throw new InvalidMultipartError('The metadata part is larger than 64 KiB', 'metadata');
          const text = String(part.value);
          // The same nesting limit as every JSON body: deeper JSON would overflow whatever walks it next.
          if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) throw new ValidationFailedError([{ field: 'metadata', message: `nests objects or arrays deeper than ${MAX_JSON_DEPTH} levels` }]);
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            throw new ValidationFailedError([{ field: 'metadata', message: 'must be a JSON object' }]);
          }
          dto = validatePlain(CreateEvidenceDto, parsed, 'metadata');
          continue;
        }
        if (part.type === 'file' && part.fieldname === 'file') {
          if (file) throw new InvalidMultipartError('An item of evidence has at most one file: send one `file` part', 'file');
          const fileName = part.filename === '' ? null : part.filename;
          if (fileName !== null && (fileName.length > FILE_NAME_MAX || /[\p{Cc}\p{Cs}]/u.test(fileName))) {
            part.file.resume();
            throw new ValidationFailedError([{ field: 'file', message: `the file name must be at most ${FILE_NAME_MAX} characters without control characters` }]);
          }
          const received = await this.files.receive(part.file, max);
          file = { ...received, fileName, declaredContentType: MIME.test(part.mimetype) ? part.mimetype.toLowerCase() : null };
          continue;
        }
        if (part.type === 'file') part.file.resume();
        throw new InvalidMultipartError(`Unexpected part "${part.fieldname.slice(0, 100)}": a multipart upload has a \`metadata\` part, then at most one \`file\` part`, part.fieldname.slice(0, 100));
      }
      if (!dto) throw new MetadataRequiredError();
      const declared = [headerDigest, dto.sha256?.toLowerCase()].filter((d): d is string => d !== undefined);
      if (!file && declared.length > 0) throw new ValidationFailedError([{ field: 'sha256', message: 'a digest was declared but no file was sent' }]);
      for (const d of declared) if (file && d !== file.sha256) throw new DigestMismatchError(d, file.sha256);
      return { dto, file };
    } catch (e) {
      await file?.staged.discard();
      throw this.uploadError(e, max);
    }
  }

  /** What went wrong while reading an upload, as the client should hear it. */
  private uploadError(e: unknown, max: number): unknown {
    if (e instanceof DomainError) return e;
    if (e instanceof TooLargeError) return new EvidenceTooLargeError(max);
    const code = (e as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') return new EvidenceTooLargeError(max);
    if (code === 'FST_FILES_LIMIT') return new InvalidMultipartError('An item of evidence has at most one file: send one `file` part', 'file');
    if (code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') return new InvalidMultipartError('Too many parts: a multipart upload has a `metadata` part, then at most one `file` part');
    if (code === 'FST_PROTO_VIOLATION') return new InvalidMultipartError('A part has a forbidden name');
    if (code?.startsWith('FST_') || code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || (e instanceof Error && /multipart|form|boundary|part header|aborted/i.test(e.message))) {
      return new InvalidMultipartError('The multipart body is malformed or was cut short: nothing was kept');
    }
    return e;
  }

  /** A refusal or failure before (or instead of) a change: recorded with the problem's code. */
  private async recordRefusal(ctx: RequestContext, action: AuditAction, caseId: string, error: unknown, resourceId?: string): Promise<void> {
    const domain = error instanceof DomainError ? error : undefined;
    const denied = domain !== undefined && [401, 403, 404].includes(domain.status);
    await this.audit
      .record(ctx, { action, outcome: denied ? 'denied' : 'error', resourceType: 'evidence', resourceId, caseId, details: { problem: domain?.code ?? 'internal' } })
      .catch(() => undefined);
  }

  /** Damage met while serving a download: audited as a failed download, and recorded in the chain. */
  private async recordDamage(ctx: RequestContext, item: EvidenceRecord, report: IntegrityReport): Promise<void> {
    this.logger.error(`evidence ${item.id} (${item.evidenceNumber}) failed its integrity check while being served: ${report.problem ?? ''}`);
    this.metrics.verified(false, 'download');
    await this.audit.record(ctx, { action: 'evidence.download', outcome: 'error', resourceType: 'evidence', resourceId: item.id, caseId: item.caseId, details: { problem: 'integrity-failed', damage: report.problem, offset: report.offset ?? null } });
    await this.appendVerified(ctx, item, report, 'download');
  }

  /** Appends a `verified` event with the result and sets the item's integrity (its custody state unchanged). */
  private async appendVerified(ctx: RequestContext, item: EvidenceRecord, report: IntegrityReport, trigger: 'request' | 'sweep' | 'download'): Promise<CustodyEventResponseDto> {
    const integrity = report.ok ? ('ok' as const) : ('failed' as const);
    const result = { ok: report.ok, sha256: item.storageKey, size: Number(item.fileSize), problem: report.problem, offset: report.offset ?? null, trigger };
    return this.audit.transaction(ctx, { action: 'evidence.verify', resourceType: 'evidence', resourceId: item.id, caseId: item.caseId }, async (tx, change) => {
      const current = await this.evidence.lockById(tx, item.id);
      if (!current) throw new EvidenceNotFoundError(item.id);
      change.set({ before: { integrity: current.integrity }, after: { integrity }, details: result });
      const purpose = { request: 'integrity check on request', sweep: 'scheduled integrity sweep', download: 'damage met while serving a download' }[trigger];
      const appended = await this.evidence.appendCustody(
        tx,
        item.id,
        current.version,
        { custodyState: current.custodyState, custodianId: current.custodianId, sealNumber: current.sealNumber, integrity },
        { id: newId(), event: 'verified', actorId: ctx.principal?.kind === 'user' ? ctx.principal.id : null, occurredAt: new Date().toISOString(), location: 'evidence store', purpose, result },
      );
      return toCustodyEventResponse(appended!.event);
    });
  }
}
