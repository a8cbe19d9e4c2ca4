import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { adminAuth } from './actors';
import type { TestApp } from './test-app';

/** A tip-intake integration created through the API by the admin; returns its API key. */
export async function anIntegration(t: TestApp, name = `intake ${randomBytes(3).toString('hex')}`): Promise<{ id: string; apiKey: string }> {
  const res = await t
    .http()
    .post('/api/v1/integrations')
    .set('Authorization', await adminAuth(t))
    .send({ name });
  if (res.status !== 201) throw new Error(`integration create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id as string, apiKey: res.body.apiKey as string };
}

/** A valid intake body, with `overrides` merged on top. */
export function aTip(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    channel: 'web_form',
    narrative: `A remote developer hired last year may be a DPRK IT worker (${randomBytes(4).toString('hex')}).`,
    tipster: { anonymous: true },
    ...overrides,
  };
}

/** POST /intake/tips with an API key and an Idempotency-Key (a fresh one unless given). */
export function submitTip(t: TestApp, apiKey: string, body: unknown, idempotencyKey: string | null = `k-${randomBytes(8).toString('hex')}`): request.Test {
  const req = t.http().post('/api/v1/intake/tips').set('X-API-Key', apiKey);
  if (idempotencyKey !== null) void req.set('Idempotency-Key', idempotencyKey);
  return req.send(body as object);
}

/** Waits until the matching worker has matched the tip `reference` (status no longer `matching`); returns its version. */
export async function matched(t: TestApp, reference: string, timeoutMs = 10_000): Promise<number> {
  for (const start = Date.now(); Date.now() - start < timeoutMs; await new Promise((r) => setTimeout(r, 20))) {
    const [row] = await t.dataSource.query<{ status: string; version: number }[]>('SELECT status, version FROM tip WHERE reference = $1', [reference]);
    if (row && row.status !== 'matching') return row.version;
  }
  throw new Error(`tip ${reference} was not matched within ${timeoutMs} ms`);
}

/** Submits a tip and returns its id (looked up by reference, as staff would find it in the queue) once it is matched. */
export async function aSubmittedTip(
  t: TestApp,
  apiKey: string,
  overrides: Record<string, unknown> = {},
): Promise<{ id: string; reference: string; etag: string }> {
  const res = await submitTip(t, apiKey, aTip(overrides));
  if (res.status !== 202) throw new Error(`tip submit failed: ${res.status} ${JSON.stringify(res.body)}`);
  const version = await matched(t, res.body.reference as string);
  const [row] = await t.dataSource.query<{ id: string }[]>('SELECT id FROM tip WHERE reference = $1', [res.body.reference]);
  return { id: row.id, reference: res.body.reference as string, etag: `W/"${version}"` };
}
