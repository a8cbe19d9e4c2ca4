import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApiDocumentWithoutDatabase } from '../src/app.setup';
import { ObservedResponse, OpenApiDocument, OpenApiValidator, OUTSIDE_THE_DOCUMENT } from './support/openapi-validator';
import { createTestApp, TestApp } from './support/test-app';

const ROOT = join(__dirname, '..');
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

interface Operation {
  operationId: string;
  security?: Record<string, string[]>[];
  requestBody?: { required?: boolean };
  parameters?: { name: string; in: string }[];
  responses: Record<string, { headers?: Record<string, { required?: boolean }>; content?: Record<string, { schema?: Record<string, unknown> }> }>;
}

function operations(doc: OpenApiDocument): [string, Operation][] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]): [string, Operation] => [`${method.toUpperCase()} ${path}`, op as unknown as Operation]),
  );
}

/** The served document without the routes that only test apps have. */
function withoutTestRoutes(doc: OpenApiDocument): OpenApiDocument {
  const paths = Object.fromEntries(Object.entries(doc.paths).filter(([path]) => !OUTSIDE_THE_DOCUMENT.some((o) => o.route.test(path.replace(/^\/api\/v1/, '')))));
  return { ...doc, paths };
}

describe('the OpenAPI document', () => {
  let t: TestApp;
  let doc: OpenApiDocument;

  beforeAll(async () => {
    t = await createTestApp();
    doc = withoutTestRoutes((await t.http().get('/openapi.json').expect(200)).body as OpenApiDocument);
  });
  afterAll(() => t.close());

  it('is the same built without a database (npm run openapi:write) as served by a running app', async () => {
    expect(JSON.parse(JSON.stringify(await openApiDocumentWithoutDatabase()))).toEqual(doc);
  });

  it('is the same when tsc compiled the code (the production build) as under SWC (the tests)', () => {
    // Inside the checkout (git-ignored .data), so the compiled code finds node_modules.
    mkdirSync(join(ROOT, '.data'), { recursive: true });
    const out = mkdtempSync(join(ROOT, '.data', 'openapi-tsc-'));
    try {
      const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', out], { cwd: ROOT, encoding: 'utf8', timeout: 240_000 });
      expect(tsc.stdout + tsc.stderr).toBe('');
      const write = spawnSync(process.execPath, [join(out, 'src', 'openapi-write.js'), join(out, 'openapi.json')], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
      expect(write.status).toBe(0);
      expect(JSON.parse(readFileSync(join(out, 'openapi.json'), 'utf8'))).toEqual(doc);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 300_000);

  it('loads a src/metadata.ts that is what the swagger plugin makes of the sources now (npm run openapi:metadata)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'casefile-metadata-'));
    try {
      const run = spawnSync(process.execPath, [join(ROOT, 'scripts', 'openapi-metadata.mjs'), '--out-dir', dir], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
      expect(run.status).toBe(0);
      const fresh = readFileSync(join(dir, 'metadata.ts'), 'utf8');
      const committed = readFileSync(join(ROOT, 'src', 'metadata.ts'), 'utf8');
      // Stale: run `npm run openapi:metadata` and commit src/metadata.ts.
      expect(committed === fresh).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 150_000);

  it('names each operation as a generated client calls it: unique camelCase ids', () => {
    const ids = operations(doc).map(([, op]) => op.operationId);
    expect(ids.filter((id) => !/^[a-z][A-Za-z]+$/.test(id))).toEqual([]);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    expect(ids).toEqual(expect.arrayContaining(['createUser', 'listAuditRecords', 'login', 'createIntegration', 'submitTip']));
  });

  it('answers every refusal as application/problem+json with the ProblemDetails schema', () => {
    const wrong: string[] = [];
    for (const [key, op] of operations(doc)) {
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) < 400) continue;
        const schema = response.content?.['application/problem+json']?.schema;
        if (schema?.$ref !== '#/components/schemas/ProblemDetailsDto') wrong.push(`${key} ${status}`);
        if (response.content?.['application/json'] && !(key === 'GET /health/ready' && status === '503')) wrong.push(`${key} ${status}: application/json`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('declares what every route shares: 400, 500 and 503 (with Retry-After); 413 and 415 where a body is taken', () => {
    const missing: string[] = [];
    for (const [key, op] of operations(doc)) {
      for (const status of ['400', '500', '503', ...(op.requestBody ? ['413', '415'] : [])]) if (!op.responses[status]) missing.push(`${key} ${status}`);
      if (!op.responses['503']?.headers?.['Retry-After']) missing.push(`${key} 503 Retry-After`);
    }
    expect(missing).toEqual([]);
  });

  it('declares 401, 403 and 429 on every authenticated operation, and the RateLimit-* headers its guard sends', () => {
    const missing: string[] = [];
    for (const [key, op] of operations(doc).filter(([, o]) => o.security?.length)) {
      for (const status of ['401', '403', '429']) if (!op.responses[status]) missing.push(`${key} ${status}`);
      for (const [status, response] of Object.entries(op.responses).filter(([s]) => /^[24]/.test(s))) {
        const limit = response.headers?.['RateLimit-Limit'];
        // Always sent on a success and a 429; on another refusal, once the credentials were checked.
        if (!limit || Boolean(limit.required) !== (status.startsWith('2') || status === '429')) missing.push(`${key} ${status} RateLimit-Limit`);
      }
      if (!op.responses['429']?.headers?.['Retry-After']?.required) missing.push(`${key} 429 Retry-After`);
    }
    expect(missing).toEqual([]);
  });

  it('offers the Idempotency-Key header on every authenticated POST', () => {
    const missing = operations(doc)
      .filter(([key, op]) => key.startsWith('POST') && op.security?.length && !op.parameters?.some((p) => p.in === 'header' && p.name === 'Idempotency-Key'))
      .map(([key]) => key);
    expect(missing).toEqual([]);
  });

  it('tells the two answers of login apart by `kind`', () => {
    const login = doc.paths['/api/v1/auth/login'].post.responses['200'] as { content: Record<string, { schema: Record<string, unknown> }> };
    expect(login.content['application/json'].schema).toEqual({
      oneOf: [{ $ref: '#/components/schemas/TokenResponseDto' }, { $ref: '#/components/schemas/MfaChallengeResponseDto' }],
      discriminator: { propertyName: 'kind', mapping: { tokens: '#/components/schemas/TokenResponseDto', 'mfa-challenge': '#/components/schemas/MfaChallengeResponseDto' } },
    });
  });

  it('asks no body of POST /users/{id}/disable (an optional reason)', () => {
    expect((doc.paths['/api/v1/users/{id}/disable'].post as unknown as Operation).requestBody?.required).toBe(false);
  });

  it('names its server, and says the bearer tokens follow RFC 8725', () => {
    expect(doc.servers).toEqual([expect.objectContaining({ url: '/', 'x-internal': true })]);
    const schemes = (doc.components as { securitySchemes: Record<string, { description: string }> }).securitySchemes;
    expect(schemes.bearer.description).toContain('RFC8725');
  });

  describe('the response validator every test app runs (test/support/openapi-validator.ts)', () => {
    const user = { id: '01938f0c-3f6e-7a52-9e1e-1c2b3d4e5f60', username: 'j.ramirez', displayName: 'Jo Ramirez', roles: ['investigator'], status: 'active', disabledAt: null, lockedUntil: null, mfaEnabled: false, lastLoginAt: null, createdAt: '2024-12-12T15:30:00.000Z', version: 1 };
    const limits = { 'ratelimit-limit': '600', 'ratelimit-remaining': '599', 'ratelimit-reset': '42' };
    const problem = { type: 'urn:casefile:problem:not-found', title: 'Not found', status: 404, detail: 'No user with id …', instance: '/api/v1/users/x', requestId: 'r-1' };
    const response = (over: Partial<ObservedResponse>): ObservedResponse => ({
      method: 'GET',
      route: '/api/v1/users/:id',
      url: '/api/v1/users/01938f0c-3f6e-7a52-9e1e-1c2b3d4e5f60',
      status: 200,
      headers: { 'content-type': 'application/json; charset=utf-8', etag: 'W/"1"', ...limits },
      body: JSON.stringify(user),
      streamed: false,
      ...over,
    });
    const problems = (over: Partial<ObservedResponse>): string[] => new OpenApiValidator(doc).check(response(over)).map((v) => v.problem);

    it('allows a response the document describes', () => {
      expect(problems({})).toEqual([]);
      expect(problems({ status: 404, headers: { 'content-type': 'application/problem+json; charset=utf-8', ...limits }, body: JSON.stringify(problem) })).toEqual([]);
    });

    it('refuses an undeclared status, a problem sent as plain JSON, a body off its schema and a missing required header', () => {
      expect(problems({ status: 418 })).toEqual([expect.stringMatching(/^status 418 is not declared/)]);
      expect(problems({ status: 404, headers: { 'content-type': 'application/json', ...limits }, body: JSON.stringify(problem) })).toEqual([expect.stringMatching(/content type application\/json is not declared/)]);
      expect(problems({ body: JSON.stringify({ ...user, disabledAt: 5, roles: ['root'] }) })).toEqual([expect.stringMatching(/^body: (?=.*\/disabledAt must be string,null)(?=.*\/roles\/0 must be equal to one of the allowed values)/)]);
      expect(problems({ headers: { 'content-type': 'application/json', etag: 'W/"1"' } })).toEqual(expect.arrayContaining([expect.stringMatching(/required header RateLimit-Limit is missing/)]));
      expect(problems({ route: '/api/v1/users/:id/promote', method: 'POST' })).toEqual(['the route is not in the document']);
    });
  });
});
