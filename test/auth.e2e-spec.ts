import { createHmac } from 'node:crypto';
import { generateSync } from 'otplib';
import { ADMIN_PASSWORD, adminAuth, auditRecords, aUser, login, signedIn } from './support/actors';
import { createTestApp, TestApp } from './support/test-app';

function jwt(header: object, payload: object, secret: string): string {
  const enc = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  const body = `${enc(header)}.${enc(payload)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

describe('authentication and sessions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  describe('login', () => {
    it('signs in with the bootstrap admin and answers tokens; the success is audited', async () => {
      const res = await t.http().post('/api/v1/auth/login').send({ username: 'admin', password: ADMIN_PASSWORD }).expect(200);
      expect(res.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
      expect(res.body.accessToken.split('.')).toHaveLength(3);
      expect(res.body.refreshToken).toMatch(/^cfr_/);
      const me = await t.http().get('/api/v1/auth/me').set('Authorization', `Bearer ${res.body.accessToken}`).expect(200);
      expect(me.body).toMatchObject({ username: 'admin', roles: ['admin'], mfaEnabled: false });
      expect(me.body.permissions).toContain('user:admin');
      const records = await auditRecords(t, { action: 'auth.login.success', requestId: res.headers['x-request-id'] });
      expect(records).toHaveLength(1);
      expect(t.rawLogs()).not.toContain(res.body.refreshToken);
      expect(t.rawLogs()).not.toContain(ADMIN_PASSWORD);
    });

    it('answers an unknown user and a wrong password identically, and audits both', async () => {
      const user = await aUser(t);
      const unknown = await t.http().post('/api/v1/auth/login').send({ username: 'nobody.here', password: 'whatever-password-1' }).expect(401);
      const wrong = await t.http().post('/api/v1/auth/login').send({ username: user.username, password: 'whatever-password-1' }).expect(401);
      const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined });
      expect(strip(unknown.body)).toEqual(strip(wrong.body));
      expect(unknown.headers['content-type']).toMatch(/problem\+json/);
      const failed = await auditRecords(t, { action: 'auth.login.failed' });
      expect(failed.map((r) => r.details.reason)).toEqual(expect.arrayContaining(['unknown user', 'wrong password']));
      expect(JSON.stringify(failed)).not.toContain('whatever-password-1');
    });

    it('refuses a malformed login body before checking any password (400)', async () => {
      const res = await t.http().post('/api/v1/auth/login').send({ username: 'admin', password: ADMIN_PASSWORD, role: 'admin' }).expect(400);
      expect(res.body.errors).toEqual([{ field: 'role', message: 'is not an accepted field' }]);
      await t.http().post('/api/v1/auth/login').send({ username: 'admin' }).expect(400);
    });

    it('locks the account after five consecutive failures: the right password is refused until an admin unlocks', async () => {
      const user = await aUser(t);
      for (let i = 0; i < 5; i++) await t.http().post('/api/v1/auth/login').send({ username: user.username, password: `wrong-password-${i}x` }).expect(401);
      const sixth = await t.http().post('/api/v1/auth/login').send({ username: user.username, password: user.password }).expect(401);
      expect(sixth.body.detail).toContain('locked');
      expect(await auditRecords(t, { action: 'auth.lockout', resourceId: user.id })).toHaveLength(1);
      const admin = await adminAuth(t);
      const unlocked = await t.http().post(`/api/v1/users/${user.id}/unlock`).set('Authorization', admin).expect(200);
      expect(unlocked.body.status).toBe('active');
      await login(t, user.username, user.password);
    });

    it('resets the failure count on a successful sign-in (failures must be consecutive)', async () => {
      const user = await aUser(t);
      for (let round = 0; round < 2; round++) {
        for (let i = 0; i < 4; i++) await t.http().post('/api/v1/auth/login').send({ username: user.username, password: 'not-the-password!' }).expect(401);
        await login(t, user.username, user.password);
      }
    });
  });

  describe('tokens', () => {
    it('rotates the refresh token on each use; a reused one revokes the whole family', async () => {
      const user = await signedIn(t, ['analyst']);
      const r1 = await t.http().post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken }).expect(200);
      expect(r1.body.refreshToken).not.toBe(user.refreshToken);
      const r2 = await t.http().post('/api/v1/auth/refresh').send({ refreshToken: r1.body.refreshToken }).expect(200);
      // An attacker replays the first token: refused, and every token of the session dies.
      await t.http().post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken }).expect(401);
      await t.http().post('/api/v1/auth/refresh').send({ refreshToken: r2.body.refreshToken }).expect(401);
      await t.http().get('/api/v1/auth/me').set('Authorization', `Bearer ${r2.body.accessToken}`).expect(401);
      expect(await auditRecords(t, { action: 'auth.refresh.reuse', actorId: user.id })).toHaveLength(1);
    });

    it('ends a session at logout: its access and refresh tokens stop working', async () => {
      const user = await signedIn(t, ['analyst']);
      await t.http().post('/api/v1/auth/logout').set('Authorization', user.auth).expect(204);
      await t.http().get('/api/v1/auth/me').set('Authorization', user.auth).expect(401);
      await t.http().post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken }).expect(401);
      expect(await auditRecords(t, { action: 'auth.logout', actorId: user.id })).toHaveLength(1);
    });

    it('ends an idle session after 30 minutes and any session after 12 hours', async () => {
      const idle = await signedIn(t, ['analyst']);
      await t.dataSource.query(`UPDATE auth_session SET last_used_at = now() - interval '31 minutes' WHERE user_id = $1`, [idle.id]);
      await t.http().get('/api/v1/auth/me').set('Authorization', idle.auth).expect(401);
      await t.http().post('/api/v1/auth/refresh').send({ refreshToken: idle.refreshToken }).expect(401);
      const old = await signedIn(t, ['analyst']);
      await t.dataSource.query(`UPDATE auth_session SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [old.id]);
      await t.http().get('/api/v1/auth/me').set('Authorization', old.auth).expect(401);
    });

    it('refuses tampered JWTs: alg none, another key, another audience, expired, and a challenge token used as access', async () => {
      const user = await signedIn(t, ['analyst']);
      const [, payloadPart] = user.accessToken.split('.');
      const claims = JSON.parse(Buffer.from(payloadPart, 'base64url').toString()) as Record<string, unknown>;
      const secret = t.config.secrets.jwtSecret;
      const now = Math.floor(Date.now() / 1000);
      const forged = [
        `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payloadPart}.`,
        jwt({ alg: 'HS256', typ: 'JWT' }, claims, 'another-secret-another-secret-another-secret'),
        jwt({ alg: 'HS256', typ: 'JWT' }, { ...claims, aud: 'someone-else' }, secret),
        jwt({ alg: 'HS256', typ: 'JWT' }, { ...claims, iat: now - 3600, exp: now - 60 }, secret),
        jwt({ alg: 'HS256', typ: 'JWT' }, { ...claims, typ: 'mfa' }, secret),
        jwt({ alg: 'HS256', typ: 'JWT' }, { ...claims, sub: '0190aaaa-0000-7000-8000-000000000000' }, secret),
      ];
      // Sanity: our own re-signing of the untouched claims is accepted, so each refusal is for its tampering.
      await t.http().get('/api/v1/auth/me').set('Authorization', `Bearer ${jwt({ alg: 'HS256', typ: 'JWT' }, claims, secret)}`).expect(200);
      for (const token of forged) {
        const res = await t.http().get('/api/v1/auth/me').set('Authorization', `Bearer ${token}`);
        expect(res.status).toBe(401);
      }
      await t.http().get('/api/v1/auth/me').set('Authorization', 'Bearer not.a.jwt').expect(401);
      await t.http().get('/api/v1/auth/me').expect(401);
    });
  });

  describe('password change', () => {
    it('needs the current password, applies the policy, refuses unknown fields, and ends the other sessions', async () => {
      const user = await signedIn(t, ['investigator']);
      const other = await login(t, user.username, user.password);
      await t.http().post('/api/v1/auth/password').set('Authorization', user.auth).send({ currentPassword: user.password, newPassword: 'violet-harbour-lantern-43', roles: ['admin'] }).expect(400);
      await t.http().post('/api/v1/auth/password').set('Authorization', user.auth).send({ currentPassword: 'wrong-current-pw!', newPassword: 'violet-harbour-lantern-43' }).expect(422);
      const weak = await t.http().post('/api/v1/auth/password').set('Authorization', user.auth).send({ currentPassword: user.password, newPassword: 'password1234' }).expect(422);
      expect(weak.body.detail).toMatch(/common/);
      await t.http().post('/api/v1/auth/password').set('Authorization', user.auth).send({ currentPassword: user.password, newPassword: 'violet-harbour-lantern-43' }).expect(204);
      await t.http().get('/api/v1/auth/me').set('Authorization', user.auth).expect(200);
      await t.http().get('/api/v1/auth/me').set('Authorization', `Bearer ${other.accessToken}`).expect(401);
      await t.http().post('/api/v1/auth/login').send({ username: user.username, password: user.password }).expect(401);
      await login(t, user.username, 'violet-harbour-lantern-43');
      const [record] = await auditRecords(t, { action: 'auth.password.change', actorId: user.id }).then((r) => r.filter((x) => x.outcome === 'success'));
      expect(record.changes).toEqual({ passwordHash: { before: '[REDACTED]', after: '[REDACTED]' } });
    });
  });

  describe('second factor (TOTP)', () => {
    it('enrols, confirms, then asks for a code at sign-in; a code is accepted once', async () => {
      const user = await signedIn(t, ['supervisor']);
      const enrol = await t.http().post('/api/v1/auth/mfa/enrol').set('Authorization', user.auth).send({ password: user.password }).expect(200);
      expect(enrol.body.otpauthUri).toMatch(/^otpauth:\/\/totp\/Casefile:/);
      const secret = enrol.body.secret as string;
      await t.http().post('/api/v1/auth/mfa/confirm').set('Authorization', user.auth).send({ code: '000000' }).expect(422);
      await t.http().post('/api/v1/auth/mfa/confirm').set('Authorization', user.auth).send({ code: generateSync({ secret }) }).expect(204);
      const stored = await t.dataSource.query<{ totp_secret: string }[]>('SELECT totp_secret FROM app_user WHERE id = $1', [user.id]);
      expect(stored[0].totp_secret).toMatch(/^v1\./);
      expect(stored[0].totp_secret).not.toContain(secret);

      const challenge = await t.http().post('/api/v1/auth/login').send({ username: user.username, password: user.password }).expect(200);
      expect(challenge.body).toEqual({ kind: 'mfa-challenge', mfaRequired: true, challengeToken: expect.any(String) });
      // The code used to confirm enrolment was spent: the same time step cannot sign in.
      const sameCode = generateSync({ secret });
      await t.http().post('/api/v1/auth/mfa/verify').send({ challengeToken: challenge.body.challengeToken, code: sameCode }).expect(401);
      const nextStep = generateSync({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });
      const tokens = await t.http().post('/api/v1/auth/mfa/verify').send({ challengeToken: challenge.body.challengeToken, code: nextStep }).expect(200);
      await t.http().get('/api/v1/auth/me').set('Authorization', `Bearer ${tokens.body.accessToken}`).expect(200);
      await t.http().post('/api/v1/auth/mfa/verify').send({ challengeToken: challenge.body.challengeToken, code: nextStep }).expect(401);
      await t.http().post('/api/v1/auth/mfa/verify').send({ challengeToken: 'forged.challenge.token', code: nextStep }).expect(401);
      await t.http().post('/api/v1/auth/mfa/verify').send({ challengeToken: challenge.body.challengeToken, code: 'abc' }).expect(400);
      expect((await auditRecords(t, { action: 'auth.mfa.failed', actorId: user.id })).length).toBeGreaterThanOrEqual(2);
    });

    it('limits wrong codes per user (429 after five)', async () => {
      const user = await signedIn(t, ['analyst']);
      const { secret } = (await t.http().post('/api/v1/auth/mfa/enrol').set('Authorization', user.auth).send({ password: user.password }).expect(200)).body as { secret: string };
      await t.http().post('/api/v1/auth/mfa/confirm').set('Authorization', user.auth).send({ code: generateSync({ secret }) }).expect(204);
      const { challengeToken } = (await t.http().post('/api/v1/auth/login').send({ username: user.username, password: user.password }).expect(200)).body as { challengeToken: string };
      for (let i = 0; i < 5; i++) await t.http().post('/api/v1/auth/mfa/verify').send({ challengeToken, code: '000000' }).expect(401);
      const limited = await t.http().post('/api/v1/auth/mfa/verify').send({ challengeToken, code: '000000' }).expect(429);
      expect(limited.headers['retry-after']).toBeDefined();
    });
  });
});

describe('authentication with MFA_REQUIRED and tight login rate limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { MFA_REQUIRED: 'true', LOGIN_RATE_LIMIT_PER_IP: '1000', LOGIN_RATE_LIMIT_PER_USERNAME: '3', LOGIN_RATE_LIMIT_WINDOW_SECONDS: '60' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('lets a user without a second factor reach only me, enrolment and logout', async () => {
    const user = await signedIn(t, ['investigator']);
    const me = await t.http().get('/api/v1/auth/me').set('Authorization', user.auth).expect(200);
    expect(me.body.mfaEnrolmentRequired).toBe(true);
    const refused = await t.http().get('/api/v1/audit').set('Authorization', (await signedIn(t, ['auditor'])).auth).expect(403);
    expect(refused.body.type).toBe('urn:casefile:problem:mfa-enrolment-required');
    const { secret } = (await t.http().post('/api/v1/auth/mfa/enrol').set('Authorization', user.auth).send({ password: user.password }).expect(200)).body as { secret: string };
    await t.http().post('/api/v1/auth/mfa/confirm').set('Authorization', user.auth).send({ code: generateSync({ secret }) }).expect(204);
    expect((await t.http().get('/api/v1/auth/me').set('Authorization', user.auth).expect(200)).body.mfaEnrolmentRequired).toBe(false);
  });

  it('rate-limits sign-in per username with 429, RateLimit-* and Retry-After', async () => {
    const user = await aUser(t);
    for (let i = 0; i < 3; i++) await t.http().post('/api/v1/auth/login').send({ username: user.username, password: 'nope-nope-nope-1' }).expect(401);
    const res = await t.http().post('/api/v1/auth/login').send({ username: user.username, password: user.password }).expect(429);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.headers['ratelimit-limit']).toBe('3');
    expect(res.headers['ratelimit-remaining']).toBe('0');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('sign-in hardening (what an attack run found)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const nextCode = (secret: string, steps = 1): string => generateSync({ secret, epoch: Math.floor(Date.now() / 1000) + 30 * steps });

  it('never replaces or removes a second factor with an access token alone: password and a current code, then other sessions end', async () => {
    const user = await signedIn(t, ['investigator']);
    const other = await login(t, user.username, user.password);
    await t.http().post('/api/v1/auth/mfa/enrol').set('Authorization', user.auth).send({}).expect(400);
    const wrong = await t.http().post('/api/v1/auth/mfa/enrol').set('Authorization', user.auth).send({ password: 'not-the-password-at-all' }).expect(422);
    expect(wrong.body.errors).toEqual([{ field: 'password', message: 'is not correct' }]);
    const first = (await t.http().post('/api/v1/auth/mfa/enrol').set('Authorization', user.auth).send({ password: user.password }).expect(200)).body as { secret: string };
    await t.http().post('/api/v1/auth/mfa/confirm').set('Authorization', user.auth).send({ code: generateSync({ secret: first.secret }) }).expect(204);
    // A first factor ends no session; the other session still works.
    await t.http().get('/api/v1/auth/me').set('Authorization', `Bearer ${other.accessToken}`).expect(200);

    // Replacing it: the password alone is not enough.
    const noCode = await t.http().post('/api/v1/auth/mfa/enrol').set('Authorization', user.auth).send({ password: user.password }).expect(422);
    expect(noCode.body.errors).toEqual([{ field: 'code', message: 'is required' }]);
    const second = (await t.http().post('/api/v1/auth/mfa/enrol').set('Authorization', user.auth).send({ password: user.password, code: nextCode(first.secret) }).expect(200)).body as { secret: string };
    await t.http().post('/api/v1/auth/mfa/confirm').set('Authorization', user.auth).send({ code: generateSync({ secret: second.secret }) }).expect(204);
    await t.http().get('/api/v1/auth/me').set('Authorization', `Bearer ${other.accessToken}`).expect(401);
    await t.http().get('/api/v1/auth/me').set('Authorization', user.auth).expect(200);

    // Removing it: password and a current code of the factor in use.
    await t.http().post('/api/v1/auth/mfa/remove').set('Authorization', user.auth).send({ password: user.password, code: '000000' }).expect(422);
    await t.http().post('/api/v1/auth/mfa/remove').set('Authorization', user.auth).send({ password: user.password, code: nextCode(second.secret) }).expect(204);
    const [row] = await t.dataSource.query<{ totp_secret: string | null }[]>('SELECT totp_secret FROM app_user WHERE id = $1', [user.id]);
    expect(row.totp_secret).toBeNull();
    expect((await auditRecords(t, { action: 'auth.mfa.enrol', actorId: user.id })).map((r) => r.outcome)).toEqual(['denied', 'success', 'denied', 'success']);
  });

  it('ends every session for good when an account is disabled: enabling it again revives no token', async () => {
    const admin = await adminAuth(t);
    const user = await signedIn(t, ['analyst']);
    await t.http().post(`/api/v1/users/${user.id}/disable`).set('Authorization', admin).send({}).expect(200);
    await t.http().post(`/api/v1/users/${user.id}/enable`).set('Authorization', admin).expect(200);
    await t.http().get('/api/v1/auth/me').set('Authorization', user.auth).expect(401);
    await t.http().post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken }).expect(401);
    const fresh = await login(t, user.username, user.password);
    await t.http().get('/api/v1/auth/me').set('Authorization', `Bearer ${fresh.accessToken}`).expect(200);
  });

  it('counts wrong current passwords toward the lockout and rate-limits them', async () => {
    const user = await signedIn(t, ['analyst']);
    const statuses: number[] = [];
    for (let i = 0; i < 15; i++) {
      const res = await t.http().post('/api/v1/auth/password').set('Authorization', user.auth).send({ currentPassword: `wrong-guess-number-${i}`, newPassword: 'violet-harbour-lantern-42' });
      statuses.push(res.status);
    }
    // Five wrong guesses lock the account; the next ones are refused as locked; past ten in the window, 429.
    expect(statuses).toEqual([...Array(10).fill(422), ...Array(5).fill(429)]);
    // Five wrong passwords locked the account: the right password no longer signs in.
    await t.http().post('/api/v1/auth/login').send({ username: user.username, password: user.password }).expect(401);
    expect(await auditRecords(t, { action: 'auth.lockout', resourceId: user.id })).toHaveLength(1);
  });
});
