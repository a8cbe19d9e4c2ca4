import { AuditService } from '../src/audit/audit.service';
import { auditRecords } from './support/actors';
import { createTestApp } from './support/test-app';

describe('first run', () => {
  it('creates admin with a random password printed once to the console, never to the JSON log', async () => {
    const printed: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    });
    // An env value of '' counts as unset: no BOOTSTRAP_ADMIN_PASSWORD.
    const t = await createTestApp({ env: { BOOTSTRAP_ADMIN_PASSWORD: '' } });
    spy.mockRestore();
    try {
      const banner = printed.join('');
      const password = /password\n\n\s+(\S+)\n/.exec(banner)?.[1];
      expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
      expect(t.rawLogs()).not.toContain(password);
      await t.http().post('/api/v1/auth/login').send({ username: 'admin', password }).expect(200);
      await t.http().post('/api/v1/auth/login').send({ username: 'admin', password: 'bootstrap-admin-password-for-tests' }).expect(401);
      const [record] = await auditRecords(t, { action: 'user.bootstrap' });
      expect(record).toMatchObject({ actor_kind: 'system', outcome: 'success' });
      expect(JSON.stringify(record)).not.toContain(password);
    } finally {
      await t.close();
    }
  });

  it('refuses to start with a weak BOOTSTRAP_ADMIN_PASSWORD, saying why', async () => {
    await expect(createTestApp({ env: { BOOTSTRAP_ADMIN_PASSWORD: 'password1234' } })).rejects.toThrow(/BOOTSTRAP_ADMIN_PASSWORD is refused: it is on the list of common passwords/);
  });

  it('does not create a second admin on the next start, and offers a case timeline from the audit trail', async () => {
    const first = await createTestApp();
    const second = await createTestApp({ sharedDatabaseUrl: first.databaseUrl });
    try {
      const [{ n }] = await second.dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM app_user WHERE username = 'admin'`);
      expect(n).toBe(1);
      const caseId = '0190aaaa-0000-7000-8000-0000000000c1';
      await first.dataSource.query(`INSERT INTO audit_event (actor_kind, action, outcome, case_id) VALUES ('system', 'case.create', 'success', $1), ('system', 'case.update', 'success', $1)`, [caseId]);
      const timeline = await first.app.get(AuditService).timeline(caseId, 1);
      expect(timeline.data.map((r) => r.action)).toEqual(['case.update']);
      const rest = await first.app.get(AuditService).timeline(caseId, 1, timeline.nextCursor!);
      expect(rest.data.map((r) => r.action)).toEqual(['case.create']);
      expect(rest.nextCursor).toBeNull();
    } finally {
      await second.close();
      await first.close();
    }
  });
});
