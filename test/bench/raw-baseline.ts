import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { Pool } from 'pg';

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

const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => Promise<void>> = {
  'GET /live': async (_req, res) => send(res, 200, { status: 'ok' }),
  'GET /ready': async (_req, res) => {
    const { rows } = await pool.query('SELECT name FROM migrations');
    send(res, 200, { ready: rows.length > 0 });
  },
  // Same work as GET /api/v1/auth/me: one indexed session ⋈ user lookup by the token's session id.
  'GET /me': async (req, res) => {
    const sid = String(req.headers['x-session-id']);
    // The same prepared statement shape as Casefile's per-request session check.
    const { rows } = await pool.query({
      name: 'me',
      text: `SELECT u.id, u.username, u.display_name, u.roles, (u.totp_enabled_at IS NOT NULL) AS mfa, (s.last_used_at < now() - interval '60 seconds') AS stale
               FROM auth_session s JOIN app_user u ON u.id = s.user_id
              WHERE s.id = $1 AND s.revoked_at IS NULL AND s.expires_at > now() AND s.last_used_at > now() - make_interval(mins => 30) AND u.disabled_at IS NULL`,
      values: [sid],
    });
    send(res, rows.length ? 200 : 401, rows[0] ?? {});
  },
  // Same work as POST /api/v1/integrations minus auth and audit: insert one row, return it.
  'POST /write': async (req, res) => {
    const b = (await body(req)) as { name: string };
    const { rows } = await pool.query(
      `INSERT INTO integration (id, name, key_prefix, key_hash, created_by, version) VALUES (gen_random_uuid(), $1, substr(md5(random()::text), 1, 12), md5(random()::text), NULL, 1) RETURNING id, name`,
      [b.name],
    );
    send(res, 201, rows[0]);
  },
};

const server = createServer((req, res) => {
  const handler = routes[`${req.method} ${req.url?.split('?')[0]}`];
  if (!handler) return send(res, 404, {});
  handler(req, res).catch((e: unknown) => send(res, 500, { error: String(e) }));
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('ready'));
process.on('SIGTERM', () => server.close(() => void pool.end().then(() => process.exit(0))));
