import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { createCipheriv, createDecipheriv, createHash, randomBytes, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Pool } from 'pg';
import 'reflect-metadata';
import { GRAPH_SQL } from '../../src/links/links.repository';
import { ORGANIZATION_NAME_SEARCH_SQL, ORGANIZATION_SUMMARIES_SQL } from '../../src/organizations/organizations.repository';
import { interpretSelector } from '../../src/selectors/selector-normalizers';
import { SELECTOR_BY_VALUES_SQL, SELECTOR_SUMMARIES_SQL } from '../../src/selectors/selectors.repository';
import { SUBJECT_NAME_SEARCH_SQL, SUBJECT_SUMMARIES_SQL } from '../../src/subjects/subjects.repository';
import { INSERT_TIP_SQL, tipQueueStatement } from '../../src/tips/tips.repository';

/**
 * The raw baseline: a bare node:http + pg server doing the same database work as each benchmarked
 * Casefile route, with none of the framework, validation, auth or audit. Started by run.ts.
 */
const url = process.env.DATABASE_URL!;
const pool = new Pool({ connectionString: url, max: 20 });

async function body(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
}

function send(res: ServerResponse, status: number, payload: unknown): void {
  const text = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const SESSION_SQL = `SELECT u.id AS "userId", u.username::text AS username, u.display_name AS "displayName", u.roles, (u.totp_enabled_at IS NOT NULL) AS "mfaEnrolled",
        (s.last_used_at < now() - interval '60 seconds') AS stale
   FROM auth_session s JOIN app_user u ON u.id = s.user_id
  WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND s.expires_at > now() AND s.last_used_at > now() - make_interval(mins => 30)
    AND u.disabled_at IS NULL AND (u.sessions_valid_from IS NULL OR s.created_at > u.sessions_valid_from)`;

const CLAIM_SQL = `WITH claimed AS (
    INSERT INTO idempotency_key (principal, key, request_hash, state, locked_until, expires_at)
    VALUES ($1, $2, $3, 'in_flight', now() + make_interval(secs => $4), now() + make_interval(hours => $5))
    ON CONFLICT (principal, key) DO NOTHING RETURNING 1)
  SELECT EXISTS (SELECT 1 FROM claimed) AS claimed`;

const AUDIT_COLUMNS = 'actor_kind, actor_id, actor_roles, action, resource_type, resource_id, case_id, outcome, request_id, source_ip, user_agent, changes, details';
const INSERT_SQL = `WITH a0 AS (INSERT INTO audit_event (${AUDIT_COLUMNS}) VALUES ($6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18))
  INSERT INTO integration (id, name, key_prefix, key_hash, created_by) VALUES ($1, $2, $3, $4, $5)
  RETURNING id, name, key_prefix, created_at, rotated_at, revoked_at, last_used_at, version`;

const fieldKey = randomBytes(32);

// The per-principal rate limit every authenticated route counts (the same prepared upsert as RateLimiter.take).
const RATE_LIMIT_SQL = `INSERT INTO rate_limit_bucket (bucket, window_start, hits, expires_at)
  SELECT $1, w.start, 1, w.start + make_interval(secs => $2::int)
    FROM (SELECT to_timestamp(floor(extract(epoch FROM now()) / $2::int) * $2::int) AS start) w
  ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limit_bucket.hits + 1
  RETURNING hits, ceil(extract(epoch FROM expires_at - now()))::int AS reset`;

// GET /api/v1/cases/:id: the need-to-know query, the row with the caller's role, the read's audit record.
const MEMBERSHIP_SQL = 'SELECT case_id FROM case_member WHERE user_id = $1 AND case_id = ANY($2::uuid[])';
const CASE_SQL = `SELECT c.id, c.case_number AS "caseNumber", c.title, c.summary, c.status, c.sensitivity, c.lead_investigator_id AS "leadInvestigatorId",
  c.legal_hold AS "legalHold", c.created_by AS "createdBy", c.created_at AS "createdAt", c.updated_at AS "updatedAt",
  c.last_activity_at AS "lastActivityAt", c.closed_at AS "closedAt", c.version, m.role AS "myRole"
  FROM case_file c LEFT JOIN case_member m ON m.case_id = c.id AND m.user_id = $2 WHERE c.id = $1`;
const AUDIT_READ_SQL = `INSERT INTO audit_event (${AUDIT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`;

async function session(req: IncomingMessage): Promise<{ userId: string } | undefined> {
  const { rows } = await pool.query<{ userId: string }>({ name: 'session', text: SESSION_SQL, values: [String(req.headers['x-session-id']), String(req.headers['x-user-id'])] });
  if (rows[0]) await pool.query({ name: 'rate-limit', text: RATE_LIMIT_SQL, values: [`api:user:${rows[0].userId}`, 60] });
  return rows[0];
}

async function auditedInsert(name: string, userId: string, req: IncomingMessage, keyed?: { principal: string; key: string }): Promise<unknown> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const id = randomUUID();
    const prefix = `cfk_${randomBytes(5).toString('hex').toUpperCase()}`;
    const apiKey = `${prefix}_${randomBytes(32).toString('base64url')}`;
    const { rows } = await client.query({
      name: 'insert',
      text: INSERT_SQL,
      values: [id, name, prefix, createHash('sha256').update(apiKey).digest('hex'), userId, 'user', userId, ['admin'], 'integration.create', 'integration', id, null, 'success', 'raw', '127.0.0.1', req.headers['user-agent'] ?? null, JSON.stringify({ name: { before: null, after: name } }), null],
    });
    const response = { ...rows[0], apiKey };
    if (keyed) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', fieldKey, iv);
      const sealed = Buffer.concat([cipher.update(JSON.stringify(response)), cipher.final(), cipher.getAuthTag()]).toString('base64url');
      await client.query({ name: 'complete', text: `UPDATE idempotency_key SET state = 'completed', response_status = 201, response_body = to_jsonb($3::text) WHERE principal = $1 AND key = $2`, values: [keyed.principal, keyed.key, sealed] });
    }
    await client.query('COMMIT');
    return response;
  } catch (e) {
    await client.query('ROLLBACK');
    throw e;
  } finally {
    client.release();
  }
}

async function readCase(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const id = new URL(req.url ?? '/', 'http://raw').searchParams.get('id') ?? '';
  const user = await session(req);
  if (!user) return send(res, 401, {});
  const audit = (outcome: string) =>
    pool.query({ name: 'audit-read', text: AUDIT_READ_SQL, values: ['user', user.userId, ['investigator'], 'case.read', 'case', id, id, outcome, 'raw', '127.0.0.1', req.headers['user-agent'] ?? null, null, null] });
  const member = await pool.query({ name: 'case-membership', text: MEMBERSHIP_SQL, values: [user.userId, [id]] });
  if (member.rows.length === 0) {
    await audit('denied');
    return send(res, 404, {});
  }
  const { rows } = await pool.query({ name: 'case-find', text: CASE_SQL, values: [id, user.userId] });
  await audit('success');
  res.setHeader('etag', `W/"${rows[0].version}"`);
  send(res, 200, rows[0]);
}

const param = (req: IncomingMessage, name: string): string => new URL(req.url ?? '/', 'http://x').searchParams.get(name) ?? '';

/** Same statements as the registry's repositories (imported, not copied). */
async function selectorsBySpelling(value: string): Promise<unknown[]> {
  const pairs = interpretSelector(value, { defaultPhoneRegion: 'US' });
  if (pairs.length === 0) return [];
  const { rows } = await pool.query({ name: 'selectors-by-values', text: SELECTOR_BY_VALUES_SQL, values: [pairs.map((p) => p.kind), pairs.map((p) => p.normalizedValue)] });
  return rows;
}

/** The integration's key check stand-in: the rate-limit upsert of the principal named by x-integration-id. */
async function integration(req: IncomingMessage): Promise<string> {
  const id = String(req.headers['x-integration-id']);
  await pool.query({ name: 'rate-limit', text: RATE_LIMIT_SQL, values: [`api:integration:${id}`, 60] });
  return id;
}

/**
 * Same database work as POST /api/v1/intake/tips: the rate-limit upsert, the key claim, then one statement — the tip
 * with its place in the matching queue, its audit record and the stored response (intake's statement with its two
 * attachments; no BEGIN or COMMIT). Its queued tips are matched by the Casefile service's worker, between rounds.
 */
const INTAKE_SQL = `WITH a0 AS (INSERT INTO audit_event (${AUDIT_COLUMNS}) VALUES ($19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31)),
     a1 AS (UPDATE idempotency_key SET state = 'completed', response_status = 202, response_body = to_jsonb($34::text) WHERE principal = $32 AND key = $33),
     ${INSERT_TIP_SQL.trim().replace(/^WITH\s+/, '')}`;

async function intakeTip(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const b = (await body(req)) as { channel: string; narrative: string };
  const integrationId = await integration(req);
  const principal = `integration:${integrationId}`;
  const key = String(req.headers['idempotency-key']);
  const claim = await pool.query({
    name: 'claim',
    text: CLAIM_SQL,
    values: [principal, key, createHash('sha256').update(JSON.stringify(b)).digest('hex'), 120, 24],
  });
  if (!claim.rows[0]?.claimed) return send(res, 409, {});
  const id = randomUUID();
  const reference = `TIP-${randomBytes(4).toString('hex').toUpperCase()}`;
  const receipt = { reference, status: 'matching', receivedAt: new Date().toISOString() };
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', fieldKey, iv);
  const sealed = Buffer.concat([cipher.update(JSON.stringify(receipt)), cipher.final(), cipher.getAuthTag()]).toString('base64url');
  await pool.query({
    name: 'tip-intake',
    text: INTAKE_SQL,
    values: [
      ...[id, reference, integrationId, null, b.channel, b.narrative, null, null, false, true, null, null, null, null, null, '[]', '[]', receipt.receivedAt],
      ...['integration', integrationId, [], 'tip.submit', 'tip', id, null, 'success', 'raw', null, null, JSON.stringify({ reference: { before: null, after: reference } }), null],
      principal,
      key,
      sealed,
    ],
  });
  send(res, 202, receipt);
}

/**
 * The raw side of an evidence upload: the request body (no multipart, no framework) through SHA-256 and one
 * AES-256-GCM stream into a file, fsynced; the download reads it back through the decipher and checks the tag.
 */
const uploads = mkdtempSync(join(tmpdir(), 'casefile-raw-uploads-'));
const stored = new Map<string, { path: string; iv: Buffer; tag: Buffer; sha256: string }>();
const uploadKey = randomBytes(32);

async function rawUpload(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const id = randomUUID();
  const path = join(uploads, id);
  const iv = randomBytes(12);
  const hash = createHash('sha256');
  const cipher = createCipheriv('aes-256-gcm', uploadKey, iv);
  const encrypt = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      cb(null, cipher.update(chunk));
    },
    flush(cb) {
      cb(null, cipher.final());
    },
  });
  await pipeline(req, encrypt, createWriteStream(path, { flush: true, highWaterMark: 1024 * 1024 }));
  stored.set(id, { path, iv, tag: cipher.getAuthTag(), sha256: hash.digest('hex') });
  send(res, 201, { id, sha256: stored.get(id)!.sha256 });
}

async function rawDownload(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const file = stored.get(param(req, 'id'));
  if (!file) return send(res, 404, {});
  const decipher = createDecipheriv('aes-256-gcm', uploadKey, file.iv);
  decipher.setAuthTag(file.tag);
  res.writeHead(200, { 'content-type': 'application/octet-stream' });
  await pipeline(createReadStream(file.path, { highWaterMark: 256 * 1024 }), decipher, res);
}

const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => Promise<void>> = {
  'POST /upload': rawUpload,
  'GET /download': rawDownload,
  'POST /tips': intakeTip,
  // Same work as GET /api/v1/tips (first page): the session check, the queue statement, the list's audit record.
  'GET /tips-queue': async (req, res) => {
    const user = await session(req);
    if (!user) return send(res, 401, {});
    const { rows } = await pool.query(tipQueueStatement({ userId: user.userId, seesAll: false, triage: true }, {}, undefined, 26));
    await pool.query({
      name: 'audit-read',
      text: AUDIT_READ_SQL,
      values: ['user', user.userId, ['intake'], 'tip.list', 'tip', null, null, 'success', 'raw', '127.0.0.1', null, null, JSON.stringify({ count: 25 })],
    });
    send(res, 200, { data: rows.slice(0, 25), nextCursor: null });
  },
  // Same work as GET /api/v1/cases/:id: session check, need-to-know, the row, its read audit record.
  'GET /case': readCase,
  // Same work as GET /api/v1/search: the session check, then subjects, organizations and selectors at once.
  'GET /registry/search': async (req, res) => {
    if (!(await session(req))) return send(res, 401, {});
    const q = param(req, 'q').trim();
    const [subjects, organizations, selectors] = await Promise.all([
      pool.query({ name: 'subjects-search-names', text: SUBJECT_NAME_SEARCH_SQL, values: [q, 20] }),
      pool.query({ name: 'organizations-search-names', text: ORGANIZATION_NAME_SEARCH_SQL, values: [q, 20] }),
      selectorsBySpelling(q),
    ]);
    send(res, 200, { data: [...selectors, ...subjects.rows, ...organizations.rows].slice(0, 20) });
  },
  // Same work as GET /api/v1/selectors?value=: the session check, normalise as every kind, one lookup.
  'GET /registry/selector': async (req, res) => {
    if (!(await session(req))) return send(res, 401, {});
    send(res, 200, { data: await selectorsBySpelling(param(req, 'value')), nextCursor: null });
  },
  // Same work as GET /api/v1/graph: the session check, the recursive walk, then the labels per type.
  'GET /registry/graph': async (req, res) => {
    if (!(await session(req))) return send(res, 401, {});
    const { rows } = await pool.query({ name: 'links-graph', text: GRAPH_SQL, values: [param(req, 'root'), Number(param(req, 'depth')), null, 500, 2000, 'subject'] });
    const nodes = rows[0].nodes as { id: string; type: string }[];
    const ids = (type: string): string[] => nodes.filter((n) => n.type === type).map((n) => n.id);
    const labels = await Promise.all([
      ids('subject').length ? pool.query({ name: 'subjects-summaries', text: SUBJECT_SUMMARIES_SQL, values: [ids('subject')] }) : { rows: [] },
      ids('organization').length ? pool.query({ name: 'organizations-summaries', text: ORGANIZATION_SUMMARIES_SQL, values: [ids('organization')] }) : { rows: [] },
      ids('selector').length ? pool.query({ name: 'selectors-summaries', text: SELECTOR_SUMMARIES_SQL, values: [ids('selector')] }) : { rows: [] },
    ]);
    send(res, 200, { nodes, labels: labels.flatMap((l) => l.rows), edges: rows[0].edges, truncated: rows[0].cut });
  },
  'GET /live': async (_req, res) => send(res, 200, { status: 'ok' }),
  'GET /ready': async (_req, res) => {
    const { rows } = await pool.query('SELECT name FROM migrations');
    send(res, 200, { ready: rows.length > 0 });
  },
  // Same work as GET /api/v1/auth/me: the per-request session ⋈ user check and the rate-limit upsert, the same prepared statements.
  'GET /me': async (req, res) => {
    const row = await session(req);
    send(res, row ? 200 : 401, row ?? {});
  },
  // Same work as POST /api/v1/integrations: the session check, then BEGIN, the row with its audit record
  // in one statement, COMMIT — none of the framework, validation or guards.
  'POST /write': async (req, res) => {
    const b = (await body(req)) as { name: string };
    const user = await session(req);
    if (!user) return send(res, 401, {});
    send(res, 201, await auditedInsert(b.name, user.userId, req));
  },
  // Same work as POST /api/v1/integrations with an Idempotency-Key: the claim, the session check, and the
  // stored (encrypted) response in the change's transaction.
  'POST /write-keyed': async (req, res) => {
    const b = (await body(req)) as { name: string };
    const key = String(req.headers['idempotency-key']);
    const user = await session(req);
    if (!user) return send(res, 401, {});
    const principal = `user:${user.userId}`;
    const claim = await pool.query({ name: 'claim', text: CLAIM_SQL, values: [principal, key, createHash('sha256').update(JSON.stringify(b)).digest('hex'), 120, 24] });
    if (!claim.rows[0]?.claimed) return send(res, 409, {});
    send(res, 201, await auditedInsert(b.name, user.userId, req, { principal, key }));
  },
};

const server = createServer((req, res) => {
  const handler = routes[`${req.method} ${req.url?.split('?')[0]}`];
  if (!handler) return send(res, 404, {});
  handler(req, res).catch((e: unknown) => send(res, 500, { error: String(e) }));
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('ready'));
process.on('SIGTERM', () => {
  rmSync(uploads, { recursive: true, force: true });
  server.close(() => void pool.end().then(() => process.exit(0)));
});
