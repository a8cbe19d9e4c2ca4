import { SYSTEM_CONTEXT } from '../src/audit/audit-trail.service';
import { AccessService } from '../src/access/access.service';
import { INACTIVE_ACCOUNTS_LOCK, UsersJobs } from '../src/users/users.jobs';
import { newId } from '../src/database/ids';
import { auditRecords, signedIn } from './support/actors';
import { aCase, addMember } from './support/cases';
import { createTestApp, TestApp } from './support/test-app';

describe('scheduled housekeeping', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('disables accounts unused for 90 days (their tokens stop at once) and audits each as the system', async () => {
    const stale = await signedIn(t, ['analyst']);
    const fresh = await signedIn(t, ['analyst']);
    await t.dataSource.query(`UPDATE app_user SET last_seen_at = now() - interval '91 days' WHERE id = $1`, [stale.id]);
    const disabled = await t.app.get(UsersJobs).disableInactiveAccounts();
    expect(disabled).toEqual([stale.id]);
    await t.http().get('/api/v1/auth/me').set('Authorization', stale.auth).expect(401);
    await t.http().get('/api/v1/auth/me').set('Authorization', fresh.auth).expect(200);
    const [record] = await auditRecords(t, { action: 'user.disable', resourceId: stale.id });
    expect(record).toMatchObject({ actor_kind: 'system', outcome: 'success' });
    expect(record.details).toEqual({ reason: 'unused for 90 days' });
  });

  it('runs on one replica at a time (advisory lock): a second runner skips', async () => {
    const locker = t.dataSource.createQueryRunner();
    await locker.connect();
    await locker.startTransaction();
    try {
      await locker.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [INACTIVE_ACCOUNTS_LOCK]);
      expect(await t.app.get(UsersJobs).disableInactiveAccounts()).toBeUndefined();
    } finally {
      await locker.rollbackTransaction();
      await locker.release();
    }
  });
});

describe('need-to-know seam', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers, in one query, the cases a principal may see: members and supervisors only', async () => {
    const access = t.app.get(AccessService);
    const member = await signedIn(t, ['investigator']);
    const analyst = await signedIn(t, ['analyst']);
    const supervisor = await signedIn(t, ['supervisor']);
    const intake = await signedIn(t, ['intake']);
    // case_member refers to real cases: A led by the member; B led by the member with the analyst as viewer; C does not exist.
    const caseA = (await aCase(t, member)).id as string;
    const caseB = (await aCase(t, supervisor, { leadInvestigatorId: member.id })).id as string;
    await addMember(t, caseB, supervisor, analyst, 'viewer');
    const caseC = newId();
    const principal = (u: { id: string; roles: string[] }) => ({ kind: 'user' as const, id: u.id, roles: u.roles as never });
    expect(await access.visible(principal(member), 'case', [caseA, caseB, caseC])).toEqual(new Set([caseA, caseB]));
    expect(await access.visible(principal(analyst), 'case', [caseA, caseB, caseC])).toEqual(new Set([caseB]));
    expect(await access.visible(principal(supervisor), 'case', [caseA, caseB, caseC])).toEqual(new Set([caseA, caseB, caseC]));
    expect(await access.visible(principal(intake), 'case', [caseA, caseB])).toEqual(new Set());
    expect(await access.visible({ kind: 'integration', id: newId(), roles: [] }, 'case', [caseA])).toEqual(new Set());
  });

  it('answers 404 for a case the caller may not see, and audits the attempt as denied', async () => {
    const access = t.app.get(AccessService);
    const outsider = await signedIn(t, ['investigator']);
    const caseId = newId();
    const ctx = { ...SYSTEM_CONTEXT, requestId: 'req-need-to-know', principal: { kind: 'user' as const, id: outsider.id, roles: outsider.roles } };
    await expect(access.requireAccess(ctx, 'case', [caseId], { action: 'case.read' })).rejects.toMatchObject({ status: 404 });
    const [record] = await auditRecords(t, { requestId: 'req-need-to-know' });
    expect(record).toMatchObject({ action: 'case.read', outcome: 'denied', case_id: caseId, actor_id: outsider.id });
  });
});
