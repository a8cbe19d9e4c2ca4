import { createHash } from 'node:crypto';
import { AuditSealer } from '../src/audit/audit-sealer.service';
import { AuditRepository } from '../src/audit/audit.repository';
import { PasswordHasher } from '../src/users/password-hasher';
import { adminAuth, auditRecords, login, signedIn } from './support/actors';
import { createTestApp, TestApp } from './support/test-app';

const sealNow = (t: TestApp): Promise<number> => t.app.get(AuditSealer).sealNow();

/** Runs SQL as the superuser with triggers off: what an attacker with database access could do. */
async function tamper(t: TestApp, sql: string, params: unknown[] = []): Promise<void> {
  await t.dataSource.transaction(async (tx) => {
    await tx.query('SET LOCAL session_replication_role = replica');
    await tx.query(sql, params);
  });
}

describe('audit trail', () => {
  let t: TestApp;
  let admin: string;
  let auditor: string;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await adminAuth(t);
    auditor = (await signedIn(t, ['auditor'])).auth;
  });
  afterAll(async () => {
    await t.close();
  });

  describe('append-only in the database', () => {
    beforeAll(async () => {
      await sealNow(t);
    });

    it('refuses UPDATE, DELETE and TRUNCATE of audit records, through SQL', async () => {
      await expect(t.dataSource.query(`UPDATE audit_event SET action = 'nothing.happened' WHERE seq = (SELECT min(seq) FROM audit_event)`)).rejects.toThrow(/append-only/);
      await expect(t.dataSource.query('DELETE FROM audit_event WHERE seq = (SELECT min(seq) FROM audit_event)')).rejects.toThrow(/append-only/);
      // Refused by the seals' foreign key, and by the statement trigger behind it (TRUNCATE … CASCADE would meet it).
      await expect(t.dataSource.query('TRUNCATE audit_event')).rejects.toThrow();
      const triggers = await t.dataSource.query<{ tgname: string }[]>(`SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_event'::regclass AND NOT tgisinternal ORDER BY tgname`);
      expect(triggers.map((r) => r.tgname)).toEqual(['audit_event_no_truncate', 'audit_event_no_update_delete', 'audit_event_queue']);
    });

    it('refuses any change to a seal, and any update of a record even before it is sealed', async () => {
      await expect(t.dataSource.query(`UPDATE audit_seal SET hash = repeat('f', 64) WHERE chain_position = 1`)).rejects.toThrow(/append-only/);
      await expect(t.dataSource.query('DELETE FROM audit_seal WHERE chain_position = 1')).rejects.toThrow(/append-only/);
      await expect(t.dataSource.query('TRUNCATE audit_seal')).rejects.toThrow(/append-only/);
      await t.dataSource.query(`INSERT INTO audit_event (actor_kind, action, outcome) VALUES ('system', 'test.unsealed', 'success')`);
      await expect(t.dataSource.query(`UPDATE audit_event SET action = 'rewritten' WHERE action = 'test.unsealed'`)).rejects.toThrow(/append-only/);
    });

    it('refuses changes to signed checkpoints', async () => {
      const [{ n }] = await t.dataSource.query<{ n: number }[]>('SELECT count(*)::int AS n FROM audit_checkpoint');
      expect(n).toBeGreaterThan(0);
      await expect(t.dataSource.query(`UPDATE audit_checkpoint SET head_hash = 'x'`)).rejects.toThrow(/append-only/);
      await expect(t.dataSource.query('DELETE FROM audit_checkpoint')).rejects.toThrow(/append-only/);
      await expect(t.dataSource.query('TRUNCATE audit_checkpoint')).rejects.toThrow(/append-only/);
    });
  });

  describe('atomic with the change', () => {
    it('leaves no business row when its audit record cannot be written, and records the failure', async () => {
      const repository = t.app.get(AuditRepository);
      const original = repository.attach;
      // The record of the change fails as it is sent with the change's own statement.
      const spy = jest.spyOn(repository, 'attach').mockImplementationOnce((tx) =>
        original.call(repository, tx, () => {
          throw new Error('audit storage failed');
        }),
      );
      try {
        const res = await t.http().post('/api/v1/users').set('Authorization', admin).send({ username: 'ghost.user', displayName: 'G', password: 'violet-harbour-lantern-42', roles: ['analyst'] });
        expect(res.status).toBe(500);
        const rows: unknown[] = await t.dataSource.query(`SELECT 1 FROM app_user WHERE username = 'ghost.user'`);
        expect(rows).toHaveLength(0);
        const failures = await auditRecords(t, { action: 'user.create', requestId: res.headers['x-request-id'] });
        expect(failures.map((r) => [r.outcome, r.details.problem])).toEqual([['error', 'internal']]);
      } finally {
        spy.mockRestore();
        expect(repository.attach).toBe(original);
      }
      await t.http().post('/api/v1/users').set('Authorization', admin).send({ username: 'ghost.user', displayName: 'G', password: 'violet-harbour-lantern-42', roles: ['analyst'] }).expect(201);
    });
  });

  describe('search, export and verify (auditors)', () => {
    it('searches newest first with filters and keyset pages; the read itself is audited', async () => {
      const page1 = await t.http().get('/api/v1/audit?limit=3').set('Authorization', auditor).expect(200);
      expect(page1.body.data).toHaveLength(3);
      const seqs = page1.body.data.map((r: { seq: string }) => Number(r.seq));
      expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
      const page2 = await t.http().get(`/api/v1/audit?limit=3&cursor=${page1.body.nextCursor}`).set('Authorization', auditor).expect(200);
      expect(Number(page2.body.data[0].seq)).toBeLessThan(seqs[2]);
      const logins = await t.http().get('/api/v1/audit?action=auth.login.*&outcome=success').set('Authorization', auditor).expect(200);
      expect(logins.body.data.length).toBeGreaterThan(0);
      expect(logins.body.data.every((r: { action: string; outcome: string }) => r.action.startsWith('auth.login') && r.outcome === 'success')).toBe(true);
      const reads = await auditRecords(t, { action: 'audit.read', requestId: page1.headers['x-request-id'] });
      expect(reads).toHaveLength(1);
      const future = await t.http().get(`/api/v1/audit?from=${new Date(Date.now() + 3_600_000).toISOString()}`).set('Authorization', auditor).expect(200);
      expect(future.body.data).toEqual([]);
    });

    it('refuses bad filters with 400', async () => {
      for (const q of ['outcome=maybe', 'from=yesterday', 'actorId=42', "action=x'; DROP TABLE audit_event", 'limit=1000', 'colour=red']) {
        const res = await t.http().get(`/api/v1/audit?${q}`).set('Authorization', auditor);
        expect([q, res.status]).toEqual([q, 400]);
      }
    });

    it('exports the sealed chain as JSON Lines that an outside tool can re-verify with SHA-256 alone', async () => {
      await sealNow(t);
      const res = await t.http().get('/api/v1/audit/export').set('Authorization', auditor).expect(200);
      expect(res.headers['content-type']).toMatch(/application\/x-ndjson/);
      const lines = res.text.trim().split('\n').map((l) => JSON.parse(l) as { seq: string; chainPosition: string; prevHash: string; hash: string; canonical: string; action: string });
      expect(lines.length).toBeGreaterThan(10);
      let prev = '0'.repeat(64);
      lines.forEach((line, i) => {
        expect(line.chainPosition).toBe(String(i + 1));
        expect(line.prevHash).toBe(prev);
        expect(createHash('sha256').update(`${line.prevHash}\n${line.canonical}`).digest('hex')).toBe(line.hash);
        expect(line.canonical.split('\t')[5]).toBe(line.action);
        expect(line.canonical.split('\t')[0]).toBe(line.seq);
        prev = line.hash;
      });
      expect(await auditRecords(t, { action: 'audit.export', requestId: res.headers['x-request-id'] })).toHaveLength(1);
      await t.http().get('/api/v1/audit/export?afterPosition=-1').set('Authorization', auditor).expect(400);
    });

    it('publishes signed checkpoints with the public key', async () => {
      const res = await t.http().get('/api/v1/audit/checkpoints').set('Authorization', auditor).expect(200);
      expect(res.body.publicKey).toContain('BEGIN PUBLIC KEY');
      expect(res.body.data.length).toBeGreaterThan(0);
    });

    it('verifies an untouched chain', async () => {
      await sealNow(t);
      const res = await t.http().get('/api/v1/audit/verify').set('Authorization', auditor).expect(200);
      expect(res.body).toMatchObject({ valid: true, firstInvalid: null });
      expect(res.body.checked).toBeGreaterThan(10);
    });
  });

  describe('tamper evidence (as a superuser with the triggers off)', () => {
    const verify = async () => (await t.http().get('/api/v1/audit/verify').set('Authorization', auditor).expect(200)).body as { valid: boolean; firstInvalid: { position: string; reason: string; detail: string } | null };

    beforeEach(async () => {
      await sealNow(t);
    });

    it('reports a changed field at its position', async () => {
      const at5 = '(SELECT seq FROM audit_seal WHERE chain_position = 5)';
      const [row] = await t.dataSource.query<{ action: string }[]>(`SELECT action FROM audit_event WHERE seq = ${at5}`);
      await tamper(t, `UPDATE audit_event SET action = 'nothing.to.see' WHERE seq = ${at5}`);
      expect((await verify()).firstInvalid).toMatchObject({ position: '5', reason: 'changed' });
      await tamper(t, `UPDATE audit_event SET action = $1 WHERE seq = ${at5}`, [row.action]);
      expect((await verify()).valid).toBe(true);
    });

    it('reports a deleted record as missing at its position', async () => {
      // The record alone, then the record with its seal: both are reported missing at position 7.
      await t.dataSource.query('CREATE TABLE tamper_event AS SELECT * FROM audit_event WHERE seq = (SELECT seq FROM audit_seal WHERE chain_position = 7)');
      await t.dataSource.query('CREATE TABLE tamper_seal AS SELECT * FROM audit_seal WHERE chain_position = 7');
      await tamper(t, 'DELETE FROM audit_event WHERE seq = (SELECT seq FROM tamper_event)');
      expect((await verify()).firstInvalid).toMatchObject({ position: '7', reason: 'missing' });
      await tamper(t, 'DELETE FROM audit_seal WHERE chain_position = 7');
      expect((await verify()).firstInvalid).toMatchObject({ position: '7', reason: 'missing' });
      await tamper(t, 'INSERT INTO audit_event SELECT * FROM tamper_event');
      await tamper(t, 'INSERT INTO audit_seal SELECT * FROM tamper_seal');
      await t.dataSource.query('DROP TABLE tamper_event, tamper_seal');
      expect((await verify()).valid).toBe(true);
    });

    it('reports two swapped records as reordered at the first of them', async () => {
      const swap = async () => {
        await tamper(t, 'UPDATE audit_seal SET chain_position = -3 WHERE chain_position = 3');
        await tamper(t, 'UPDATE audit_seal SET chain_position = 3 WHERE chain_position = 9');
        await tamper(t, 'UPDATE audit_seal SET chain_position = 9 WHERE chain_position = -3');
      };
      await swap();
      expect((await verify()).firstInvalid).toMatchObject({ position: '3', reason: 'reordered' });
      await swap();
      expect((await verify()).valid).toBe(true);
    });

    it('reports a record changed and re-hashed against the signed checkpoint at its position', async () => {
      // A checkpointed position below the chain head (the sequencer keeps chaining at the head meanwhile).
      const [{ head }] = await t.dataSource.query<{ head: string }[]>(
        'SELECT min(chain_position)::text AS head FROM audit_checkpoint WHERE chain_position < (SELECT max(chain_position) FROM audit_seal)',
      );
      const atHead = '(SELECT seq FROM audit_seal WHERE chain_position = $1)';
      const [orig] = await t.dataSource.query<{ action: string; hash: string; prev_hash: string }[]>(
        `SELECT e.action, s.hash, s.prev_hash FROM audit_event e JOIN audit_seal s ON s.seq = e.seq WHERE s.chain_position = $1`,
        [head],
      );
      await tamper(t, `UPDATE audit_event SET action = 'forged' WHERE seq = ${atHead}`, [head]);
      const exported = await t.http().get(`/api/v1/audit/export?afterPosition=${BigInt(head) - 1n}`).set('Authorization', auditor).expect(200);
      const canonical = (JSON.parse(exported.text.split('\n')[0]) as { canonical: string }).canonical;
      const forgedHash = createHash('sha256').update(`${orig.prev_hash}\n${canonical}`).digest('hex');
      await tamper(t, 'UPDATE audit_seal SET hash = $2 WHERE chain_position = $1', [head, forgedHash]);
      const report = await verify();
      expect(report.firstInvalid).toMatchObject({ position: head, reason: 'changed' });
      expect(report.firstInvalid?.detail).toContain('checkpoint');
      await tamper(t, `UPDATE audit_event SET action = $2 WHERE seq = ${atHead}`, [head, orig.action]);
      await tamper(t, 'UPDATE audit_seal SET hash = $2 WHERE chain_position = $1', [head, orig.hash]);
      expect((await verify()).valid).toBe(true);
    });
  });

  describe('concurrency', () => {
    it('gives each of 50 parallel writes by different users exactly one record, and seals a gap-free chain that verifies', async () => {
      const hasher = t.app.get(PasswordHasher);
      const hash = await hasher.hash('parallel-writers-pass-1');
      const ids: string[] = await t.dataSource
        .query<{ id: string }[]>(
          `INSERT INTO app_user (id, username, display_name, password_hash, roles)
           SELECT gen_random_uuid(), 'writer.' || g, 'Writer ' || g, $1, ARRAY['analyst'] FROM generate_series(1, 50) g RETURNING id`,
          [hash],
        )
        .then((rows) => rows.map((r) => r.id));
      const sessions = await Promise.all(ids.map((_, i) => login(t, `writer.${i + 1}`, 'parallel-writers-pass-1')));
      const responses = await Promise.all(sessions.map((s) => t.http().post('/api/v1/auth/mfa/enrol').set('Authorization', `Bearer ${s.accessToken}`).send({ password: 'parallel-writers-pass-1' })));
      expect(responses.map((r) => r.status)).toEqual(Array(50).fill(200));
      const [{ n, writers }] = await t.dataSource.query<{ n: number; writers: number }[]>(
        `SELECT count(*)::int AS n, count(DISTINCT actor_id)::int AS writers FROM audit_event WHERE action = 'auth.mfa.enrol' AND actor_id = ANY($1::uuid[])`,
        [ids],
      );
      expect([n, writers]).toEqual([50, 50]);
      await sealNow(t);
      const [chain] = await t.dataSource.query<{ max: string; count: string; unsealed: number }[]>(
        'SELECT max(chain_position)::text AS max, count(*)::text AS count, (SELECT count(*)::int FROM audit_unsealed) AS unsealed FROM audit_seal',
      );
      expect(chain.max).toBe(chain.count);
      expect(chain.unsealed).toBe(0);
      const report = await t.http().get('/api/v1/audit/verify').set('Authorization', auditor).expect(200);
      expect(report.body.valid).toBe(true);
    });

    it('exposes the sealing lag in /metrics', async () => {
      const metrics = await t.http().get('/metrics').expect(200);
      expect(metrics.text).toMatch(/casefile_audit_seal_lag_seconds \d/);
      expect(metrics.text).toMatch(/casefile_audit_sealed_total \d/);
    });
  });
});

describe('two replicas', () => {
  it('lets only one sequencer seal, and the other takes over when the leader stops', async () => {
    const a = await createTestApp({ label: 'replica' });
    const b = await createTestApp({ sharedDatabaseUrl: a.databaseUrl });
    try {
      const [sa, sb] = [a.app.get(AuditSealer), b.app.get(AuditSealer)];
      await Promise.all([sa.sealNow(), sb.sealNow()]);
      expect([sa.isLeader, sb.isLeader].filter(Boolean)).toHaveLength(1);
      const [leader, follower, leaderApp] = sa.isLeader ? [sa, sb, a] : [sb, sa, b];
      const writes = await Promise.all(Array.from({ length: 20 }, () => a.http().get('/api/v1/users').set('Authorization', 'Bearer nope')));
      expect(writes.every((r) => r.status === 401)).toBe(true);
      expect(await follower.sealNow()).toBe(0);
      await leader.sealNow();
      const [{ unsealed }] = await a.dataSource.query<{ unsealed: number }[]>('SELECT count(*)::int AS unsealed FROM audit_unsealed');
      expect(unsealed).toBe(0);
      await leaderApp.app.close();
      const survivor = leaderApp === a ? b : a;
      await survivor.http().get('/api/v1/users').set('Authorization', 'Bearer nope').expect(401);
      await follower.sealNow(); // takes the lead now if its own schedule has not already
      expect(follower.isLeader).toBe(true);
      const [chain] = await survivor.dataSource.query<{ max: string; count: string; unsealed: number }[]>(
        'SELECT max(chain_position)::text AS max, count(*)::text AS count, (SELECT count(*)::int FROM audit_unsealed) AS unsealed FROM audit_seal',
      );
      expect(chain.max).toBe(chain.count);
      expect(chain.unsealed).toBe(0);
    } finally {
      await b.close().catch(() => undefined);
      await a.close().catch(() => undefined);
    }
  });
});
