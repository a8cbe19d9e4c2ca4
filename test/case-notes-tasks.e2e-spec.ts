import { auditRecords } from './support/actors';
import { aCast, aStaffedCase, Cast } from './support/cases';
import { createTestApp, TestApp } from './support/test-app';

const API = '/api/v1';

describe('notes, tasks, timeline and my work', () => {
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
  const post = (path: string, auth: string, body: object) => t.http().post(`${API}${path}`).set('Authorization', auth).send(body);
  const patch = (path: string, auth: string, version: number | undefined, body: object) => {
    const req = t.http().patch(`${API}${path}`).set('Authorization', auth);
    return (version === undefined ? req : req.set('If-Match', `W/"${version}"`)).send(body);
  };
  const ids = (res: { body: { data: { id: string }[] } }) => res.body.data.map((x) => x.id);

  describe('notes', () => {
    it('are appended by members and supervisors, not by viewers (403) or analysts (no case:write)', async () => {
      const c = await aStaffedCase(t, cast);
      const res = await post(`/cases/${c.id}/notes`, cast.member.auth, { body: 'Host of a laptop farm identified.' }).expect(201);
      expect(res.body).toMatchObject({ caseId: c.id, authorId: cast.member.id, body: 'Host of a laptop farm identified.', editedAt: null, version: 1 });
      expect(res.headers.etag).toBe('W/"1"');
      await post(`/cases/${c.id}/notes`, cast.supervisor.auth, { body: 'Reviewed.' }).expect(201);
      expect((await post(`/cases/${c.id}/notes`, cast.viewer.auth, { body: 'x' }).expect(403)).body.type).toBe('urn:casefile:problem:read-only-member');
      await post(`/cases/${c.id}/notes`, cast.analyst.auth, { body: 'x' }).expect(403);
      const [record] = await auditRecords(t, { action: 'note.create', resourceId: res.body.id });
      expect(record).toMatchObject({ outcome: 'success', case_id: c.id, changes: { body: { before: null, after: 'Host of a laptop farm identified.' } } });
      // Activity moved the case up.
      expect((await get(`/cases/${c.id}`, cast.lead.auth)).body.lastActivityAt >= res.body.createdAt).toBe(true);
    });

    it('refuses bad input: unknown and read-only fields, an empty or oversized body, NUL bytes', async () => {
      const c = await aStaffedCase(t, cast);
      for (const body of [{ body: 'x', authorId: cast.lead.id }, { body: 'x', id: c.id }, { body: '' }, { body: 'x'.repeat(20_001) }, { body: 'a\u0000' }, {}, { body: 42 }]) {
        await post(`/cases/${c.id}/notes`, cast.lead.auth, body).expect(400);
      }
    });

    it('lists newest first in keyset pages and records the read (note.list)', async () => {
      const c = await aStaffedCase(t, cast);
      const made: string[] = [];
      for (let i = 0; i < 5; i++) made.push((await post(`/cases/${c.id}/notes`, cast.lead.auth, { body: `note ${i}` }).expect(201)).body.id);
      const first = await get(`/cases/${c.id}/notes?limit=2`, cast.viewer.auth).expect(200);
      const second = await get(`/cases/${c.id}/notes?limit=2&cursor=${first.body.nextCursor}`, cast.viewer.auth).expect(200);
      const third = await get(`/cases/${c.id}/notes?limit=2&cursor=${second.body.nextCursor}`, cast.viewer.auth).expect(200);
      expect([...ids(first), ...ids(second), ...ids(third)]).toEqual([...made].reverse());
      expect(third.body.nextCursor).toBeNull();
      const [record] = await auditRecords(t, { requestId: first.headers['x-request-id'] });
      expect(record).toMatchObject({ action: 'note.list', outcome: 'success', case_id: c.id, details: expect.objectContaining({ count: 2 }) });
      // A cursor of another case's notes, or of another list, is a 400.
      const other = await aStaffedCase(t, cast);
      await get(`/cases/${other.id}/notes?cursor=${first.body.nextCursor}`, cast.lead.auth).expect(400);
      const members = await get(`/cases/${c.id}/members?limit=1`, cast.lead.auth).expect(200);
      expect((await get(`/cases/${c.id}/notes?cursor=${members.body.nextCursor}`, cast.lead.auth).expect(400)).body.detail).toMatch(/another list/);
      const one = await get(`/cases/${c.id}/notes/${made[0]}`, cast.viewer.auth).expect(200);
      expect(one.headers.etag).toBe('W/"1"');
      await get(`/cases/${other.id}/notes/${made[0]}`, cast.lead.auth).expect(404);
    });

    it('lets the author edit their own note with If-Match: editedAt and version change, the earlier text stays in the audit trail', async () => {
      const c = await aStaffedCase(t, cast);
      const note = (await post(`/cases/${c.id}/notes`, cast.member.auth, { body: 'first text' }).expect(201)).body;
      await patch(`/cases/${c.id}/notes/${note.id}`, cast.member.auth, undefined, { body: 'second text' }).expect(428);
      const notAuthor = await patch(`/cases/${c.id}/notes/${note.id}`, cast.lead.auth, 1, { body: 'hijack' }).expect(403);
      expect(notAuthor.body.type).toBe('urn:casefile:problem:not-note-author');
      await patch(`/cases/${c.id}/notes/${note.id}`, cast.supervisor.auth, 1, { body: 'hijack' }).expect(403);
      const edited = await patch(`/cases/${c.id}/notes/${note.id}`, cast.member.auth, 1, { body: 'second text' }).expect(200);
      expect(edited.body).toMatchObject({ body: 'second text', version: 2, editedAt: expect.any(String) });
      expect(edited.headers.etag).toBe('W/"2"');
      await patch(`/cases/${c.id}/notes/${note.id}`, cast.member.auth, 1, { body: 'third text' }).expect(412);
      await patch(`/cases/${c.id}/notes/${note.id}`, cast.member.auth, 2, { body: 'third', version: 3 }).expect(400);
      const [record] = (await auditRecords(t, { action: 'note.update', resourceId: note.id })).filter((r) => r.outcome === 'success');
      expect(record.changes).toEqual({ body: { before: 'first text', after: 'second text' } });
      await patch(`/cases/${c.id}/notes/0190aaaa-0000-7000-8000-000000000000`, cast.member.auth, 1, { body: 'x' }).expect(404);
    });

    it('has no route to delete a note', async () => {
      const c = await aStaffedCase(t, cast);
      const note = (await post(`/cases/${c.id}/notes`, cast.lead.auth, { body: 'kept' }).expect(201)).body;
      expect([404, 405]).toContain((await t.http().delete(`${API}/cases/${c.id}/notes/${note.id}`).set('Authorization', cast.lead.auth).set('If-Match', 'W/"1"')).status);
    });
  });

  describe('tasks', () => {
    it('are created with an assignee who is a member (422 otherwise) and a real due date (400 naming dueDate otherwise)', async () => {
      const c = await aStaffedCase(t, cast);
      const res = await post(`/cases/${c.id}/tasks`, cast.lead.auth, { title: 'Subpoena the payment platform', description: 'wallet owners', assigneeId: cast.member.id, dueDate: '2030-03-31' }).expect(201);
      expect(res.body).toMatchObject({ caseId: c.id, title: 'Subpoena the payment platform', assigneeId: cast.member.id, dueDate: '2030-03-31', status: 'open', overdue: false, version: 1 });
      const outsider = await post(`/cases/${c.id}/tasks`, cast.lead.auth, { title: 'x', assigneeId: cast.outsider.id }).expect(422);
      expect(outsider.body).toMatchObject({ type: 'urn:casefile:problem:assignee-not-member', errors: [expect.objectContaining({ field: 'assigneeId' })] });
      for (const dueDate of ['tomorrow', '2025-02-30', '2025-13-01', '31/03/2025', '2025-03-31T10:00:00Z', '9999-01-01', 20250331]) {
        const bad = await post(`/cases/${c.id}/tasks`, cast.lead.auth, { title: 'x', dueDate }).expect(400);
        expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'dueDate', message: expect.stringMatching(/dueDate must be a date/) })]);
      }
      for (const body of [{ title: 'x', status: 'done' }, { title: 'x', id: c.id }, { title: 'x', createdBy: cast.lead.id }, { title: '' }, { title: 'x', assigneeId: 'nobody' }]) {
        await post(`/cases/${c.id}/tasks`, cast.lead.auth, body).expect(400);
      }
      const [record] = await auditRecords(t, { action: 'task.create', resourceId: res.body.id });
      expect(record).toMatchObject({ outcome: 'success', case_id: c.id });
    });

    it('list by due date (none last) with filters status, assignee and overdue', async () => {
      const c = await aStaffedCase(t, cast);
      const make = async (title: string, body: object = {}) => (await post(`/cases/${c.id}/tasks`, cast.lead.auth, { title, ...body }).expect(201)).body;
      const late = await make('late', { dueDate: '2020-01-01', assigneeId: cast.member.id });
      const soon = await make('soon', { dueDate: '2099-01-01', assigneeId: cast.lead.id });
      const whenever = await make('whenever');
      const done = await make('done', { dueDate: '2019-01-01' });
      await patch(`/cases/${c.id}/tasks/${done.id}`, cast.lead.auth, 1, { status: 'done' }).expect(200);
      expect(ids(await get(`/cases/${c.id}/tasks`, cast.viewer.auth).expect(200))).toEqual([done.id, late.id, soon.id, whenever.id]);
      expect(ids(await get(`/cases/${c.id}/tasks?status=open`, cast.viewer.auth).expect(200))).toEqual([late.id, soon.id, whenever.id]);
      expect(ids(await get(`/cases/${c.id}/tasks?assigneeId=${cast.member.id}`, cast.viewer.auth).expect(200))).toEqual([late.id]);
      const overdue = await get(`/cases/${c.id}/tasks?overdue=true`, cast.viewer.auth).expect(200);
      expect(overdue.body.data).toEqual([expect.objectContaining({ id: late.id, overdue: true })]);
      expect(ids(await get(`/cases/${c.id}/tasks?overdue=false`, cast.viewer.auth).expect(200))).toEqual([done.id, soon.id, whenever.id]);
      const page1 = await get(`/cases/${c.id}/tasks?limit=3`, cast.viewer.auth).expect(200);
      expect(ids(await get(`/cases/${c.id}/tasks?limit=3&cursor=${page1.body.nextCursor}`, cast.viewer.auth).expect(200))).toEqual([whenever.id]);
      await get(`/cases/${c.id}/tasks?overdue=yes`, cast.viewer.auth).expect(400);
      await get(`/cases/${c.id}/tasks?status=late`, cast.viewer.auth).expect(400);
      await get(`/cases/${c.id}/tasks?assignee=${cast.member.id}`, cast.viewer.auth).expect(400);
      const [record] = await auditRecords(t, { requestId: page1.headers['x-request-id'] });
      expect(record).toMatchObject({ action: 'task.list', case_id: c.id });
    });

    it('change with If-Match (428 without, 412 stale); the assignee stays a member; viewers cannot', async () => {
      const c = await aStaffedCase(t, cast);
      const task = (await post(`/cases/${c.id}/tasks`, cast.lead.auth, { title: 'trace wallets' }).expect(201)).body;
      await patch(`/cases/${c.id}/tasks/${task.id}`, cast.member.auth, undefined, { status: 'done' }).expect(428);
      const changed = await patch(`/cases/${c.id}/tasks/${task.id}`, cast.member.auth, 1, { assigneeId: cast.analyst.id, dueDate: '2031-01-15', description: 'chainalysis' }).expect(200);
      expect(changed.body).toMatchObject({ assigneeId: cast.analyst.id, dueDate: '2031-01-15', description: 'chainalysis', version: 2 });
      expect(changed.headers.etag).toBe('W/"2"');
      await patch(`/cases/${c.id}/tasks/${task.id}`, cast.member.auth, 1, { status: 'done' }).expect(412);
      await patch(`/cases/${c.id}/tasks/${task.id}`, cast.member.auth, 2, { assigneeId: cast.outsider.id }).expect(422);
      await patch(`/cases/${c.id}/tasks/${task.id}`, cast.member.auth, 2, { dueDate: '2031-02-30' }).expect(400);
      await patch(`/cases/${c.id}/tasks/${task.id}`, cast.member.auth, 2, { status: 'finished' }).expect(400);
      await patch(`/cases/${c.id}/tasks/${task.id}`, cast.member.auth, 2, { title: null }).expect(400);
      await patch(`/cases/${c.id}/tasks/${task.id}`, cast.viewer.auth, 2, { status: 'done' }).expect(403);
      const cleared = await patch(`/cases/${c.id}/tasks/${task.id}`, cast.member.auth, 2, { assigneeId: null, dueDate: null, status: 'cancelled' }).expect(200);
      expect(cleared.body).toMatchObject({ assigneeId: null, dueDate: null, status: 'cancelled', version: 3 });
      const records = (await auditRecords(t, { action: 'task.update', resourceId: task.id })).filter((r) => r.outcome === 'success');
      expect(records.at(-1)!.changes).toEqual({ assigneeId: { before: cast.analyst.id, after: null }, dueDate: { before: '2031-01-15', after: null }, status: { before: 'open', after: 'cancelled' } });
      const one = await get(`/cases/${c.id}/tasks/${task.id}`, cast.viewer.auth).expect(200);
      expect(one.headers.etag).toBe('W/"3"');
    });
  });

  describe('timeline', () => {
    it('shows members the changes newest first; the lead and supervisors also see reads and denied attempts', async () => {
      const c = await aStaffedCase(t, cast);
      await post(`/cases/${c.id}/notes`, cast.member.auth, { body: 'a note' }).expect(201);
      await get(`/cases/${c.id}`, cast.viewer.auth).expect(200);
      await get(`/cases/${c.id}`, cast.outsider.auth).expect(404);
      const member = await get(`/cases/${c.id}/timeline`, cast.member.auth).expect(200);
      const actions = member.body.data.map((e: { action: string }) => e.action);
      expect(actions).toEqual(['note.create', 'member.add', 'member.add', 'member.add', 'case.create']);
      expect(member.body.data[0]).toMatchObject({ actor: { kind: 'user', id: cast.member.id }, resourceType: 'note', outcome: 'success', changes: { body: { before: null, after: 'a note' } } });
      expect(member.body.data[0]).not.toHaveProperty('sourceIp');
      for (const full of [cast.lead, cast.supervisor]) {
        const res = await get(`/cases/${c.id}/timeline`, full.auth).expect(200);
        const entries = res.body.data.map((e: { action: string; outcome: string }) => `${e.action}:${e.outcome}`);
        expect(entries).toEqual(expect.arrayContaining(['case.read:denied', 'case.read:success', 'timeline.read:success', 'note.create:success']));
      }
      const page = await get(`/cases/${c.id}/timeline?limit=2`, cast.member.auth).expect(200);
      const next = await get(`/cases/${c.id}/timeline?limit=2&cursor=${page.body.nextCursor}`, cast.member.auth).expect(200);
      expect(next.body.data.map((e: { action: string }) => e.action)).toEqual(['member.add', 'member.add']);
      const notes = await get(`/cases/${c.id}/notes?limit=1`, cast.member.auth).expect(200);
      await post(`/cases/${c.id}/notes`, cast.member.auth, { body: 'another' }).expect(201);
      const notesPage = await get(`/cases/${c.id}/notes?limit=1`, cast.member.auth).expect(200);
      expect(notes.body.data).toHaveLength(1);
      await get(`/cases/${c.id}/timeline?cursor=${notesPage.body.nextCursor}`, cast.member.auth).expect(400);
      await get(`/cases/${c.id}/timeline`, cast.outsider.auth).expect(404);
    });
  });

  describe('my work', () => {
    it('gives me/tasks my open tasks on my cases by due date, and forgets a case I was removed from', async () => {
      const me = await aCast(t);
      const c1 = await aStaffedCase(t, me);
      const c2 = await aStaffedCase(t, me);
      const mk = async (caseId: string, title: string, dueDate: string | null) => (await post(`/cases/${caseId}/tasks`, me.lead.auth, { title, assigneeId: me.member.id, dueDate }).expect(201)).body;
      const b = await mk(c1.id, 'b', '2031-05-01');
      const a = await mk(c2.id, 'a', '2030-01-01');
      const none = await mk(c1.id, 'none', null);
      const closed = await mk(c2.id, 'closed', '2029-01-01');
      await patch(`/cases/${c2.id}/tasks/${closed.id}`, me.lead.auth, 1, { status: 'done' }).expect(200);
      await post(`/cases/${c1.id}/tasks`, me.lead.auth, { title: 'not mine', assigneeId: me.lead.id }).expect(201);
      const res = await get('/me/tasks', me.member.auth).expect(200);
      expect(ids(res)).toEqual([a.id, b.id, none.id]);
      expect(res.body.data[0]).toMatchObject({ caseId: c2.id, caseNumber: c2.caseNumber });
      const p1 = await get('/me/tasks?limit=2', me.member.auth).expect(200);
      expect(ids(await get(`/me/tasks?limit=2&cursor=${p1.body.nextCursor}`, me.member.auth).expect(200))).toEqual([none.id]);
      const [record] = await auditRecords(t, { requestId: res.headers['x-request-id'] });
      expect(record).toMatchObject({ action: 'task.list', details: expect.objectContaining({ view: 'me', count: 3 }) });
      await t.http().delete(`${API}/cases/${c2.id}/members/${me.member.id}`).set('Authorization', me.lead.auth).set('If-Match', 'W/"1"').expect(204);
      expect(ids(await get('/me/tasks', me.member.auth).expect(200))).toEqual([b.id, none.id]);
      expect(ids(await get('/me/cases', me.member.auth).expect(200))).toEqual([c1.id]);
      await get('/me/tasks?status=open', me.member.auth).expect(400);
    });
  });
});
