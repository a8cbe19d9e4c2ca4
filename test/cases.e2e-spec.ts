import { adminAuth, auditRecords, signedIn } from './support/actors';
import { aCase, aCast, addMember, aStaffedCase, Cast } from './support/cases';
import { createTestApp, TestApp } from './support/test-app';

const API = '/api/v1';

describe('cases', () => {
  let t: TestApp;
  let cast: Cast;
  beforeAll(async () => {
    t = await createTestApp();
    cast = await aCast(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const get = (path: string, auth: string) => t.http().get(`${API}${path}`).set('Authorization', auth);
  const patch = (path: string, auth: string, version: number | undefined, body: object) => {
    const req = t.http().patch(`${API}${path}`).set('Authorization', auth);
    return (version === undefined ? req : req.set('If-Match', `W/"${version}"`)).send(body);
  };
  const deniedFor = async (requestId: string) => (await auditRecords(t, { requestId })).filter((r) => r.outcome === 'denied');

  describe('create', () => {
    it('numbers the case CF-<year>-<4 digits>, makes the creator its lead, and audits the creation with its number', async () => {
      const res = await t.http().post(`${API}/cases`).set('Authorization', cast.lead.auth).send({ title: 'Volasys Silverstar', sensitivity: 'secret' }).expect(201);
      expect(res.body).toMatchObject({ title: 'Volasys Silverstar', summary: '', status: 'open', sensitivity: 'secret', leadInvestigatorId: cast.lead.id, legalHold: false, version: 1, myRole: 'lead' });
      expect(res.body.caseNumber).toMatch(new RegExp(`^CF-${new Date().getUTCFullYear()}-\\d{4}$`));
      expect(res.headers.etag).toBe('W/"1"');
      const [record] = await auditRecords(t, { action: 'case.create', resourceId: res.body.id });
      expect(record).toMatchObject({ outcome: 'success', case_id: res.body.id, actor_id: cast.lead.id });
      expect(record.changes.caseNumber.after).toBe(res.body.caseNumber);
      const members = await get(`/cases/${res.body.id}/members`, cast.lead.auth).expect(200);
      expect(members.body.data).toEqual([expect.objectContaining({ userId: cast.lead.id, role: 'lead', version: 1 })]);
    });

    it.each([['id'], ['caseNumber'], ['version'], ['createdBy'], ['status'], ['legalHold'], ['role']])('refuses the read-only or unknown field %s (400 naming it)', async (field) => {
      const res = await t.http().post(`${API}/cases`).set('Authorization', cast.lead.auth).send({ title: 'x', sensitivity: 'restricted', [field]: field === 'version' ? 7 : 'open' }).expect(400);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(res.body.errors).toEqual([{ field, message: 'is not an accepted field' }]);
    });

    it.each([
      [{ sensitivity: 'restricted' }, 'title'],
      [{ title: '', sensitivity: 'restricted' }, 'title'],
      [{ title: 'x'.repeat(201), sensitivity: 'restricted' }, 'title'],
      [{ title: 'a\u0000b', sensitivity: 'restricted' }, 'title'],
      [{ title: 'x', sensitivity: 'top-secret' }, 'sensitivity'],
      [{ title: 'x', sensitivity: 'restricted', summary: null }, 'summary'],
      [{ title: 'x', sensitivity: 'restricted', leadInvestigatorId: 'not-a-uuid' }, 'leadInvestigatorId'],
    ])('refuses bad input %j (400 naming %s)', async (body, field) => {
      const res = await t.http().post(`${API}/cases`).set('Authorization', cast.lead.auth).send(body).expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('opens a case for another lead: the lead leads, the creator is a member', async () => {
      const c = await aCase(t, cast.supervisor, { leadInvestigatorId: cast.member.id });
      expect(c).toMatchObject({ leadInvestigatorId: cast.member.id, myRole: 'member' });
      const members = await get(`/cases/${c.id}/members`, cast.member.auth).expect(200);
      expect(members.body.data.map((m: { userId: string; role: string }) => [m.userId, m.role]).sort()).toEqual([[cast.member.id, 'lead'], [cast.supervisor.id, 'member']].sort());
    });

    it('refuses a lead who may not lead: an analyst (422 lead-not-eligible), an admin or an unknown user (422 member-not-eligible)', async () => {
      const admin = await signedIn(t, ['admin']);
      for (const [leadInvestigatorId, code] of [
        [cast.analyst.id, 'lead-not-eligible'],
        [admin.id, 'member-not-eligible'],
        ['0190aaaa-0000-7000-8000-000000000000', 'member-not-eligible'],
      ]) {
        const res = await t.http().post(`${API}/cases`).set('Authorization', cast.lead.auth).send({ title: 'x', sensitivity: 'restricted', leadInvestigatorId }).expect(422);
        expect(res.body.type).toBe(`urn:casefile:problem:${code}`);
        expect(res.body.errors).toEqual([expect.objectContaining({ field: 'leadInvestigatorId' })]);
      }
    });

    it('gives 50 parallel creates 50 consecutive numbers', async () => {
      const creators = [cast.lead, cast.member, cast.supervisor];
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => t.http().post(`${API}/cases`).set('Authorization', creators[i % 3].auth).send({ title: `parallel ${i}`, sensitivity: 'restricted' })),
      );
      expect(results.map((r) => r.status)).toEqual(Array(50).fill(201));
      const seqs = results.map((r) => Number((r.body.caseNumber as string).split('-')[2])).sort((a, b) => a - b);
      expect(new Set(seqs).size).toBe(50);
      expect(seqs[49] - seqs[0]).toBe(49);
      const [{ last_seq }] = await t.dataSource.query<{ last_seq: number }[]>('SELECT last_seq FROM case_number_counter WHERE year = $1', [new Date().getUTCFullYear()]);
      expect(last_seq).toBe(seqs[49]);
    });

    it('gives the number back when the create rolls back (gap-free)', async () => {
      const before = await aCase(t, cast.lead);
      await t.http().post(`${API}/cases`).set('Authorization', cast.lead.auth).send({ title: 'x', sensitivity: 'restricted', leadInvestigatorId: cast.analyst.id }).expect(422);
      const after = await aCase(t, cast.lead);
      expect(Number(after.caseNumber.split('-')[2])).toBe(Number(before.caseNumber.split('-')[2]) + 1);
    });

    it('replays a create sent again with the same Idempotency-Key: one case, one number', async () => {
      const send = () => t.http().post(`${API}/cases`).set('Authorization', cast.lead.auth).set('Idempotency-Key', 'case-create-retry-1').send({ title: 'retried', sensitivity: 'secret' });
      const first = await send().expect(201);
      const again = await send().expect(201);
      expect(again.headers['idempotency-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
      expect(await t.dataSource.query(`SELECT id FROM case_file WHERE title = 'retried'`)).toHaveLength(1);
      expect(await auditRecords(t, { action: 'case.create', resourceId: first.body.id })).toHaveLength(1);
    });

    it('refuses roles without case:create (analyst) with 403', async () => {
      await t.http().post(`${API}/cases`).set('Authorization', cast.analyst.auth).send({ title: 'x', sensitivity: 'restricted' }).expect(403);
    });
  });

  describe('read', () => {
    it('gives members the case with its ETag and records case.read; supervisors see it too', async () => {
      const c = await aStaffedCase(t, cast);
      for (const [actor, role] of [
        [cast.viewer, 'viewer'],
        [cast.analyst, 'member'],
        [cast.supervisor, null],
      ] as const) {
        const res = await get(`/cases/${c.id}`, actor.auth).expect(200);
        expect(res.headers.etag).toBe(`W/"${res.body.version}"`);
        expect(res.body.myRole).toBe(role);
        const [record] = await auditRecords(t, { requestId: res.headers['x-request-id'] });
        expect(record).toMatchObject({ action: 'case.read', outcome: 'success', case_id: c.id, actor_id: actor.id });
      }
    });

    it('answers 404 to a non-member (not 403) and records the attempt once as denied', async () => {
      const c = await aCase(t, cast.lead);
      const res = await get(`/cases/${c.id}`, cast.outsider.auth).expect(404);
      expect(res.body.type).toBe('urn:casefile:problem:not-found');
      expect(await deniedFor(res.headers['x-request-id'])).toEqual([expect.objectContaining({ action: 'case.read', case_id: c.id, actor_id: cast.outsider.id })]);
      // The same answer as for a case that does not exist.
      const none = await get('/cases/0190aaaa-0000-7000-8000-000000000000', cast.outsider.auth).expect(404);
      expect(none.body.detail.replace(/[0-9a-f-]{36}/, 'ID')).toBe(res.body.detail.replace(/[0-9a-f-]{36}/, 'ID'));
      await get('/cases/0190aaaa-0000-7000-8000-000000000000', cast.supervisor.auth).expect(404);
      await get('/cases/not-a-uuid', cast.lead.auth).expect(400);
    });
  });

  describe('change', () => {
    it('needs If-Match (428 without, 412 when stale) and bumps the version', async () => {
      const c = await aCase(t, cast.lead);
      await patch(`/cases/${c.id}`, cast.lead.auth, undefined, { title: 'new' }).expect(428);
      const ok = await patch(`/cases/${c.id}`, cast.lead.auth, 1, { title: 'new title', summary: 'new summary', sensitivity: 'secret' }).expect(200);
      expect(ok.body).toMatchObject({ title: 'new title', summary: 'new summary', sensitivity: 'secret', version: 2 });
      expect(ok.headers.etag).toBe('W/"2"');
      const stale = await patch(`/cases/${c.id}`, cast.lead.auth, 1, { title: 'again' }).expect(412);
      expect(stale.headers.etag).toBe('W/"2"');
      const [record] = await auditRecords(t, { action: 'case.update', resourceId: c.id });
      expect(record.changes).toEqual({ title: { before: 'Silverstar IT workers', after: 'new title' }, summary: expect.any(Object), sensitivity: { before: 'confidential', after: 'secret' } });
    });

    it.each([['id'], ['caseNumber'], ['version'], ['createdBy'], ['myRole']])('refuses the read-only field %s', async (field) => {
      const c = await aCase(t, cast.lead);
      const res = await patch(`/cases/${c.id}`, cast.lead.auth, 1, { [field]: 'x' }).expect(400);
      expect(res.body.errors).toEqual([{ field, message: 'is not an accepted field' }]);
    });

    it('refuses a viewer (403: they know the case) and a non-member (404, denied once)', async () => {
      const c = await aStaffedCase(t, cast);
      const viewer = await patch(`/cases/${c.id}`, cast.viewer.auth, 1, { title: 'x' }).expect(403);
      expect(viewer.body.type).toBe('urn:casefile:problem:read-only-member');
      expect(await deniedFor(viewer.headers['x-request-id'])).toHaveLength(1);
      const outsider = await patch(`/cases/${c.id}`, cast.outsider.auth, 1, { title: 'x' }).expect(404);
      expect(await deniedFor(outsider.headers['x-request-id'])).toEqual([expect.objectContaining({ action: 'case.update', case_id: c.id })]);
      // An analyst member holds case:read only.
      await patch(`/cases/${c.id}`, cast.analyst.auth, 1, { title: 'x' }).expect(403);
    });

    it('moves open → active → closed; refuses other moves with 409 naming the allowed ones', async () => {
      const c = await aCase(t, cast.lead);
      const skip = await patch(`/cases/${c.id}`, cast.lead.auth, 1, { status: 'closed' }).expect(409);
      expect(skip.body.type).toBe('urn:casefile:problem:invalid-status-transition');
      expect(skip.body.detail).toMatch(/from open it can go to: active/);
      const active = await patch(`/cases/${c.id}`, cast.lead.auth, 1, { status: 'active' }).expect(200);
      const closed = await patch(`/cases/${c.id}`, cast.lead.auth, active.body.version, { status: 'closed', reason: 'indictment filed' }).expect(200);
      expect(closed.body).toMatchObject({ status: 'closed', closedAt: expect.any(String) });
      const back = await patch(`/cases/${c.id}`, cast.lead.auth, closed.body.version, { status: 'open' }).expect(409);
      expect(back.body.detail).toMatch(/from closed it can go to: active \(reopen/);
    });

    it('lets only supervisors reopen a closed case, with a reason', async () => {
      const c = await aCase(t, cast.lead);
      await patch(`/cases/${c.id}`, cast.lead.auth, 1, { status: 'active' }).expect(200);
      await patch(`/cases/${c.id}`, cast.lead.auth, 2, { status: 'closed' }).expect(200);
      const byInvestigator = await patch(`/cases/${c.id}`, cast.lead.auth, 3, { status: 'active', reason: 'new leads' }).expect(403);
      expect(byInvestigator.body.type).toBe('urn:casefile:problem:supervisor-only');
      const noReason = await patch(`/cases/${c.id}`, cast.supervisor.auth, 3, { status: 'active' }).expect(422);
      expect(noReason.body.errors).toEqual([expect.objectContaining({ field: 'reason' })]);
      const reopened = await patch(`/cases/${c.id}`, cast.supervisor.auth, 3, { status: 'active', reason: 'a tip names a new laptop farm' }).expect(200);
      expect(reopened.body).toMatchObject({ status: 'active', closedAt: null, version: 4 });
      const records = await auditRecords(t, { action: 'case.update', resourceId: c.id });
      expect(records.at(-1)).toMatchObject({ outcome: 'success', details: { reason: 'a tip names a new laptop farm' } });
      expect(records.filter((r) => r.outcome === 'denied')).toHaveLength(1);
    });

    it('keeps a closed case as it was: no edits, no notes, no tasks (409)', async () => {
      const c = await aCase(t, cast.lead);
      await patch(`/cases/${c.id}`, cast.lead.auth, 1, { status: 'active' }).expect(200);
      await patch(`/cases/${c.id}`, cast.lead.auth, 2, { status: 'closed' }).expect(200);
      expect((await patch(`/cases/${c.id}`, cast.lead.auth, 3, { title: 'x' }).expect(409)).body.type).toBe('urn:casefile:problem:case-closed');
      await t.http().post(`${API}/cases/${c.id}/notes`).set('Authorization', cast.lead.auth).send({ body: 'late' }).expect(409);
      await t.http().post(`${API}/cases/${c.id}/tasks`).set('Authorization', cast.lead.auth).send({ title: 'late' }).expect(409);
    });

    it('lets only supervisors set and clear the legal hold', async () => {
      const c = await aCase(t, cast.lead);
      expect((await patch(`/cases/${c.id}`, cast.lead.auth, 1, { legalHold: true }).expect(403)).body.type).toBe('urn:casefile:problem:supervisor-only');
      const held = await patch(`/cases/${c.id}`, cast.supervisor.auth, 1, { legalHold: true, reason: 'litigation hold from the US attorney' }).expect(200);
      expect(held.body.legalHold).toBe(true);
      await patch(`/cases/${c.id}`, cast.supervisor.auth, 2, { legalHold: false }).expect(200);
      await patch(`/cases/${c.id}`, cast.lead.auth, 3, { legalHold: 'yes' }).expect(400);
    });

    it('hands the lead over through PATCH: the new lead leads, the old one stays as member', async () => {
      const c = await aStaffedCase(t, cast);
      const byMember = await patch(`/cases/${c.id}`, cast.member.auth, 1, { leadInvestigatorId: cast.member.id }).expect(403);
      expect(byMember.body.type).toBe('urn:casefile:problem:not-case-manager');
      await patch(`/cases/${c.id}`, cast.lead.auth, 1, { leadInvestigatorId: cast.analyst.id }).expect(422);
      const moved = await patch(`/cases/${c.id}`, cast.lead.auth, 1, { leadInvestigatorId: cast.member.id }).expect(200);
      expect(moved.body).toMatchObject({ leadInvestigatorId: cast.member.id, myRole: 'member', version: 2 });
      const roles = await t.dataSource.query<{ user_id: string; role: string }[]>('SELECT user_id, role FROM case_member WHERE case_id = $1 AND role <> $2', [c.id, 'viewer']);
      expect(Object.fromEntries(roles.map((r) => [r.user_id, r.role]))).toEqual({ [cast.lead.id]: 'member', [cast.member.id]: 'lead', [cast.analyst.id]: 'member' });
    });
  });

  describe('list', () => {
    let mine: Cast;
    const ids: string[] = [];
    beforeAll(async () => {
      mine = await aCast(t);
      for (let i = 0; i < 7; i++) {
        const c = await aCase(t, mine.lead, { title: `Laptop farm ${i} Hopkinsville`, sensitivity: i % 2 ? 'secret' : 'restricted' });
        ids.push(c.id);
      }
      await addMember(t, ids[0], mine.lead, mine.member, 'viewer');
      await aCase(t, mine.outsider, { title: 'Laptop farm elsewhere' });
    });

    const list = (auth: string, query: Record<string, string | number> = {}) => t.http().get(`${API}/cases`).query(query).set('Authorization', auth);

    it('shows a member only their cases, most recent activity first, in full keyset pages with stable cursors', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const res = await list(mine.lead.auth, { limit: 3, ...(cursor ? { cursor } : {}) }).expect(200);
        pages += 1;
        if (res.body.nextCursor) expect(res.body.data).toHaveLength(3);
        seen.push(...res.body.data.map((c: { id: string }) => c.id));
        cursor = res.body.nextCursor ?? undefined;
      } while (cursor);
      expect(pages).toBe(3);
      // Adding a member is activity: the first case moved to the top.
      expect(seen).toEqual([ids[0], ...ids.slice(1).reverse()]);
      expect((await list(mine.member.auth).expect(200)).body.data.map((c: { id: string; myRole: string }) => [c.id, c.myRole])).toEqual([[ids[0], 'viewer']]);
    });

    it('never shows a case to a non-member; records the list with the ids it showed', async () => {
      const res = await list(mine.outsider.auth, { q: 'laptop farm' }).expect(200);
      expect(res.body.data.map((c: { title: string }) => c.title)).toEqual(['Laptop farm elsewhere']);
      const [record] = await auditRecords(t, { requestId: res.headers['x-request-id'] });
      expect(record).toMatchObject({ action: 'case.list', outcome: 'success', details: expect.objectContaining({ count: 1, caseIds: [res.body.data[0].id] }) });
    });

    it('filters by status, sensitivity, words of the title and case number; sorts by number', async () => {
      expect((await list(mine.lead.auth, { sensitivity: 'secret' }).expect(200)).body.data).toHaveLength(3);
      expect((await list(mine.lead.auth, { status: 'active' }).expect(200)).body.data).toHaveLength(0);
      expect((await list(mine.lead.auth, { q: 'hopkinsville FARM' }).expect(200)).body.data).toHaveLength(7);
      expect((await list(mine.lead.auth, { q: 'farm 3' }).expect(200)).body.data.map((c: { id: string }) => c.id)).toEqual([ids[3]]);
      const one = (await get(`/cases/${ids[2]}`, mine.lead.auth)).body;
      expect((await list(mine.lead.auth, { q: one.caseNumber.toLowerCase() }).expect(200)).body.data.map((c: { id: string }) => c.id)).toEqual([ids[2]]);
      const byNumber = await list(mine.lead.auth, { sort: 'number', limit: 4 }).expect(200);
      expect(byNumber.body.data.map((c: { id: string }) => c.id)).toEqual([...ids].reverse().slice(0, 4));
      const next = await list(mine.lead.auth, { sort: 'number', limit: 4, cursor: byNumber.body.nextCursor }).expect(200);
      expect(next.body.data.map((c: { id: string }) => c.id)).toEqual([...ids].reverse().slice(4));
    });

    it('lets supervisors see every case and filter by member; refuses memberId to others (403)', async () => {
      const all = await list(mine.supervisor.auth, { memberId: mine.member.id }).expect(200);
      expect(all.body.data.map((c: { id: string; myRole: string | null }) => [c.id, c.myRole])).toEqual([[ids[0], null]]);
      const refused = await list(mine.lead.auth, { memberId: mine.member.id }).expect(403);
      expect(refused.body.type).toBe('urn:casefile:problem:supervisor-only');
    });

    it('refuses a cursor from another list or sort (400), unknown parameters and bad values', async () => {
      const byNumber = await list(mine.lead.auth, { sort: 'number', limit: 1 }).expect(200);
      expect((await list(mine.lead.auth, { cursor: byNumber.body.nextCursor }).expect(400)).body.detail).toMatch(/another list/);
      await addMember(t, ids[1], mine.lead, mine.viewer, 'viewer');
      const members = await t.http().get(`${API}/cases/${ids[1]}/members`).query({ limit: 1 }).set('Authorization', mine.lead.auth).expect(200);
      await list(mine.lead.auth, { cursor: members.body.nextCursor }).expect(400);
      await list(mine.lead.auth, { cursor: 'bm90LWEtY3Vyc29y' }).expect(400);
      await list(mine.lead.auth, { sort: 'title' }).expect(400);
      await list(mine.lead.auth, { status: 'pending' }).expect(400);
      await list(mine.lead.auth, { limit: 101 }).expect(400);
      await list(mine.lead.auth, { memberId: 'x' }).expect(400);
      expect((await list(mine.lead.auth, { role: 'lead' }).expect(400)).body.errors).toEqual([{ field: 'role', message: 'is not an accepted field' }]);
    });

    it('gives me/cases my cases by last activity', async () => {
      const res = await get('/me/cases', mine.member.auth).expect(200);
      expect(res.body.data.map((c: { id: string }) => c.id)).toEqual([ids[0]]);
      const lead = await get('/me/cases?limit=2', mine.lead.auth).expect(200);
      const other = await get('/cases?limit=2', mine.lead.auth).expect(200);
      expect(lead.body.data.map((c: { id: string }) => c.id)).toEqual(other.body.data.map((c: { id: string }) => c.id));
      await get(`/me/cases?cursor=${lead.body.nextCursor}`, mine.lead.auth).expect(200);
      await get(`/me/cases?cursor=${other.body.nextCursor}`, mine.lead.auth).expect(400);
      expect((await get('/me/cases', mine.supervisor.auth).expect(200)).body.data).toEqual([]);
    });
  });

  describe('members', () => {
    const post = (caseId: string, auth: string, body: object) => t.http().post(`${API}/cases/${caseId}/members`).set('Authorization', auth).send(body);

    it('are managed by the lead or a supervisor only (a member: 403, a non-member: 404)', async () => {
      const c = await aStaffedCase(t, cast);
      const extra = await signedIn(t, ['investigator']);
      expect((await post(c.id, cast.member.auth, { userId: extra.id, role: 'viewer' }).expect(403)).body.type).toBe('urn:casefile:problem:not-case-manager');
      await post(c.id, cast.viewer.auth, { userId: extra.id, role: 'viewer' }).expect(403);
      await post(c.id, cast.outsider.auth, { userId: extra.id, role: 'viewer' }).expect(404);
      const added = await post(c.id, cast.supervisor.auth, { userId: extra.id, role: 'viewer' }).expect(201);
      expect(added.body).toMatchObject({ caseId: c.id, userId: extra.id, role: 'viewer', version: 1 });
      expect((await post(c.id, cast.lead.auth, { userId: extra.id, role: 'member' }).expect(409)).body.type).toBe('urn:casefile:problem:already-member');
    });

    it('refuses accounts that may not hold case content, naming the rule (422)', async () => {
      const c = await aCase(t, cast.lead);
      const admin = await signedIn(t, ['admin']);
      const auditor = await signedIn(t, ['auditor']);
      const intake = await signedIn(t, ['intake']);
      const disabled = await signedIn(t, ['investigator']);
      await t.http().post(`${API}/users/${disabled.id}/disable`).set('Authorization', await adminAuth(t)).send({}).expect(200);
      for (const user of [admin, auditor, intake, disabled]) {
        const res = await post(c.id, cast.lead.auth, { userId: user.id, role: 'member' }).expect(422);
        expect(res.body).toMatchObject({ type: 'urn:casefile:problem:member-not-eligible', errors: [expect.objectContaining({ field: 'userId' })] });
        expect(res.body.detail).toMatch(/investigator, analyst or supervisor role \(not admin, intake or auditor\)/);
      }
      await post(c.id, cast.lead.auth, { userId: '0190aaaa-0000-7000-8000-000000000000', role: 'member' }).expect(422);
      expect((await post(c.id, cast.lead.auth, { userId: cast.analyst.id, role: 'lead' }).expect(422)).body.type).toBe('urn:casefile:problem:lead-not-eligible');
      await post(c.id, cast.lead.auth, { userId: cast.analyst.id, role: 'owner' }).expect(400);
      await post(c.id, cast.lead.auth, { userId: cast.analyst.id, role: 'member', caseId: c.id }).expect(400);
    });

    it('keeps a lead: removing or demoting the lead is a 422; making another member lead moves the lead', async () => {
      const c = await aStaffedCase(t, cast);
      const members = (await get(`/cases/${c.id}/members`, cast.lead.auth).expect(200)).body.data as { userId: string; version: number }[];
      const version = (id: string) => members.find((m) => m.userId === id)!.version;
      const remove = await t.http().delete(`${API}/cases/${c.id}/members/${cast.lead.id}`).set('Authorization', cast.lead.auth).set('If-Match', `W/"${version(cast.lead.id)}"`).expect(422);
      expect(remove.body.type).toBe('urn:casefile:problem:case-needs-lead');
      await patch(`/cases/${c.id}/members/${cast.lead.id}`, cast.lead.auth, version(cast.lead.id), { role: 'member' }).expect(422);
      await patch(`/cases/${c.id}/members/${cast.member.id}`, cast.lead.auth, undefined, { role: 'lead' }).expect(428);
      await patch(`/cases/${c.id}/members/${cast.member.id}`, cast.lead.auth, version(cast.member.id) + 1, { role: 'lead' }).expect(412);
      const promoted = await patch(`/cases/${c.id}/members/${cast.member.id}`, cast.lead.auth, version(cast.member.id), { role: 'lead' }).expect(200);
      expect(promoted.body).toMatchObject({ role: 'lead', version: 2 });
      expect((await get(`/cases/${c.id}`, cast.member.auth)).body).toMatchObject({ leadInvestigatorId: cast.member.id, myRole: 'lead' });
      // The former lead is a member now and no longer manages members.
      await post(c.id, cast.lead.auth, { userId: cast.outsider.id, role: 'viewer' }).expect(403);
    });

    it('removes a member, who loses the case on their next request', async () => {
      const c = await aStaffedCase(t, cast);
      await get(`/cases/${c.id}`, cast.viewer.auth).expect(200);
      await t.http().delete(`${API}/cases/${c.id}/members/${cast.viewer.id}`).set('Authorization', cast.lead.auth).expect(428);
      await t.http().delete(`${API}/cases/${c.id}/members/${cast.viewer.id}`).set('Authorization', cast.lead.auth).set('If-Match', 'W/"1"').expect(204);
      await get(`/cases/${c.id}`, cast.viewer.auth).expect(404);
      expect((await get('/cases', cast.viewer.auth).expect(200)).body.data.map((x: { id: string }) => x.id)).not.toContain(c.id);
      await t.http().delete(`${API}/cases/${c.id}/members/${cast.viewer.id}`).set('Authorization', cast.lead.auth).set('If-Match', 'W/"1"').expect(404);
      const [record] = await auditRecords(t, { action: 'member.remove', resourceId: cast.viewer.id });
      expect(record).toMatchObject({ outcome: 'success', case_id: c.id, changes: { role: { before: 'viewer', after: null }, userId: { before: cast.viewer.id, after: null } } });
    });

    it('never leaves a case without a lead under parallel member changes', async () => {
      for (let round = 0; round < 3; round++) {
        const lead = await signedIn(t, ['investigator']);
        const others = await Promise.all([1, 2, 3].map(() => signedIn(t, ['investigator'])));
        const c = await aCase(t, lead);
        for (const o of others) await addMember(t, c.id, lead, o, 'member');
        const [a, b, d] = others;
        const results = await Promise.all([
          patch(`/cases/${c.id}/members/${a.id}`, lead.auth, 1, { role: 'lead' }),
          patch(`/cases/${c.id}/members/${b.id}`, cast.supervisor.auth, 1, { role: 'lead' }),
          t.http().delete(`${API}/cases/${c.id}/members/${lead.id}`).set('Authorization', cast.supervisor.auth).set('If-Match', 'W/"1"'),
          patch(`/cases/${c.id}/members/${lead.id}`, cast.supervisor.auth, 1, { role: 'viewer' }),
          t.http().delete(`${API}/cases/${c.id}/members/${d.id}`).set('Authorization', lead.auth).set('If-Match', 'W/"1"'),
          patch(`/cases/${c.id}`, cast.supervisor.auth, 1, { leadInvestigatorId: d.id }),
        ]);
        for (const r of results) expect([200, 204, 403, 404, 412, 422]).toContain(r.status);
        const leads = await t.dataSource.query<{ user_id: string }[]>(`SELECT user_id FROM case_member WHERE case_id = $1 AND role = 'lead'`, [c.id]);
        expect(leads).toHaveLength(1);
        const [row] = await t.dataSource.query<{ lead_investigator_id: string }[]>('SELECT lead_investigator_id FROM case_file WHERE id = $1', [c.id]);
        expect(row.lead_investigator_id).toBe(leads[0].user_id);
      }
    });
  });

  describe('need to know on every route under a case', () => {
    it('answers 404 to a non-member on every route, records each attempt once as denied, and changes nothing', async () => {
      const c = await aStaffedCase(t, cast);
      const note = await t.http().post(`${API}/cases/${c.id}/notes`).set('Authorization', cast.member.auth).send({ body: 'seen by members only' }).expect(201);
      await t.http().post(`${API}/cases/${c.id}/notes`).set('Authorization', cast.member.auth).send({ body: 'and another' }).expect(201);
      const task = await t.http().post(`${API}/cases/${c.id}/tasks`).set('Authorization', cast.member.auth).send({ title: 'members only' }).expect(201);
      const firstNotes = await get(`/cases/${c.id}/notes?limit=1`, cast.member.auth).expect(200);
      const base = `${API}/cases/${c.id}`;
      const calls = [
        () => t.http().get(base),
        () => t.http().patch(base).set('If-Match', 'W/"1"').send({ title: 'x' }),
        () => t.http().get(`${base}/members`),
        () => t.http().post(`${base}/members`).send({ userId: cast.outsider.id, role: 'lead' }),
        () => t.http().patch(`${base}/members/${cast.member.id}`).set('If-Match', 'W/"1"').send({ role: 'viewer' }),
        () => t.http().delete(`${base}/members/${cast.member.id}`).set('If-Match', 'W/"1"'),
        () => t.http().get(`${base}/notes`),
        () => t.http().get(`${base}/notes?cursor=${firstNotes.body.nextCursor}`),
        () => t.http().post(`${base}/notes`).send({ body: 'x' }),
        () => t.http().get(`${base}/notes/${note.body.id}`),
        () => t.http().patch(`${base}/notes/${note.body.id}`).set('If-Match', 'W/"1"').send({ body: 'x' }),
        () => t.http().get(`${base}/tasks`),
        () => t.http().get(`${base}/tasks?status=open&overdue=false`),
        () => t.http().post(`${base}/tasks`).send({ title: 'x' }),
        () => t.http().get(`${base}/tasks/${task.body.id}`),
        () => t.http().patch(`${base}/tasks/${task.body.id}`).set('If-Match', 'W/"1"').send({ status: 'done' }),
        () => t.http().get(`${base}/timeline`),
      ];
      for (const [i, call] of calls.entries()) {
        const res = await call().set('Authorization', cast.outsider.auth);
        expect([`call ${i}`, res.status]).toEqual([`call ${i}`, 404]);
        const denied = await deniedFor(res.headers['x-request-id']);
        expect([`call ${i}`, denied.length, denied[0]?.case_id]).toEqual([`call ${i}`, 1, c.id]);
      }
      expect((await get(`/cases/${c.id}`, cast.lead.auth)).body.version).toBe(1);
      expect(await t.dataSource.query('SELECT 1 FROM case_note WHERE case_id = $1', [c.id])).toHaveLength(2);
      expect((await get('/me/tasks', cast.outsider.auth).expect(200)).body.data).toEqual([]);
      expect((await get('/me/cases', cast.outsider.auth).expect(200)).body.data.map((x: { id: string }) => x.id)).not.toContain(c.id);
    });

    it('lets a viewer read everything under the case but write nothing (403)', async () => {
      const c = await aStaffedCase(t, cast);
      const base = `/cases/${c.id}`;
      for (const path of [base, `${base}/members`, `${base}/notes`, `${base}/tasks`, `${base}/timeline`]) await get(path, cast.viewer.auth).expect(200);
      const note = await t.http().post(`${API}${base}/notes`).set('Authorization', cast.member.auth).send({ body: 'x' }).expect(201);
      const task = await t.http().post(`${API}${base}/tasks`).set('Authorization', cast.member.auth).send({ title: 'x' }).expect(201);
      const writes = [
        t.http().post(`${API}${base}/notes`).send({ body: 'x' }),
        t.http().patch(`${API}${base}/notes/${note.body.id}`).set('If-Match', 'W/"1"').send({ body: 'y' }),
        t.http().post(`${API}${base}/tasks`).send({ title: 'x' }),
        t.http().patch(`${API}${base}/tasks/${task.body.id}`).set('If-Match', 'W/"1"').send({ status: 'done' }),
        t.http().post(`${API}${base}/members`).send({ userId: cast.outsider.id, role: 'viewer' }),
        t.http().patch(`${API}${base}`).set('If-Match', 'W/"1"').send({ title: 'x' }),
      ];
      for (const w of writes) expect((await w.set('Authorization', cast.viewer.auth)).status).toBe(403);
    });
  });
});
