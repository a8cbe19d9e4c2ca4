import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { FIELD_ENCRYPTION, FieldEncryption } from '../src/common/crypto/field-encryption';
import { Database } from '../src/database/database';
import { IntegrationsService } from '../src/integrations/integrations.service';
import { TipMatchingWorker } from '../src/tips/tip-matching-worker.service';
import { adminAuth, auditRecords } from './support/actors';
import { createTestApp, TestApp } from './support/test-app';

/** Counts the statements every pg client of this process sends, while `fn` runs. */
async function statementsDuring(fn: () => Promise<unknown>): Promise<string[]> {
  const sent: string[] = [];
  const proto = Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
  const original = proto.query;
  const counting = function (this: Client, ...args: unknown[]): unknown {
    const first = args[0] as string | { text?: string };
    const text = typeof first === 'string' ? first : (first?.text ?? '');
    // Not the request's: the audit sequencer's own connection, and a new pooled connection's set-up.
    const sealer = (this as unknown as { connectionParameters?: { application_name?: string } }).connectionParameters?.application_name === 'casefile-audit-sealer';
    if (!sealer && !/^SET TimeZone/i.test(text)) sent.push(text);
    return original.apply(this, args);
  };
  proto.query = counting;
  try {
    await fn();
  } finally {
    proto.query = original;
  }
  return sent;
}

describe('the seams every feature copies', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await adminAuth(t);
    // The tip matching worker polls every 250 ms (BEGIN, take, COMMIT): on a slow machine a poll fell inside a counted request.
    await t.app.get(TipMatchingWorker).stop();
  });
  afterAll(async () => {
    await t.close();
  });

  describe('an audited write', () => {
    it('reaches PostgreSQL in five statements: session check, rate limit, BEGIN, the row with its audit record, COMMIT', async () => {
      const sent = await statementsDuring(() => t.http().post('/api/v1/integrations').set('Authorization', admin).send({ name: 'round trips' }).expect(201));
      expect(sent.map((s) => s.trim().split(/\s+/)[0].toUpperCase())).toEqual(['SELECT', 'INSERT', 'BEGIN', 'WITH', 'COMMIT']);
      expect(sent[1]).toMatch(/INSERT INTO rate_limit_bucket/);
      expect(sent[3]).toMatch(/INSERT INTO audit_event/);
      expect(sent[3]).toMatch(/INSERT INTO integration/);
    });

    it('with an Idempotency-Key: the claim, then the change and its stored response in one transaction (seven statements)', async () => {
      const sent = await statementsDuring(() => t.http().post('/api/v1/integrations').set('Authorization', admin).set('Idempotency-Key', 'round-trips-1').send({ name: 'keyed' }).expect(201));
      expect(sent).toHaveLength(7);
      const begin = sent.indexOf('BEGIN');
      const commit = sent.indexOf('COMMIT');
      expect(sent.slice(begin, commit).some((s) => /UPDATE idempotency_key/.test(s))).toBe(true);
    });

    it('sign-in: one rate-limit statement for both rules, then the session, its refresh token and the audit record together', async () => {
      const sent = await statementsDuring(() => t.http().post('/api/v1/auth/login').send({ username: 'admin', password: 'bootstrap-admin-password-for-tests' }).expect(200));
      expect(sent.filter((s) => /rate_limit_bucket/.test(s))).toHaveLength(1);
      expect(sent).toHaveLength(6); // rate limit, credentials, BEGIN, session + refresh token + audit, sign-in time, COMMIT
    });
  });

  describe('idempotency inside the change transaction', () => {
    it('never runs a keyed POST twice when the process fails between the change and the response', async () => {
      const service = t.app.get(IntegrationsService);
      const original = service.create;
      const crash = jest.spyOn(service, 'create').mockImplementationOnce(async (...args) => {
        await original.apply(service, args); // the change commits, with its stored response
        throw new Error('crashed before the response was written');
      });
      const key = 'crash-after-commit-1';
      const first = await t.http().post('/api/v1/integrations').set('Authorization', admin).set('Idempotency-Key', key).send({ name: 'crash test' });
      expect(first.status).toBe(500);
      crash.mockRestore();
      const retry = await t.http().post('/api/v1/integrations').set('Authorization', admin).set('Idempotency-Key', key).send({ name: 'crash test' }).expect(201);
      expect(retry.headers['idempotency-replayed']).toBe('true');
      const rows = await t.dataSource.query<{ id: string }[]>(`SELECT id FROM integration WHERE name = 'crash test'`);
      expect(rows.map((r) => r.id)).toEqual([retry.body.id]);
      expect(await auditRecords(t, { action: 'integration.create', resourceId: retry.body.id })).toHaveLength(1);
    });

    it('runs it again when the change itself failed (nothing committed, the key released)', async () => {
      const service = t.app.get(IntegrationsService);
      jest.spyOn(service, 'create').mockRejectedValueOnce(new Error('failed before the change'));
      const key = 'fail-before-commit-1';
      await t.http().post('/api/v1/integrations').set('Authorization', admin).set('Idempotency-Key', key).send({ name: 'retry me' }).expect(500);
      const retry = await t.http().post('/api/v1/integrations').set('Authorization', admin).set('Idempotency-Key', key).send({ name: 'retry me' }).expect(201);
      expect(retry.headers['idempotency-replayed']).toBeUndefined();
      expect(await t.dataSource.query(`SELECT id FROM integration WHERE name = 'retry me'`)).toHaveLength(1);
    });

    it('never keeps a one-time secret in clear: the stored response is encrypted and replays only to its principal', async () => {
      const key = 'one-time-secret-1';
      const created = await t.http().post('/api/v1/integrations').set('Authorization', admin).set('Idempotency-Key', key).send({ name: 'secret keeper' }).expect(201);
      const apiKey = created.body.apiKey as string;
      const stored = await t.dataSource.query<{ body: string }[]>(`SELECT response_body::text AS body FROM idempotency_key WHERE key = $1`, [key]);
      expect(stored).toHaveLength(1);
      expect(stored[0].body).not.toContain(apiKey);
      expect(stored[0].body).not.toContain(apiKey.slice('cfk_XXXXXXXXXX_'.length)); // the secret part of the key
      const replay = await t.http().post('/api/v1/integrations').set('Authorization', admin).set('Idempotency-Key', key).send({ name: 'secret keeper' }).expect(201);
      expect(replay.body.apiKey).toBe(apiKey);
      // Bound to its principal and key: under any other, the ciphertext does not open.
      const [raw] = await t.dataSource.query<{ sealed: string; principal: string }[]>(`SELECT response_body #>> '{}' AS sealed, principal FROM idempotency_key WHERE key = $1`, [key]);
      const encryption = t.app.get<FieldEncryption>(FIELD_ENCRYPTION);
      expect(JSON.parse(encryption.decrypt(raw.sealed, `idempotency:${raw.principal}:${key}`)).apiKey).toBe(apiKey);
      expect(() => encryption.decrypt(raw.sealed, `idempotency:user:${'0'.repeat(8)}:${key}`)).toThrow();
      expect(() => encryption.decrypt(raw.sealed, `idempotency:${raw.principal}:another-key`)).toThrow();
    });
  });

  describe('the database door', () => {
    it('ESLint refuses a DataSource, an EntityManager or pg in a service, and another feature’s repository anywhere', () => {
      const lint = (file: string, code: string): string[] => {
        // The project's own ESLint and config, on a real file of the tree with other content (stdin).
        const run = spawnSync(join(__dirname, '..', 'node_modules', '.bin', 'eslint'), ['--stdin', '--stdin-filename', file, '--format', 'json'], { cwd: join(__dirname, '..'), input: code, encoding: 'utf8' });
        const [result] = JSON.parse(run.stdout) as { messages: { ruleId: string | null; message: string }[] }[];
        return result.messages.map((m) => `${m.ruleId}: ${m.message.slice(0, m.message.indexOf(' import is restricted'))}`);
      };
      const refused = lint(
        'src/integrations/integrations.service.ts',
        `import { DataSource, EntityManager } from 'typeorm';\nimport { Pool } from 'pg';\nimport { UsersRepository } from '../users/users.repository';\nexport type X = [DataSource, EntityManager, Pool, UsersRepository];\n`,
      );
      expect(refused).toEqual([
        "@typescript-eslint/no-restricted-imports: 'typeorm'",
        "@typescript-eslint/no-restricted-imports: 'pg'",
        "@typescript-eslint/no-restricted-imports: '../users/users.repository'",
      ]);
      expect(lint('src/integrations/integrations.repository.ts', `import { Database } from '../database/database';\nexport type X = Database;\n`)).toEqual([]);
    }, 60_000);

    it('makes a run-time setting once per transaction: queryWith does not send it again while it is in force', async () => {
      const database = t.app.get(Database);
      const setting = 'pg_trgm.word_similarity_threshold';
      const current = { text: `SELECT current_setting('${setting}') AS v` };
      const seen: string[] = [];
      const sent = await statementsDuring(() =>
        database.transaction(async (tx) => {
          for (const value of ['0.41', '0.41', '0.52']) seen.push((await database.queryWith<{ v: string }>({ [setting]: value }, current, tx))[0].v);
        }),
      );
      expect(seen).toEqual(['0.41', '0.41', '0.52']);
      expect(sent.filter((s) => s.includes('set_config'))).toHaveLength(2);
      // A new transaction starts from nothing: the setting is made again (set_config(…, true) ended with the first).
      const again = await statementsDuring(() => database.queryWith({ [setting]: '0.41' }, current));
      expect(again.filter((s) => s.includes('set_config'))).toHaveLength(1);
    });
  });
});
