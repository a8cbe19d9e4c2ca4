import { newId } from '../src/database/ids';
import { auditRecords, signedIn } from './support/actors';
import { aCast, aStaffedCase, Cast } from './support/cases';
import { createTestApp, TestApp } from './support/test-app';

describe('cases and the registry', () => {
  let t: TestApp;
  let cast: Cast;
  let caseId: string;
  let otherCaseId: string;
  let subjectId: string;
  let organizationId: string;

  beforeAll(async () => {
    t = await createTestApp();
    cast = await aCast(t);
    caseId = (await aStaffedCase(t, cast)).id as string;
    otherCaseId = (await aStaffedCase(t, cast, { title: 'A second case the member is not on' })).id as string;
    const analyst = await signedIn(t, ['analyst']);
    subjectId = (await t.http().post('/api/v1/subjects').set('Authorization', analyst.auth).send({ fullName: 'Unnamed defendant 3', status: 'charged' }).expect(201)).body.id;
    organizationId = (await t.http().post('/api/v1/organizations').set('Authorization', analyst.auth).send({ name: 'Yanbian Silverstar', kind: 'front_company', country: 'CN' }).expect(201)).body.id;
  });
  afterAll(async () => {
    await t.close();
  });

  it('links a subject and an organization to a case (members other than viewers), lists them with their names, and audits both', async () => {
    const linked = await t.http().post(`/api/v1/cases/${caseId}/subjects`).set('Authorization', cast.member.auth).send({ subjectId, reason: 'named in the indictment' }).expect(201);
    expect(linked.body).toMatchObject({ caseId, type: 'subject', entityId: subjectId, label: 'Unnamed defendant 3', reason: 'named in the indictment', addedBy: cast.member.id, version: 1 });
    await t.http().post(`/api/v1/cases/${caseId}/organizations`).set('Authorization', cast.lead.auth).send({ organizationId }).expect(201);
    const subjects = await t.http().get(`/api/v1/cases/${caseId}/subjects`).set('Authorization', cast.viewer.auth).expect(200);
    expect(subjects.body.data.map((s: { entityId: string }) => s.entityId)).toEqual([subjectId]);
    const organizations = await t.http().get(`/api/v1/cases/${caseId}/organizations`).set('Authorization', cast.analyst.auth).expect(200);
    expect(organizations.body.data[0]).toMatchObject({ entityId: organizationId, label: 'Yanbian Silverstar' });
    expect(await auditRecords(t, { action: 'case-subject.link', resourceId: subjectId })).toHaveLength(1);
    expect((await auditRecords(t, { action: 'case-subject.list', actorId: cast.viewer.id })).length).toBeGreaterThan(0);
  });

  it('refuses a viewer (403), a link twice (409), an entity that is not in the registry (422) and unknown fields (400)', async () => {
    await t.http().post(`/api/v1/cases/${caseId}/subjects`).set('Authorization', cast.viewer.auth).send({ subjectId }).expect(403);
    const twice = await t.http().post(`/api/v1/cases/${caseId}/subjects`).set('Authorization', cast.lead.auth).send({ subjectId }).expect(409);
    expect(twice.body.type).toBe('urn:casefile:problem:registry-link-exists');
    const missing = await t.http().post(`/api/v1/cases/${caseId}/subjects`).set('Authorization', cast.lead.auth).send({ subjectId: newId() }).expect(422);
    expect(missing.body.errors).toEqual([{ field: 'subjectId', message: 'is not a subject of the registry' }]);
    await t.http().post(`/api/v1/cases/${caseId}/subjects`).set('Authorization', cast.lead.auth).send({ subjectId, caseId }).expect(400);
    await t.http().post(`/api/v1/cases/${caseId}/subjects`).set('Authorization', cast.lead.auth).send({ subjectId: 'not-a-uuid' }).expect(400);
  });

  it('hides the links of a case from everyone who may not see it (404, denied once)', async () => {
    for (const [method, path] of [
      ['get', `/api/v1/cases/${caseId}/subjects`],
      ['post', `/api/v1/cases/${caseId}/subjects`],
      ['delete', `/api/v1/cases/${caseId}/subjects/${subjectId}`],
      ['get', `/api/v1/cases/${caseId}/organizations`],
    ] as const) {
      const res = await t.http()[method](path).set('Authorization', cast.outsider.auth).set('If-Match', 'W/"1"').send(method === 'post' ? { subjectId } : undefined);
      expect([path, method, res.status]).toEqual([path, method, 404]);
      const denied = await auditRecords(t, { requestId: res.headers['x-request-id'] });
      expect(denied.map((r) => r.outcome)).toEqual(['denied']);
    }
  });

  it("lists a subject's cases only as far as the caller may see them, filtered in the query", async () => {
    await t.http().post(`/api/v1/cases/${otherCaseId}/subjects`).set('Authorization', cast.lead.auth).send({ subjectId }).expect(201);
    // The lead is on both cases; the outsider on none; a supervisor sees both.
    const forLead = await t.http().get(`/api/v1/subjects/${subjectId}/cases`).set('Authorization', cast.lead.auth).expect(200);
    expect(forLead.body.data.map((c: { id: string }) => c.id).sort()).toEqual([caseId, otherCaseId].sort());
    const forOutsider = await t.http().get(`/api/v1/subjects/${subjectId}/cases`).set('Authorization', cast.outsider.auth).expect(200);
    expect(forOutsider.body).toEqual({ data: [], nextCursor: null });
    const forSupervisor = await t.http().get(`/api/v1/subjects/${subjectId}/cases?limit=1`).set('Authorization', cast.supervisor.auth).expect(200);
    expect(forSupervisor.body.data).toHaveLength(1);
    const page2 = await t.http().get(`/api/v1/subjects/${subjectId}/cases?limit=1&cursor=${forSupervisor.body.nextCursor}`).set('Authorization', cast.supervisor.auth).expect(200);
    expect(page2.body.data).toHaveLength(1);
    expect(page2.body.data[0].id).not.toBe(forSupervisor.body.data[0].id);
    await t.http().get(`/api/v1/organizations/${organizationId}/cases?cursor=${forSupervisor.body.nextCursor}`).set('Authorization', cast.supervisor.auth).expect(400);
    const orgCases = await t.http().get(`/api/v1/organizations/${organizationId}/cases`).set('Authorization', cast.lead.auth).expect(200);
    expect(orgCases.body.data.map((c: { id: string }) => c.id)).toEqual([caseId]);
    await t.http().get(`/api/v1/subjects/${newId()}/cases`).set('Authorization', cast.lead.auth).expect(404);
    const intake = await signedIn(t, ['intake']);
    await t.http().get(`/api/v1/subjects/${subjectId}/cases`).set('Authorization', intake.auth).expect(403);
  });

  it('unlinks a subject with If-Match of its link; it stays in the registry', async () => {
    await t.http().delete(`/api/v1/cases/${otherCaseId}/subjects/${subjectId}`).set('Authorization', cast.lead.auth).set('If-Match', 'W/"1"').expect(204);
    const left = await t.http().get(`/api/v1/cases/${otherCaseId}/subjects`).set('Authorization', cast.lead.auth).expect(200);
    expect(left.body.data).toEqual([]);
    await t.http().get(`/api/v1/subjects/${subjectId}`).set('Authorization', cast.lead.auth).expect(200);
    expect((await auditRecords(t, { action: 'case-subject.unlink', resourceId: subjectId })).filter((r) => r.outcome === 'success')).toHaveLength(1);
  });

  it('unlinks with If-Match (428 without, 412 stale); the organization stays in the registry', async () => {
    await t.http().delete(`/api/v1/cases/${caseId}/organizations/${organizationId}`).set('Authorization', cast.member.auth).expect(428);
    await t.http().delete(`/api/v1/cases/${caseId}/organizations/${organizationId}`).set('Authorization', cast.member.auth).set('If-Match', 'W/"7"').expect(412);
    await t.http().delete(`/api/v1/cases/${caseId}/organizations/${organizationId}`).set('Authorization', cast.member.auth).set('If-Match', 'W/"1"').expect(204);
    await t.http().delete(`/api/v1/cases/${caseId}/organizations/${organizationId}`).set('Authorization', cast.member.auth).set('If-Match', 'W/"1"').expect(404);
    await t.http().get(`/api/v1/organizations/${organizationId}`).set('Authorization', cast.member.auth).expect(200);
    const records = await auditRecords(t, { action: 'case-organization.unlink', resourceId: organizationId });
    expect(records.map((r) => r.outcome)).toEqual(['error', 'success', 'denied']);
    expect(records[1].changes).toEqual({ organizationId: { before: organizationId, after: null }, reason: { before: null, after: null } });
  });

  it('finds cases in search by number and title words, only those the caller may see', async () => {
    const { caseNumber } = (await t.http().get(`/api/v1/cases/${caseId}`).set('Authorization', cast.lead.auth).expect(200)).body as { caseNumber: string };
    const byNumber = await t.http().get(`/api/v1/search?q=${caseNumber.toLowerCase()}&types=case`).set('Authorization', cast.member.auth).expect(200);
    expect(byNumber.body.data).toEqual([expect.objectContaining({ type: 'case', id: caseId, label: caseNumber, score: 1, why: `case number ${caseNumber}` })]);
    const byTitle = await t.http().get('/api/v1/search?q=second%20case&types=case').set('Authorization', cast.supervisor.auth).expect(200);
    expect(byTitle.body.data.map((h: { id: string }) => h.id)).toEqual([otherCaseId]);
    // The outsider is on neither case: search shows nothing, not even that they exist.
    for (const q of [caseNumber, 'Silverstar', 'second case']) {
      const res = await t.http().get(`/api/v1/search?q=${encodeURIComponent(q)}&types=case`).set('Authorization', cast.outsider.auth).expect(200);
      expect([q, res.body.data]).toEqual([q, []]);
    }
    const all = await t.http().get(`/api/v1/search?q=${caseNumber}`).set('Authorization', cast.member.auth).expect(200);
    expect(all.body.data.some((h: { type: string }) => h.type === 'case')).toBe(true);
  });
});
