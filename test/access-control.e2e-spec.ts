import request from 'supertest';
import { ROLE_PERMISSIONS } from '../src/access/permissions';
import { adminAuth, ALL_ROLES, signedIn } from './support/actors';
import { concrete, registeredRoutes, RouteInfo } from './support/routes';
import { createTestApp, TestApp } from './support/test-app';

describe('access control over every route', () => {
  let t: TestApp;
  let routes: RouteInfo[];
  const tokens: Record<string, string> = {};
  let apiKey: string;

  beforeAll(async () => {
    t = await createTestApp();
    routes = registeredRoutes(t);
    for (const role of ALL_ROLES) tokens[role] = (await signedIn(t, [role])).auth;
    const created = await t.http().post('/api/v1/integrations').set('Authorization', await adminAuth(t)).send({ name: 'matrix key' }).expect(201);
    apiKey = created.body.apiKey as string;
  });
  afterAll(async () => {
    await t.close();
  });

  const call = (route: RouteInfo): request.Test => {
    const agent = t.http();
    const url = concrete(route.path);
    switch (route.method) {
      case 'GET':
        return agent.get(url);
      case 'POST':
        return agent.post(url).send({});
      case 'PATCH':
        return agent.patch(url).set('If-Match', 'W/"1"').send({});
      case 'PUT':
        return agent.put(url).set('If-Match', 'W/"1"').send({});
      case 'DELETE':
        return agent.delete(url).set('If-Match', 'W/"1"');
      default:
        throw new Error(`unexpected method ${route.method}`);
    }
  };

  it('finds the routes (sanity)', () => {
    expect(routes.length).toBeGreaterThan(20);
    expect(routes.map((r) => `${r.method} ${r.path}`)).toEqual(expect.arrayContaining(['POST /api/v1/auth/login', 'GET /api/v1/users/:id', 'GET /api/v1/audit/verify', 'GET /health/ready']));
  });

  it('has no route without @Public() or @Authenticated({ permission })', () => {
    const undeclared = routes.filter((r) => !r.isPublic && !r.rule).map((r) => r.handler);
    expect(undeclared).toEqual([]);
  });

  it('answers 401 problem+json to a request without credentials on every guarded route', async () => {
    for (const route of routes.filter((r) => r.rule)) {
      const res = await call(route);
      expect([route.handler, res.status, res.headers['content-type']]).toEqual([route.handler, 401, expect.stringMatching(/problem\+json/)]);
    }
  });

  it('refuses (403) every role that lacks the route\'s permission, for every staff route', async () => {
    let checked = 0;
    for (const route of routes.filter((r) => r.rule?.principal === 'user')) {
      for (const role of ALL_ROLES.filter((r) => !ROLE_PERMISSIONS[r].includes(route.rule!.permission))) {
        const res = await call(route).set('Authorization', tokens[role]);
        expect([route.handler, role, res.status]).toEqual([route.handler, role, 403]);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('lets every role that holds the permission past the guard (no 401/403)', async () => {
    const sideEffects = new Set(['AuthController.logout', 'AuthController.changePassword', 'AuthController.enrolMfa', 'AuthController.confirmMfa']);
    for (const route of routes.filter((r) => r.rule?.principal === 'user' && !sideEffects.has(r.handler))) {
      for (const role of ALL_ROLES.filter((r) => ROLE_PERMISSIONS[r].includes(route.rule!.permission))) {
        const res = await call(route).set('Authorization', tokens[role]);
        expect([route.handler, role, [401, 403].includes(res.status)]).toEqual([route.handler, role, false]);
      }
    }
  });

  it('keeps integration keys to the intake routes and staff tokens off them', async () => {
    for (const route of routes.filter((r) => r.rule?.principal === 'user')) {
      const res = await call(route).set('X-API-Key', apiKey);
      expect([route.handler, res.status]).toEqual([route.handler, 403]);
    }
    for (const route of routes.filter((r) => r.rule?.principal === 'integration')) {
      for (const role of ALL_ROLES) {
        const res = await call(route).set('Authorization', tokens[role]);
        expect([route.handler, role, res.status]).toEqual([route.handler, role, 403]);
      }
      // Past the guard: an answer of the route itself (tip intake refuses an empty body without an Idempotency-Key: 400).
      expect([200, 201, 202, 400, 404]).toContain((await call(route).set('X-API-Key', apiKey)).status);
    }
  });
});
