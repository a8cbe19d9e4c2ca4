import { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { AuditSealer } from '../src/audit/audit-sealer.service';
import { ADMIN_PASSWORD } from './support/actors';
import { withProbe } from './support/probe.module';
import { createTestApp, TestApp } from './support/test-app';

/** What keeps a Node process alive: sockets and timers (jest's own are there before and after). */
function liveHandles(): { sockets: number; timers: number } {
  const info = process.getActiveResourcesInfo();
  return { sockets: info.filter((r) => r === 'TCPSocketWrap').length, timers: info.filter((r) => r === 'Timeout').length };
}

const settle = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('graceful shutdown', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ wrapModule: withProbe });
  });

  it('stops taking requests but lets one in flight finish, then closes the pool', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    const base = `http://127.0.0.1:${port}`;
    const inFlight = fetch(`${base}/api/v1/__probe/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'slow', delayMs: 700 }),
    });
    await new Promise((r) => setTimeout(r, 150));
    const closing = t.close();
    await new Promise((r) => setTimeout(r, 50));
    await expect(fetch(`${base}/health/live`)).rejects.toThrow();
    const res = await inFlight;
    expect(res.status).toBe(201);
    expect(((await res.json()) as { name: string }).name).toBe('slow');
    await closing;
    expect(t.dataSource.isInitialized).toBe(false);
  });
});

describe('readiness during shutdown', () => {
  it('answers /health/ready 503 for SHUTDOWN_DRAIN_MS before the listener closes, while still serving', async () => {
    const t = await createTestApp({ wrapModule: withProbe, env: { SHUTDOWN_DRAIN_MS: '800' } });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/health/ready`)).status).toBe(200);
    const closing = t.close();
    await new Promise((r) => setTimeout(r, 200));
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ ready: false, checks: { database: 'unknown', migrations: 'unknown', shutdown: 'draining' } });
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
    await closing;
    await expect(fetch(`${base}/health/live`)).rejects.toThrow();
  });
});

describe('a closed application leaves nothing running (so the test process exits by itself)', () => {
  it('ends its pool, the audit sealer and every timer when it closes', async () => {
    const before = liveHandles();
    const app = await createTestApp();
    await app.http().post('/api/v1/auth/login').send({ username: 'admin', password: ADMIN_PASSWORD }).expect(200);
    await app.app.get(AuditSealer).sealNow(); // the sealer holds its own connection and leads
    expect(app.app.get(AuditSealer).isLeader).toBe(true);
    await app.close();
    await settle(300);
    const after = liveHandles();
    expect(after.sockets).toBeLessThanOrEqual(before.sockets);
    expect(after.timers).toBeLessThanOrEqual(before.timers);
  });

  it('starts no sealer tick and opens no connection once shutdown has begun', async () => {
    const app = await createTestApp({ env: { AUDIT_SEAL_INTERVAL_MS: '50' } });
    const connect = jest.spyOn(Client.prototype, 'connect');
    // The harness's own admin connection (it drops the test database) is not the sealer's.
    const sealerConnections = (): number => connect.mock.contexts.filter((c) => (c as { connectionParameters?: { application_name?: string } }).connectionParameters?.application_name === 'casefile-audit-sealer').length;
    try {
      const closing = app.close();
      connect.mockClear();
      await closing;
      await settle(300); // six seal intervals
      expect(sealerConnections()).toBe(0);
      await expect(app.app.get(AuditSealer).sealNow()).resolves.toBe(0);
      expect(sealerConnections()).toBe(0);
    } finally {
      connect.mockRestore();
    }
  });

  it('releases what a failed start acquired (a refused BOOTSTRAP_ADMIN_PASSWORD stops the start half-way)', async () => {
    const before = liveHandles();
    await expect(createTestApp({ env: { BOOTSTRAP_ADMIN_PASSWORD: 'password1234' } })).rejects.toThrow(/BOOTSTRAP_ADMIN_PASSWORD is refused/);
    await settle(300);
    const after = liveHandles();
    expect(after.sockets).toBeLessThanOrEqual(before.sockets);
    expect(after.timers).toBeLessThanOrEqual(before.timers);
  });
});
