import { AddressInfo } from 'node:net';
import { withProbe } from './support/probe.module';
import { createTestApp, TestApp } from './support/test-app';

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
