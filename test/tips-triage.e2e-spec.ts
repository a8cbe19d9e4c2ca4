import { randomBytes } from 'node:crypto';
import { TipBandsOverWords1795310000000 } from '../migrations/1795310000000-TipBandsOverWords';
import request from 'supertest';
import { keyId } from '../src/config/secrets';
import { gramSimilarity, narrativeBands, narrativeGrams } from '../src/tips/tip-fingerprint';
import { TipMatcher } from '../src/tips/tip-matcher.service';
import { TipMatchingWorker } from '../src/tips/tip-matching-worker.service';
import { TipsterReencryption } from '../src/tips/tipster-reencryption.service';
import { TIP_DUPLICATES_SQL } from '../src/tips/tips.repository';
import { auditRecords, signedIn } from './support/actors';
import { aCase, addMember, Actor } from './support/cases';
import { createTestApp, TestApp } from './support/test-app';
import { anIntegration, aSubmittedTip, aTip, matched, submitTip } from './support/tips';

describe('tip triage, matching, duplicates and tipster protection', () => {
  let t: TestApp;
  let key: string;
  let investigator: Actor;
  let outsider: Actor;
  let supervisor: Actor;
  let intake: Actor;
  let analyst: Actor;
  let auditor: Actor;
  const ids: Record<string, string> = {};
  /** Every response body staff and integrations received, but the reveals (checked for the planted identity). */
  const seen: string[] = [];
  const PLANTED = { name: 'Plantedname Tipsterperson', email: `planted.tipster.${randomBytes(4).toString('hex')}@example.net`, phone: '+1 202 555 0188' };
  const PLANTED_E164 = '+12025550188';

  const keep = (res: request.Response): request.Response => {
    seen.push(res.text);
    return res;
  };
  const as = (who: Actor) => ({
    get: async (path: string) => keep(await t.http().get(path).set('Authorization', who.auth)),
    patch: async (path: string, version: number, body: object) =>
      keep(await t.http().patch(path).set('Authorization', who.auth).set('If-Match', `W/"${version}"`).send(body)),
    post: async (path: string, body: object = {}) => keep(await t.http().post(path).set('Authorization', who.auth).send(body)),
  });

  beforeAll(async () => {
    t = await createTestApp();
    ({ apiKey: key } = await anIntegration(t));
    [investigator, outsider, supervisor, intake, analyst, auditor] = await Promise.all(
      (['investigator', 'investigator', 'supervisor', 'intake', 'analyst', 'auditor'] as const).map((r) => signedIn(t, [r])),
    );
    const make = async (path: string, body: object): Promise<string> =>
      (await t.http().post(`/api/v1/${path}`).set('Authorization', investigator.auth).send(body).expect(201)).body.id as string;
    ids.defendant = await make('subjects', { fullName: 'Unnamed defendant 3', aliases: [{ name: 'Song Hwa Jong', source: 'indictment' }] });
    ids.yanbian = await make('organizations', { name: 'Yanbian Silverstar', country: 'CN', kind: 'front_company' });
    ids.email = await make('selectors', { kind: 'email', value: 'it.warrior@example.com' });
    ids.domain = await make('selectors', { kind: 'domain', value: 'evil.example.com' });
    ids.wallet = await make('selectors', { kind: 'crypto_wallet', value: 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4' });
    const link = (kind: string, from: [string, string], to: [string, string]) =>
      t
        .http()
        .post('/api/v1/links')
        .set('Authorization', investigator.auth)
        .send({ kind, from: { type: from[0], id: ids[from[1]] }, to: { type: to[0], id: ids[to[1]] }, confidence: 1, source: 'test' })
        .expect(201);
    await link('uses', ['subject', 'defendant'], ['selector', 'email']);
    await link('employed_by', ['subject', 'defendant'], ['organization', 'yanbian']);
    await link('owns', ['organization', 'yanbian'], ['selector', 'domain']);
  });
  afterAll(async () => {
    await t.close();
  });

  describe('matching', () => {
    it('extracts defanged identifiers and names, matches them to selectors and through links to subjects and organizations, with why and a score', async () => {
      const { id } = await aSubmittedTip(t, key, {
        narrative:
          'Our contractor writes from it.warrior (at) example (dot) com, logs in at hxxps://evil[.]example[.]com/portal and says Song Hwa Jong is his manager.',
      });
      ids.matched = id;
      const res = await as(investigator).get(`/api/v1/tips/${id}`);
      expect(res.status).toBe(200);
      expect(res.body.extracted).toEqual(
        expect.arrayContaining([
          { kind: 'email', normalizedValue: 'it.warrior@example.com' },
          { kind: 'domain', normalizedValue: 'evil.example.com' },
        ]),
      );
      const by = (type: string, entityId: string) =>
        res.body.candidates.find((c: { entityType: string; entityId: string }) => c.entityType === type && c.entityId === entityId);
      expect(by('selector', ids.email)).toMatchObject({ status: 'pending', score: 1, label: 'it.warrior@example.com' });
      expect(by('subject', ids.defendant)).toMatchObject({
        label: 'Unnamed defendant 3',
        status: 'pending',
        why: expect.arrayContaining(['e-mail it.warrior@example.com is used by Unnamed defendant 3']),
      });
      expect(by('subject', ids.defendant).why).toEqual(
        expect.arrayContaining([expect.stringMatching(/names "Song Hwa Jong", like alias "Song Hwa Jong" of Unnamed defendant 3/)]),
      );
      expect(by('organization', ids.yanbian).why).toEqual(
        expect.arrayContaining([
          'domain evil.example.com is owned by Yanbian Silverstar',
          'e-mail it.warrior@example.com is used by Unnamed defendant 3, employed by Yanbian Silverstar',
        ]),
      );
      expect(res.body.candidateCount).toBe(res.body.candidates.length);
      expect(res.headers.etag).toBe('W/"2"');
    });

    it('confirms and rejects candidates; a rejected one stays rejected for that tip and entity', async () => {
      const rejected = await as(investigator).post(`/api/v1/tips/${ids.matched}/candidates/organization/${ids.yanbian}/reject`);
      expect(rejected.status).toBe(200);
      expect(rejected.body).toMatchObject({ status: 'rejected', decidedBy: investigator.id });
      const confirmed = await as(investigator).post(`/api/v1/tips/${ids.matched}/candidates/subject/${ids.defendant}/confirm`);
      expect(confirmed.body).toMatchObject({ status: 'confirmed' });
      const again = await as(investigator).get(`/api/v1/tips/${ids.matched}`);
      const statuses = Object.fromEntries(again.body.candidates.map((c: { entityId: string; status: string }) => [c.entityId, c.status]));
      expect(statuses[ids.yanbian]).toBe('rejected');
      expect(statuses[ids.defendant]).toBe('confirmed');
      expect((await as(investigator).post(`/api/v1/tips/${ids.matched}/candidates/subject/${ids.yanbian}/confirm`)).status).toBe(404);
      expect((await as(investigator).post(`/api/v1/tips/${ids.matched}/candidates/person/${ids.yanbian}/confirm`)).status).toBe(400);
      expect((await auditRecords(t, { action: 'tip.candidate.decide', resourceId: ids.matched })).filter((r) => r.outcome === 'success')).toHaveLength(2);
      const [row] = await t.dataSource.query<{ n: string }[]>(`SELECT count(*) AS n FROM tip_candidate WHERE tip_id = $1 AND entity_id = $2`, [
        ids.matched,
        ids.yanbian,
      ]);
      expect(row.n).toBe('1');
    });
    it('matches in the background: the tip is matching until its candidates are stored, then received, with a tip.match record; staff wait for it (409)', async () => {
      const res = await submitTip(t, key, aTip({ narrative: 'He writes from it.warrior@example.com every night.' })).expect(202);
      expect(res.body.status).toBe('matching');
      const [{ id }] = await t.dataSource.query<{ id: string }[]>('SELECT id FROM tip WHERE reference = $1', [res.body.reference]);
      await matched(t, res.body.reference as string);
      const [record] = await auditRecords(t, { action: 'tip.match', resourceId: id });
      expect(record).toMatchObject({ outcome: 'success', actor_kind: 'system' });
      expect(record.changes).toMatchObject({ status: { before: 'matching', after: 'received' }, candidateCount: { after: 3 } });
      expect(JSON.stringify(record)).not.toContain('it.warrior');
      // Held back as if still being matched: a status change waits (a priority may change meanwhile).
      await t.dataSource.query(`UPDATE tip SET status = 'matching' WHERE id = $1`, [id]);
      const early = await as(intake).patch(`/api/v1/tips/${id}`, 2, { status: 'triaged' });
      expect(early.status).toBe(409);
      expect(early.body.type).toBe('urn:casefile:problem:tip-matching');
      expect((await as(intake).patch(`/api/v1/tips/${id}`, 2, { priority: 'high' })).status).toBe(200);
      await t.dataSource.query(`UPDATE tip SET status = 'received' WHERE id = $1`, [id]);
    });

    it('retries a tip that fails to match on its own, without holding back the others, and receives it without candidates after 5 failures', async () => {
      const matcher = t.app.get(TipMatcher);
      const spy = jest.spyOn(matcher, 'matchAll').mockImplementation(async function (this: TipMatcher, extractions, tx) {
        if (extractions.some((e) => e.phrases.includes('Poison Pill'))) throw new Error('matching failed (test)');
        return TipMatcher.prototype.matchAll.call(this, extractions, tx);
      });
      try {
        const poison = await submitTip(t, key, aTip({ narrative: `Ask about Poison Pill at the office (${randomBytes(3).toString('hex')}).` })).expect(202);
        const healthy = await aSubmittedTip(t, key, { narrative: 'A healthy tip about it.warrior@example.com.' });
        expect((await as(intake).get(`/api/v1/tips/${healthy.id}`)).body.status).toBe('received');
        const [queued] = await t.dataSource.query<{ tip_id: string; attempts: number }[]>(
          'SELECT q.tip_id, q.attempts FROM tip_match_queue q JOIN tip t ON t.id = q.tip_id WHERE t.reference = $1',
          [poison.body.reference],
        );
        expect(queued.attempts).toBeGreaterThanOrEqual(1);
        await t.dataSource.query('UPDATE tip_match_queue SET attempts = 5, available_at = now() WHERE tip_id = $1', [queued.tip_id]);
        t.app.get(TipMatchingWorker).wake();
        await matched(t, poison.body.reference as string);
        const [gaveUp] = await auditRecords(t, { action: 'tip.match', resourceId: queued.tip_id }).then((rs) => rs.filter((r) => r.outcome === 'error' && r.changes));
        expect(gaveUp.details.reason).toMatch(/received without candidates/);
        expect((await as(intake).get(`/api/v1/tips/${queued.tip_id}`)).body).toMatchObject({ status: 'received', candidateCount: 0 });
      } finally {
        spy.mockRestore();
      }
    });
    it('makes at most 5 new name candidates per phrase and type, the closest; a subject its identifiers found keeps the name reason', async () => {
      const make = async (fullName: string): Promise<string> =>
        (await t.http().post('/api/v1/subjects').set('Authorization', investigator.auth).send({ fullName }).expect(201)).body.id as string;
      // Six arrangements of one name: word similarity 1 for each (it ignores word order); ids ascend with creation.
      const arrangements: string[] = [];
      for (const name of ['Ri Kwang Chol', 'Ri Chol Kwang', 'Kwang Ri Chol', 'Kwang Chol Ri', 'Chol Ri Kwang', 'Chol Kwang Ri']) arrangements.push(await make(name));
      const email = (await t.http().post('/api/v1/selectors').set('Authorization', investigator.auth).send({ kind: 'email', value: 'kwang.chol@example.org' }).expect(201))
        .body.id as string;
      await t
        .http()
        .post('/api/v1/links')
        .set('Authorization', investigator.auth)
        .send({ kind: 'uses', from: { type: 'subject', id: arrangements[5] }, to: { type: 'selector', id: email }, confidence: 1, source: 'test' })
        .expect(201);
      const named = (body: { candidates: { entityType: string; entityId: string; why: string[] }[] }) =>
        body.candidates.filter((c) => c.entityType === 'subject' && c.why.some((w) => w.includes('names "Ri Kwang Chol"'))).map((c) => c.entityId);

      const byName = await aSubmittedTip(t, key, { narrative: 'The new hire calls himself Ri Kwang Chol on every call.' });
      const first = (await as(investigator).get(`/api/v1/tips/${byName.id}`)).body;
      expect(named(first).sort()).toEqual(arrangements.slice(0, 5).sort());

      const both = await aSubmittedTip(t, key, { narrative: 'Ri Kwang Chol writes from kwang.chol (at) example (dot) org.' });
      const second = (await as(investigator).get(`/api/v1/tips/${both.id}`)).body;
      expect(named(second).sort()).toEqual([...arrangements].sort());
      expect(second.candidates.find((c: { entityId: string }) => c.entityId === arrangements[5]).why).toEqual(
        expect.arrayContaining(['e-mail kwang.chol@example.org is used by Chol Kwang Ri', expect.stringContaining('names "Ri Kwang Chol"')]),
      );
    });

    it('finds a tip by the words of its narrative once it is matched, by its reference at once', async () => {
      const { id, reference } = await aSubmittedTip(t, key, { narrative: 'A narrative about the Quokkasmurf laptop farm.' });
      const search = async (q: string) => (await as(investigator).get(`/api/v1/search?types=tip&q=${encodeURIComponent(q)}`)).body.data.map((h: { id: string }) => h.id);
      expect(await search('quokkasmurf laptop')).toEqual([id]);
      await t.dataSource.query(`UPDATE tip SET status = 'matching' WHERE id = $1`, [id]);
      try {
        expect(await search('quokkasmurf laptop')).toEqual([]);
        expect(await search(reference)).toEqual([id]);
      } finally {
        await t.dataSource.query(`UPDATE tip SET status = 'received' WHERE id = $1`, [id]);
      }
    });
  });

  describe('duplicates', () => {
    it('finds the duplicate of a narrative in a flood of near-identical ones through its bands, newest first', async () => {
      const flood = (n: string): string =>
        `Flood ${n}: a remote developer called Alex writes from dev${n}@example.org and asked to be paid to a wallet; he says the company is Northpeak Trading.`;
      const refs: string[] = [];
      for (let i = 0; i < 40; i++) refs.push((await submitTip(t, key, aTip({ narrative: flood(randomBytes(4).toString('hex')) })).expect(202)).body.reference as string);
      for (const r of refs) await matched(t, r);
      const last = await aSubmittedTip(t, key, { narrative: flood('ffffffff') });
      const body = (await as(intake).get(`/api/v1/tips/${last.id}`)).body;
      expect(body).toMatchObject({ possibleDuplicateReason: 'similar-narrative' });
      expect(body.possibleDuplicateScore).toBeGreaterThanOrEqual(0.6);
      const [bands] = await t.dataSource.query<{ n: string }[]>('SELECT count(*) AS n FROM tip_narrative_band WHERE tip_id = $1', [last.id]);
      expect(Number(bands.n)).toBe(12);
      // Every tip of the flood but the first found an earlier one.
      const [flagged] = await t.dataSource.query<{ n: string }[]>(
        `SELECT count(*) AS n FROM tip WHERE reference = ANY($1) AND possible_duplicate_reason = 'similar-narrative'`,
        [refs],
      );
      expect(Number(flagged.n)).toBe(39);
    });

    it('looks a narrative with no near duplicate up through its bands alone, never by a walk of the trigram index (which reads all of it for such a narrative)', async () => {
      const narrative = `A courier ${randomBytes(6).toString('hex')} dropped three laptops at a farmhouse outside Dayton and was paid in cash.`;
      const { id } = await aSubmittedTip(t, key, { narrative });
      expect((await as(intake).get(`/api/v1/tips/${id}`)).body).toMatchObject({ possibleDuplicateOf: null, possibleDuplicateReason: null });
      const bands = narrativeBands(narrative);
      const plan = await t.dataSource.query<{ 'QUERY PLAN': string }[]>(`EXPLAIN ${TIP_DUPLICATES_SQL}`, [[id], bands.map(() => id), bands.map(String)]);
      const text = plan.map((row) => row['QUERY PLAN']).join('\n');
      expect(text).toMatch(/tip_narrative_band/);
      expect(text).not.toMatch(/idx_tip_narrative_trgm|<->/);
    });

    it('computes the bands of the last 30 days anew beside the old ones (migration TipBandsOverWords): a tip received before still finds its near duplicates', async () => {
      const narrative = `A courier ${randomBytes(6).toString('hex')} brought four company laptops to a house in Dayton for remote workers abroad.`;
      const { id } = await aSubmittedTip(t, key, { narrative });
      const bandsOf = async (tipId: string): Promise<string[]> =>
        (await t.dataSource.query<{ band: string }[]>('SELECT band_hash::text AS band FROM tip_narrative_band WHERE tip_id = $1 ORDER BY 1', [tipId])).map((r) => r.band);
      const expected = narrativeBands(narrative).map(String).sort();
      expect(await bandsOf(id)).toEqual(expected);
      // As the previous release left it: bands of another kind only.
      await t.dataSource.query('UPDATE tip_narrative_band SET band_hash = band_hash # 1 WHERE tip_id = $1', [id]);
      const old = await bandsOf(id);
      // More tips than a round of the migration's cursor (1,000 here) in the window, and tips it skips: older than 30 days, or still matching.
      const batch = randomBytes(4).toString('hex');
      const [{ integrationId }] = await t.dataSource.query<{ integrationId: string }[]>('SELECT integration_id AS "integrationId" FROM tip WHERE id = $1', [id]);
      await t.dataSource.query(
        `INSERT INTO tip (id, reference, integration_id, external_id, channel, narrative, anonymous, priority, status, received_at)
         SELECT gen_random_uuid(), 'TIP-M' || upper(lpad(to_hex(i), 7, '0')), $1, 'migration-' || $2 || '-' || i, 'web_form', 'Generated tip ' || i || ' of ' || $2, true, 3,
                CASE WHEN i > 2150 THEN 'matching' ELSE 'received' END,
                CASE WHEN i BETWEEN 2101 AND 2150 THEN now() - interval '31 days' ELSE now() - make_interval(secs => i) END
           FROM generate_series(1, 2200) AS i`,
        [integrationId, batch],
      );
      const banded = async (): Promise<Record<string, number>> => {
        const rows = await t.dataSource.query<{ status: string; old: boolean; n: number }[]>(
          `SELECT t.status, t.received_at < now() - interval '30 days' AS old, count(DISTINCT b.tip_id)::int AS n
             FROM tip t JOIN tip_narrative_band b ON b.tip_id = t.id WHERE t.external_id LIKE $1 GROUP BY 1, 2`,
          [`migration-${batch}-%`],
        );
        return Object.fromEntries(rows.map((r) => [`${r.status}${r.old ? ' (31 days)' : ''}`, r.n]));
      };
      const runner = t.dataSource.createQueryRunner();
      try {
        expect(await banded()).toEqual({});
        await new TipBandsOverWords1795310000000(1000).up(runner);
        expect(await bandsOf(id)).toEqual([...old, ...expected].sort());
        expect(await banded()).toEqual({ received: 2100 });
        const edit = await aSubmittedTip(t, key, { narrative: narrative.replace('four', 'five') });
        expect((await as(intake).get(`/api/v1/tips/${edit.id}`)).body).toMatchObject({ possibleDuplicateOf: id, possibleDuplicateReason: 'similar-narrative' });
        await new TipBandsOverWords1795310000000().down();
        expect(await bandsOf(id)).toEqual([...old, ...expected].sort());
      } finally {
        await runner.release();
        await t.dataSource.query(`DELETE FROM tip_narrative_band WHERE tip_id IN (SELECT id FROM tip WHERE external_id LIKE $1)`, [`migration-${batch}-%`]);
        await t.dataSource.query(`DELETE FROM tip WHERE external_id LIKE $1`, [`migration-${batch}-%`]);
      }
    });

    it('scores a narrative against an earlier one as pg_trgm would (similarity of the first 500 characters, lower case)', async () => {
      const texts = [
        'Laptop farm in Ohio hosting company laptops for remote workers paid by a front company.',
        'Laptop farm in Ohio hosting company laptops for remote workers paid by a front company!!',
        'A laptop farm in Dayton, Ohio: twelve company laptops, remote workers, paid by Yanbian Silverstar.',
        'Something else entirely about wire transfers to a Payoneer account.',
        `Tip 1: ${'Song Hwa Jong wrote from it.warrior@example.com. '.repeat(12)}`,
        `Tip 2: ${'Song Hwa Jong wrote from it.warrior@example.com. '.repeat(13)} and more`,
      ];
      for (const a of texts) {
        for (const b of texts) {
          const [{ score }] = await t.dataSource.query<{ score: number }[]>('SELECT similarity(lower(left($1, 500)), lower(left($2, 500))) AS score', [a, b]);
          expect(gramSimilarity(narrativeGrams(a), narrativeGrams(b))).toBeCloseTo(score, 5);
        }
      }
    });

    it('flags a tip from the same tipster (keyed hash) and one with a near-identical narrative; staff clear the flag or mark it duplicate', async () => {
      const first = await aSubmittedTip(t, key, {
        tipster: { email: PLANTED.email, name: PLANTED.name, phone: PLANTED.phone, contactPreference: 'email' },
        narrative: 'Laptop farm in Ohio hosting company laptops for remote workers paid by a front company.',
      });
      ids.planted = first.id;
      const same = await aSubmittedTip(t, key, { tipster: { email: PLANTED.email.toUpperCase() }, narrative: 'Something else entirely about wire transfers.' });
      const near = await aSubmittedTip(t, key, { narrative: 'Laptop farm in Ohio hosting company laptops for remote workers paid by a front company!!' });
      const s = await as(intake).get(`/api/v1/tips/${same.id}`);
      expect(s.body).toMatchObject({ possibleDuplicateOf: first.id, possibleDuplicateReason: 'same-tipster', possibleDuplicateScore: 1 });
      expect(s.body.tipster.pseudonym).toMatch(/^Tipster [23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}$/);
      const f = await as(intake).get(`/api/v1/tips/${first.id}`);
      expect(f.body.tipster.pseudonym).toBe(s.body.tipster.pseudonym);
      expect(f.body.tipsterOtherTips).toBe(1);
      expect(f.body.duplicates).toEqual(expect.arrayContaining([expect.objectContaining({ id: same.id, relation: 'possible', direction: 'by' })]));
      const n = await as(intake).get(`/api/v1/tips/${near.id}`);
      expect(n.body).toMatchObject({ possibleDuplicateOf: first.id, possibleDuplicateReason: 'similar-narrative' });
      expect(n.body.possibleDuplicateScore).toBeGreaterThanOrEqual(0.6);
      const cleared = await as(intake).patch(`/api/v1/tips/${same.id}`, 2, { clearPossibleDuplicate: true });
      expect(cleared.body).toMatchObject({ possibleDuplicateOf: null, version: 3 });
      const marked = await as(intake).patch(`/api/v1/tips/${near.id}`, 2, { status: 'duplicate', duplicateOf: first.id });
      expect(marked.body).toMatchObject({ status: 'duplicate', duplicateOf: first.id, possibleDuplicateOf: null });
      expect((await as(intake).patch(`/api/v1/tips/${same.id}`, 3, { status: 'duplicate' })).status).toBe(422);
      expect((await as(intake).patch(`/api/v1/tips/${same.id}`, 3, { status: 'duplicate', duplicateOf: same.id })).status).toBe(422);
    });
  });

  describe('the status machine and the other changes', () => {
    it('moves received → triaged → assigned → actionable → closed; refuses impossible moves with 409 naming the allowed ones', async () => {
      const { id } = await aSubmittedTip(t, key);
      const skip = await as(intake).patch(`/api/v1/tips/${id}`, 2, { status: 'actionable' });
      expect(skip.status).toBe(409);
      expect(skip.body.detail).toMatch(/from received it can go to: triaged, duplicate/);
      expect(skip.body.allowed).toEqual(['triaged', 'duplicate']);
      let v = 2;
      for (const status of ['triaged', 'assigned', 'actionable', 'closed']) {
        const res = await as(intake).patch(`/api/v1/tips/${id}`, v, { status });
        expect([status, res.status]).toEqual([status, 200]);
        v = res.body.version as number;
      }
      const reopen = await as(intake).patch(`/api/v1/tips/${id}`, v, { status: 'received' });
      expect(reopen.status).toBe(409);
      expect(reopen.body.detail).toMatch(/nothing \(final\)/);
      const records = await auditRecords(t, { action: 'tip.update', resourceId: id });
      expect(records.filter((r) => r.outcome === 'success').map((r) => r.changes.status.after)).toEqual(['triaged', 'assigned', 'actionable', 'closed']);
    });

    it('sets priority, assignee (who may triage) and Admiralty grading; needs If-Match (428, 412)', async () => {
      const { id } = await aSubmittedTip(t, key);
      expect((await t.http().patch(`/api/v1/tips/${id}`).set('Authorization', intake.auth).send({ priority: 'high' })).status).toBe(428);
      const changed = await as(intake).patch(`/api/v1/tips/${id}`, 2, {
        priority: 'urgent',
        assigneeId: investigator.id,
        sourceReliability: 'B',
        informationCredibility: 2,
      });
      expect(changed.body).toMatchObject({
        priority: 'urgent',
        assigneeId: investigator.id,
        grading: { sourceReliability: 'B', informationCredibility: 2 },
        version: 3,
      });
      expect((await as(intake).patch(`/api/v1/tips/${id}`, 2, { priority: 'low' })).status).toBe(412);
      expect((await as(intake).patch(`/api/v1/tips/${id}`, 3, { assigneeId: auditor.id })).body.type).toBe('urn:casefile:problem:assignee-not-eligible');
      expect((await as(intake).patch(`/api/v1/tips/${id}`, 3, { sourceReliability: 'G' })).status).toBe(400);
      expect((await as(intake).patch(`/api/v1/tips/${id}`, 3, { informationCredibility: 7 })).status).toBe(400);
      expect((await as(intake).patch(`/api/v1/tips/${id}`, 3, { reference: 'TIP-22222222' })).status).toBe(400);
      const unassigned = await as(intake).patch(`/api/v1/tips/${id}`, 3, { assigneeId: null, sourceReliability: null });
      expect(unassigned.body).toMatchObject({ assigneeId: null, grading: { sourceReliability: null, informationCredibility: 2 } });
    });
  });

  describe('need to know and roles', () => {
    it('puts a tip linked to a case under its need-to-know: members and supervisors only; intake and other investigators get 404', async () => {
      const { id, reference } = await aSubmittedTip(t, key, { narrative: 'Linked tip about the zebracorn payroll scheme.' });
      const c = await aCase(t, investigator);
      await addMember(t, c.id as string, investigator, analyst, 'viewer');
      expect((await as(outsider).get(`/api/v1/tips/${id}`)).status).toBe(200);
      const refused = await as(outsider).patch(`/api/v1/tips/${id}`, 2, { caseId: c.id });
      expect(refused.status).toBe(422);
      const linked = await as(investigator).patch(`/api/v1/tips/${id}`, 2, { caseId: c.id });
      expect(linked.body.caseId).toBe(c.id);
      expect((await as(outsider).get(`/api/v1/tips/${id}`)).status).toBe(404);
      expect((await as(intake).get(`/api/v1/tips/${id}`)).status).toBe(404);
      expect((await as(outsider).patch(`/api/v1/tips/${id}`, 3, { priority: 'high' })).status).toBe(404);
      expect((await as(analyst).get(`/api/v1/tips/${id}`)).status).toBe(200);
      expect((await as(supervisor).get(`/api/v1/tips/${id}`)).status).toBe(200);
      const queued = async (who: Actor): Promise<boolean> => (await as(who).get('/api/v1/tips?limit=100')).body.data.some((d: { id: string }) => d.id === id);
      expect(await queued(outsider)).toBe(false);
      expect(await queued(intake)).toBe(false);
      expect(await queued(investigator)).toBe(true);
      const denied = await auditRecords(t, { action: 'tip.read', resourceId: id });
      expect(
        denied
          .filter((r) => r.outcome === 'denied')
          .map((r) => r.actor_id)
          .sort(),
      ).toEqual([intake.id, outsider.id].sort());
      // search: by reference and narrative words, by the same rule
      const hits = async (who: Actor, q: string): Promise<string[]> =>
        (await as(who).get(`/api/v1/search?q=${encodeURIComponent(q)}&types=tip`)).body.data.map((h: { id: string }) => h.id);
      expect(await hits(investigator, reference)).toEqual([id]);
      expect(await hits(investigator, 'zebracorn')).toEqual([id]);
      expect(await hits(analyst, 'zebracorn')).toEqual([id]);
      expect(await hits(outsider, reference)).toEqual([]);
      expect(await hits(outsider, 'zebracorn')).toEqual([]);
    });

    it('keeps integrations off the queue, and the reveal to supervisors and intake staff with a reason (audited with it)', async () => {
      expect((await t.http().get('/api/v1/tips').set('X-API-Key', key)).status).toBe(403);
      expect((await t.http().get(`/api/v1/tips/${ids.planted}`).set('X-API-Key', key)).status).toBe(403);
      expect((await t.http().get('/api/v1/tips').set('Authorization', auditor.auth)).status).toBe(403);
      expect((await t.http().get('/api/v1/tips').set('Authorization', analyst.auth)).status).toBe(403);
      const path = `/api/v1/tips/${ids.planted}/tipster`;
      for (const who of [analyst, auditor, investigator])
        expect((await t.http().get(`${path}?reason=need%20it`).set('Authorization', who.auth)).status).toBe(403);
      expect((await as(intake).get(path)).status).toBe(400);
      expect((await as(intake).get(`${path}?reason=ok`)).status).toBe(400);
      expect((await as(intake).get(`${path}?reason=${'x'.repeat(501)}`)).status).toBe(400);
      const reason = 'Call-back agreed with the case lead';
      const revealed = await t
        .http()
        .get(`${path}?reason=${encodeURIComponent(reason)}`)
        .set('Authorization', intake.auth)
        .expect(200);
      expect(revealed.body).toEqual({
        anonymous: false,
        name: PLANTED.name,
        email: PLANTED.email,
        phone: PLANTED_E164,
        contactPreference: 'email',
        pseudonym: expect.stringMatching(/^Tipster /),
      });
      const bySupervisor = await t
        .http()
        .get(`${path}?reason=${encodeURIComponent('Reward claim review')}`)
        .set('Authorization', supervisor.auth)
        .expect(200);
      expect(bySupervisor.body.email).toBe(PLANTED.email);
      const records = await auditRecords(t, { action: 'tip.tipster.reveal', resourceId: ids.planted });
      expect(records.filter((r) => r.outcome === 'success').map((r) => [r.actor_id, r.details.reason])).toEqual([
        [intake.id, reason],
        [supervisor.id, 'Reward claim review'],
      ]);
    });
  });

  describe('tipster identity at rest', () => {
    it('never shows the planted identity in any response, log line, or database column but the sealed one', async () => {
      // A few more routes that could leak it: the queue, search, the audit trail and its export.
      await as(supervisor).get('/api/v1/tips?limit=100');
      await as(supervisor).get(`/api/v1/tips/${ids.planted}`);
      await as(investigator).get(`/api/v1/search?q=${encodeURIComponent('Laptop farm')}`);
      await as(supervisor).get(`/api/v1/search?q=${encodeURIComponent('example.net')}`);
      await submitTip(t, key, aTip({ tipster: { email: PLANTED.email, phone: 'not a phone' } })).then(keep);
      await submitTip(t, key, aTip({ tipster: { email: `${PLANTED.email}@@`, anonymous: true } })).then(keep);
      await as(auditor).get('/api/v1/audit?limit=100');
      await as(auditor).get('/api/v1/audit/export');
      const needles = [PLANTED.email, PLANTED.email.split('@')[0], PLANTED.name, 'Plantedname', PLANTED_E164, '2025550188', '555 0188'];
      const haystacks: Record<string, string> = { responses: seen.join('\n'), logs: t.rawLogs() };
      const columns = await t.dataSource.query<{ table_name: string; column_name: string }[]>(
        `SELECT table_name, column_name FROM information_schema.columns
          WHERE table_schema = 'public' AND data_type IN ('text', 'jsonb', 'json', 'character varying', 'USER-DEFINED', 'ARRAY', 'bytea')
            AND NOT (table_name = 'tip' AND column_name = 'tipster_identity')`,
      );
      expect(columns.length).toBeGreaterThan(40);
      for (const { table_name, column_name } of columns) {
        const [row] = await t.dataSource.query<{ dump: string | null }[]>(`SELECT string_agg("${column_name}"::text, E'\\n') AS dump FROM "${table_name}"`);
        haystacks[`${table_name}.${column_name}`] = row.dump ?? '';
      }
      const found = Object.entries(haystacks).flatMap(([where, text]) =>
        needles.filter((n) => text.toLowerCase().includes(n.toLowerCase())).map((n) => `${n} in ${where}`),
      );
      expect(found).toEqual([]);
      // …while the reveal does show it (the search above would find a planted value if it were stored anywhere else).
      expect(seen.join('\n')).toContain('Tipster ');
    });

    // Last: a second app on the same database takes over the process-wide passport strategies.
    it('is one AES-256-GCM ciphertext with its key id; a rotated key reads it, and tips:reencrypt seals it under the new key', async () => {
      const [row] = await t.dataSource.query<{ tipster_identity: string; tipster_key_id: string }[]>(
        'SELECT tipster_identity, tipster_key_id FROM tip WHERE id = $1',
        [ids.planted],
      );
      const oldKey = t.config.secrets.keyrings.FIELD_ENCRYPTION_KEY[0];
      expect(row.tipster_key_id).toBe(keyId(oldKey));
      expect(row.tipster_identity.split('.').slice(0, 2)).toEqual(['v1', keyId(oldKey)]);
      const newKey = randomBytes(32).toString('base64');
      const rotated = await createTestApp({
        sharedDatabaseUrl: t.databaseUrl,
        env: { FIELD_ENCRYPTION_KEY: `${newKey},${oldKey}`, HMAC_KEY: t.config.secrets.keyrings.HMAC_KEY[0] },
      });
      try {
        const sup = await signedIn(rotated, ['supervisor']);
        const path = `/api/v1/tips/${ids.planted}/tipster?reason=rotation%20check`;
        expect((await rotated.http().get(path).set('Authorization', sup.auth).expect(200)).body.email).toBe(PLANTED.email);
        // New tips are sealed under the new key; the same tipster is still recognised (the HMAC key did not change).
        const fresh = await aSubmittedTip(rotated, (await anIntegration(rotated)).apiKey, { tipster: { email: PLANTED.email } });
        const [freshRow] = await rotated.dataSource.query<{ tipster_key_id: string; possible_duplicate_reason: string }[]>(
          'SELECT tipster_key_id, possible_duplicate_reason FROM tip WHERE id = $1',
          [fresh.id],
        );
        expect(freshRow).toEqual({ tipster_key_id: keyId(newKey), possible_duplicate_reason: 'same-tipster' });
        const result = await rotated.app.get(TipsterReencryption).run(2);
        expect(result.resealed).toBeGreaterThanOrEqual(1);
        const left = await rotated.dataSource.query(`SELECT id FROM tip WHERE tipster_key_id IS NOT NULL AND tipster_key_id <> $1`, [keyId(newKey)]);
        expect(left).toEqual([]);
        expect((await rotated.app.get(TipsterReencryption).run()).resealed).toBe(0);
        expect(await auditRecords(rotated, { action: 'tip.reencrypt', resourceId: ids.planted })).toHaveLength(1);
        expect((await rotated.http().get(path).set('Authorization', sup.auth).expect(200)).body.email).toBe(PLANTED.email);
      } finally {
        await rotated.app.close();
      }
    });
  });
});
