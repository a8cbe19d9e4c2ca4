import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { auditRecords, signedIn } from './support/actors';
import type { Actor } from './support/cases';
import { aClaim, anOffer, decide, REWARDS } from './support/rewards';
import { aProxiedDatabase, TcpProxy } from './support/tcp-proxy';
import { createTestApp, TestApp } from './support/test-app';
import { createTestDatabase, databaseNameOf } from './support/test-database';
import { anIntegration, aSubmittedTip } from './support/tips';

const PROBLEM = /^application\/problem\+json/;
const STATEMENT_TIMEOUT_MS = 2_000;
/** The client gives up on an unanswered statement this long after the statement timeout (data-source-options). */
const READ_TIMEOUT_MS = STATEMENT_TIMEOUT_MS + 1_000;
/** As long as a read timeout, so a statement on a frozen database costs one READ_TIMEOUT_MS, on a pooled or a new connection alike. */
const ACQUIRE_TIMEOUT_MS = READ_TIMEOUT_MS;

/**
 * A reward decision whose database connection dies or hangs under it: a 503 problem with Retry-After, nothing
 * half-written, and the service lives on. PostgreSQL sits behind a TCP proxy so it can be frozen for this app
 * alone; a backend is terminated with pg_terminate_backend (an operator, a failover).
 */
describe('reward claims when the database fails under a decision', () => {
  let t: TestApp;
  let proxy: TcpProxy;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let key: string;
  let recommender: Actor;
  let approver: Actor;
  let subjectId: string;

  beforeAll(async () => {
    let url: string;
    ({ db, proxy, url } = await aProxiedDatabase('rewardfaults'));
    t = await createTestApp({
      sharedDatabaseUrl: url,
      env: { DB_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS), DB_POOL_ACQUIRE_TIMEOUT_MS: String(ACQUIRE_TIMEOUT_MS) },
    });
    ({ apiKey: key } = await anIntegration(t));
    [recommender, approver] = await Promise.all([1, 2].map(() => signedIn(t, ['supervisor'])));
    subjectId = (await t.http().post('/api/v1/subjects').set('Authorization', recommender.auth).send({ fullName: 'Unnamed defendant 9' }).expect(201)).body
      .id as string;
  });
  afterAll(async () => {
    proxy.thaw();
    await t.close();
    await proxy.stop();
    await db.drop();
  });

  const aRecommendedClaim = async (): Promise<{ offerId: string; claimId: string }> => {
    const offer = await anOffer(t, recommender, { maxAmount: { amount: 1_000_000, currency: 'USD' }, subjectIds: [subjectId] });
    const tip = await aSubmittedTip(t, key, { rewardInterest: true, narrative: `Fault tip ${randomBytes(12).toString('hex')}` });
    const claim = await aClaim(t, recommender, tip.id, offer.id as string, 25_000);
    return { offerId: offer.id as string, claimId: claim.id as string };
  };

  /** The offer's committed total, and the sum of its approved and paid claims, straight from the table. */
  const totals = async (offerId: string): Promise<{ committed: string; sum: string }> => {
    const [row] = await t.dataSource.query<{ committed: string; sum: string }[]>(
      `SELECT o.committed_amount::text AS committed, (SELECT coalesce(sum(amount), 0) FROM reward_claim WHERE offer_id = o.id AND state IN ('approved', 'paid'))::text AS sum
         FROM reward_offer o WHERE o.id = $1`,
      [offerId],
    );
    return row;
  };

  /** A session of its own (not through the proxy) holding the offer's row lock, so an approval's transaction waits on it. */
  const lockedOffer = async (offerId: string): Promise<Client> => {
    const holder = new Client({ connectionString: db.url });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query('SELECT id FROM reward_offer WHERE id = $1 FOR UPDATE', [offerId]);
    return holder;
  };

  /**
   * Waits until the approval waits for the offer's lock, and runs `act` on its backend (e.g. terminates it); false
   * if it never does. From a session of its own: within the holder's transaction pg_stat_activity is a snapshot.
   */
  const waitForLockWaiter = async (act = 'pid'): Promise<boolean> => {
    const watcher = new Client({ connectionString: db.url });
    await watcher.connect();
    try {
      for (let i = 0; i < 100; i++) {
        const { rows } = await watcher.query(
          `SELECT ${act} FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock' AND query LIKE '%FROM reward_offer%FOR UPDATE%'`,
          [databaseNameOf(db.url)],
        );
        if (rows.length === 1) return true;
        await new Promise((r) => setTimeout(r, 50));
      }
      return false;
    } finally {
      await watcher.end();
    }
  };

  it('answers 503 when the connection of an approval is terminated under it, changes nothing, and the service goes on (it used to crash the process)', async () => {
    const { offerId, claimId } = await aRecommendedClaim();
    const holder = await lockedOffer(offerId);
    try {
      const pending = decide(t, approver, claimId, 'approve').then((r) => r);
      expect(await waitForLockWaiter('pg_terminate_backend(pid)')).toBe(true);
      const res = await pending;
      expect([res.status, res.body.type]).toEqual([503, 'urn:casefile:problem:database-unavailable']);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
    }
    // Nothing half-written: still recommended, nothing committed, no approval recorded.
    const [claim] = await t.dataSource.query<{ state: string }[]>('SELECT state FROM reward_claim WHERE id = $1', [claimId]);
    expect(claim.state).toBe('recommended');
    expect(await totals(offerId)).toEqual({ committed: '0', sum: '0' });
    expect((await auditRecords(t, { action: 'reward.claim.approve', resourceId: claimId })).filter((r) => r.outcome === 'success')).toEqual([]);
    // The process is alive, its pool healthy: the retry approves.
    const retried = await decide(t, approver, claimId, 'approve');
    expect([retried.status, retried.body.state]).toEqual([200, 'approved']);
    expect(await totals(offerId)).toEqual({ committed: '25000', sum: '25000' });
    expect(t.logs.filter((l) => l.msg === 'request completed' && l.statusCode === 500)).toEqual([]);
  });

  it('answers 503 to an approval whose database froze mid-transaction without waiting for a ROLLBACK that cannot come, and nothing is committed', async () => {
    const { offerId, claimId } = await aRecommendedClaim();
    const holder = await lockedOffer(offerId);
    const started = performance.now();
    const pending = decide(t, approver, claimId, 'approve').then((r) => r);
    let res: Awaited<typeof pending>;
    try {
      expect(await waitForLockWaiter()).toBe(true);
      // PostgreSQL hangs (for this app) while the approval's transaction waits for the offer's lock; the lock is then
      // let go, so the approval goes on in the database but its answers never arrive.
      proxy.freeze();
      await holder.query('ROLLBACK');
      res = await pending;
    } finally {
      proxy.thaw();
      await holder.end();
    }
    const ms = performance.now() - started;
    expect([res.status, res.body.type]).toEqual([503, 'urn:casefile:problem:query-timeout']);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    // One wait: the statement that hung (its read timeout). No second for the failure's own audit record (a
    // database that did not answer the change would not answer it either: it used to be 2 × 3 s), and no third
    // for a ROLLBACK on the hung connection (it used to be ~3 × 3 s): that connection is destroyed instead, and
    // PostgreSQL rolls the transaction back when the session ends.
    expect(ms).toBeLessThan(1.7 * READ_TIMEOUT_MS);
    // Thawed: the transaction was rolled back, and the service answers again.
    let state = '';
    for (let i = 0; i < 50 && state !== 'recommended'; i++) {
      const r = await t.http().get(`${REWARDS}/claims/${claimId}`).set('Authorization', approver.auth);
      state = r.status === 200 ? (r.body.state as string) : '';
      if (state !== 'recommended') await new Promise((r) => setTimeout(r, 200));
    }
    expect(state).toBe('recommended');
    expect(await totals(offerId)).toEqual({ committed: '0', sum: '0' });
    const retried = await decide(t, approver, claimId, 'approve');
    expect([retried.status, retried.body.state]).toEqual([200, 'approved']);
    expect(await totals(offerId)).toEqual({ committed: '25000', sum: '25000' });
  });
});
