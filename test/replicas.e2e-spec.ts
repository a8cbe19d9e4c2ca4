import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSync } from 'otplib';
import { Client } from 'pg';
import { KeyMismatchError } from '../src/config/key-check';
import { keyId } from '../src/config/secrets';
import { KEY_CHECK_LOCK } from '../src/database/key-check.repository';
import { signedIn } from './support/actors';
import { runMain } from './support/main-process';
import { createTestApp, TestApp } from './support/test-app';
import { createTestDatabase } from './support/test-database';

const SPAWN_TIMEOUT_MS = 120_000;
const aSecret = (): string => randomBytes(48).toString('base64url');
const aFieldKey = (): string => randomBytes(32).toString('base64');
const dataDir = (): string => mkdtempSync(join(tmpdir(), 'casefile-replica-'));

/** The secrets a replica was given, as environment variables. */
function secretsOf(t: TestApp): Record<string, string> {
  return Object.fromEntries(Object.entries(t.config.secrets.keyrings).map(([name, keys]) => [name, keys.join(',')]));
}

/** The secrets named in a refusal's problem lines (`  - NAME: …` / `  - NAME is …`). */
function namedIn(report: string): string[] {
  return [...report.matchAll(/^ {2}- ([A-Z_]+)\b/gm)].map((m) => m[1]);
}

async function keyChecks(t: TestApp): Promise<{ secret: string; key_id: string }[]> {
  return t.dataSource.query('SELECT secret, key_id FROM key_check ORDER BY secret, recorded_at');
}

/** Two-step sign-in of a user with TOTP, through one replica, with the next time step's code. */
async function signInWithTotp(t: TestApp, user: { username: string; password: string }, totpSecret: string): Promise<string> {
  const challenge = await t.http().post('/api/v1/auth/login').send({ username: user.username, password: user.password }).expect(200);
  expect(challenge.body).toEqual({ kind: 'mfa-challenge', mfaRequired: true, challengeToken: expect.any(String) });
  const code = generateSync({ secret: totpSecret, epoch: Math.floor(Date.now() / 1000) + 30 });
  const tokens = await t.http().post('/api/v1/auth/mfa/verify').send({ challengeToken: challenge.body.challengeToken, code }).expect(200);
  return tokens.body.accessToken as string;
}

describe('replicas of one database', () => {
  let first: TestApp;
  beforeAll(async () => {
    first = await createTestApp({ label: 'replicas' });
  });
  afterAll(async () => {
    await first.close();
  });

  it('records a key check value and key id for each shared secret on the first start, never a key', async () => {
    const rows = await first.dataSource.query<{ secret: string; key_id: string; check_value: string }[]>('SELECT secret, key_id, check_value FROM key_check ORDER BY secret');
    expect(rows.map((r) => r.secret)).toEqual(['AUDIT_SIGNING_KEY', 'FIELD_ENCRYPTION_KEY', 'HMAC_KEY', 'JWT_SECRET']);
    expect(rows.find((r) => r.secret === 'FIELD_ENCRYPTION_KEY')?.key_id).toBe(first.config.secrets.fieldEncryptionKeyId);
    const table = JSON.stringify(rows);
    for (const value of Object.values(secretsOf(first))) expect(table).not.toContain(value);
    for (const r of rows) expect(r.check_value).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses to start a second replica whose JWT_SECRET differs, naming it and no value, and records nothing', async () => {
    const before = await keyChecks(first);
    const other = aSecret();
    const error = await createTestApp({ sharedDatabaseUrl: first.databaseUrl, env: { JWT_SECRET: other } }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(KeyMismatchError);
    const report = (error as KeyMismatchError).report();
    expect(namedIn(report)).toEqual(['JWT_SECRET']);
    expect(report).toContain(`JWT_SECRET: this replica has key ${keyId(other)}, but this database uses key ${keyId(first.config.secrets.jwtSecret)}`);
    expect(report).not.toContain(other);
    expect(report).not.toContain(first.config.secrets.jwtSecret);
    expect(await keyChecks(first)).toEqual(before);
  });

  it('lets one of two replicas reaching the check together with different secrets record its keys, and refuses the other', async () => {
    const db = await createTestDatabase('replicasrace');
    const holder = new Client({ connectionString: db.url });
    await holder.connect();
    try {
      // Hold the replicas' lock until both are waiting for it at the check, then let them race.
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock(hashtext($1))', [KEY_CHECK_LOCK]);
      const starting = Promise.allSettled([aSecret(), aSecret()].map((JWT_SECRET) => createTestApp({ sharedDatabaseUrl: db.url, env: { JWT_SECRET } })));
      let waiting = 0;
      for (const deadline = Date.now() + 20_000; waiting < 2 && Date.now() < deadline; ) {
        await new Promise((r) => setTimeout(r, 50));
        const { rows } = await holder.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        );
        waiting = rows[0].n;
      }
      await holder.query('COMMIT');
      const started = await starting;
      const up = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
      const refused = started.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
      try {
        expect(waiting).toBe(2);
        expect(up).toHaveLength(1);
        expect(refused).toHaveLength(1);
        expect(refused[0]).toBeInstanceOf(KeyMismatchError);
        expect((refused[0] as KeyMismatchError).problems.map((p) => p.split(':')[0])).toEqual(['JWT_SECRET']);
        const rows = await up[0].dataSource.query<{ secret: string; key_id: string }[]>(`SELECT secret, key_id FROM key_check WHERE secret = 'JWT_SECRET'`);
        expect(rows).toEqual([{ secret: 'JWT_SECRET', key_id: keyId(up[0].config.secrets.jwtSecret) }]);
      } finally {
        for (const t of up) await t.close();
      }
    } finally {
      await holder.end();
      await db.drop();
    }
  });

  it(
    'exits with code 78 and one message naming every secret that differs and how to fix it',
    async () => {
      const given = { ...secretsOf(first), JWT_SECRET: aSecret(), HMAC_KEY: aSecret() };
      const replica = runMain({ DATABASE_URL: first.databaseUrl, DATA_DIR: dataDir(), ...given });
      expect(await replica.exited).toBe(78);
      const stderr = replica.stderr();
      expect(stderr).toMatch(/^Casefile cannot start: its secrets are not the ones this database's other replicas use/);
      expect(namedIn(stderr)).toEqual(['JWT_SECRET', 'HMAC_KEY']);
      expect(stderr).toContain('Give this replica the same JWT_SECRET as the others');
      expect(stderr).toContain('Every replica of one database must be given the same JWT_SECRET, FIELD_ENCRYPTION_KEY, HMAC_KEY, AUDIT_SIGNING_KEY');
      const output = replica.stdout() + stderr;
      for (const value of [...Object.values(given), ...Object.values(secretsOf(first))]) expect(output).not.toContain(value);
      expect(replica.stdout()).toContain('"level":"fatal"');
      // The first replica serves on.
      await first.http().get('/health/ready').expect(200);
    },
    SPAWN_TIMEOUT_MS,
  );

  it('with the same secrets, accepts on one replica a token issued by the other, and verifies there a TOTP enrolled through the other', async () => {
    const second = await createTestApp({ sharedDatabaseUrl: first.databaseUrl });
    try {
      const user = await signedIn(first, ['investigator']);
      await second.http().get('/api/v1/auth/me').set('Authorization', user.auth).expect(200);

      const { secret } = (await first.http().post('/api/v1/auth/mfa/enrol').set('Authorization', user.auth).send({ password: user.password }).expect(200)).body as { secret: string };
      await first.http().post('/api/v1/auth/mfa/confirm').set('Authorization', user.auth).send({ code: generateSync({ secret }) }).expect(204);
      const accessToken = await signInWithTotp(second, user, secret);
      await first.http().get('/api/v1/auth/me').set('Authorization', `Bearer ${accessToken}`).expect(200);
    } finally {
      await second.close();
    }
  });

  it('lets a secret rotate: the new key first and the recorded one kept for reading; a replica left on the old key is refused', async () => {
    const t = await createTestApp({ label: 'rotation' });
    try {
      const user = await signedIn(t, ['investigator']);
      const { secret } = (await t.http().post('/api/v1/auth/mfa/enrol').set('Authorization', user.auth).send({ password: user.password }).expect(200)).body as { secret: string };
      await t.http().post('/api/v1/auth/mfa/confirm').set('Authorization', user.auth).send({ code: generateSync({ secret }) }).expect(204);

      const oldKey = t.config.secrets.keyrings.FIELD_ENCRYPTION_KEY[0];
      const newKey = aFieldKey();
      const rotated = await createTestApp({ sharedDatabaseUrl: t.databaseUrl, env: { FIELD_ENCRYPTION_KEY: `${newKey},${oldKey}` } });
      try {
        // The TOTP secret was encrypted under the old key: the rotated replica still reads it.
        await signInWithTotp(rotated, user, secret);
        expect((await keyChecks(t)).filter((r) => r.secret === 'FIELD_ENCRYPTION_KEY').map((r) => r.key_id)).toEqual([keyId(oldKey), keyId(newKey)]);
        expect(rotated.logs.some((l) => String(l.msg).startsWith(`FIELD_ENCRYPTION_KEY: key ${keyId(newKey)} is now the current key, replacing key ${keyId(oldKey)}`))).toBe(true);
      } finally {
        await rotated.close();
      }
      const stale = await createTestApp({ sharedDatabaseUrl: t.databaseUrl }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(stale).toBeInstanceOf(KeyMismatchError);
      expect((stale as KeyMismatchError).problems).toEqual([expect.stringMatching(new RegExp(`^FIELD_ENCRYPTION_KEY: this replica has key ${keyId(oldKey)}, which key ${keyId(newKey)} replaced on `))]);
    } finally {
      await t.close();
    }
  });

  it(
    'with DATABASE_URL, generates secrets only for a database that records none, says every replica needs them, and refuses a replica without them',
    async () => {
      const db = await createTestDatabase('replicasgen');
      const [dirA, dirB] = [dataDir(), dataDir()];
      const a = runMain({ DATABASE_URL: db.url, DATA_DIR: dirA });
      try {
        await a.waitFor(/Casefile is ready/);
        const file = join(dirA, 'secrets', 'secrets.json');
        const notice = a
          .stdout()
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as { level: string; msg: string })
          .find((l) => l.msg.startsWith('generated '));
        expect(notice?.level).toBe('warn');
        expect(notice?.msg).toContain(`generated JWT_SECRET, FIELD_ENCRYPTION_KEY, HMAC_KEY, AUDIT_SIGNING_KEY into ${file} (mode 0600)`);
        expect(notice?.msg).toContain('Every other replica of this database must be given the same values');
        expect(notice?.msg).toContain("copy them from that file (jwtSecret → JWT_SECRET, fieldEncryptionKey → FIELD_ENCRYPTION_KEY, hmacKey → HMAC_KEY, auditSigningKey → AUDIT_SIGNING_KEY) into each replica's environment");

        const b = runMain({ DATABASE_URL: db.url, DATA_DIR: dirB });
        expect(await b.exited).toBe(78);
        expect(b.stderr()).toMatch(/^Casefile cannot start: it was not given secrets that the other replicas of this database already use/);
        expect(namedIn(b.stderr())).toEqual(['JWT_SECRET', 'FIELD_ENCRYPTION_KEY', 'HMAC_KEY', 'AUDIT_SIGNING_KEY']);
        expect(b.stderr()).toContain('DATA_DIR/secrets/secrets.json');
        expect(existsSync(join(dirB, 'secrets', 'secrets.json'))).toBe(false);

        // Given the first replica's values, as the notice says, it starts.
        const stored = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
        const c = runMain({
          DATABASE_URL: db.url,
          DATA_DIR: dirB,
          JWT_SECRET: stored.jwtSecret,
          FIELD_ENCRYPTION_KEY: stored.fieldEncryptionKey,
          HMAC_KEY: stored.hmacKey,
          AUDIT_SIGNING_KEY: stored.auditSigningKey,
        });
        try {
          await c.waitFor(/Casefile is ready/);
        } finally {
          expect(await c.stop()).toBe(0);
        }
        for (const value of Object.values(stored)) expect(a.stdout() + a.stderr() + b.stdout() + b.stderr() + c.stdout() + c.stderr()).not.toContain(value);
      } finally {
        await a.stop();
        await db.drop();
      }
    },
    SPAWN_TIMEOUT_MS,
  );
});
