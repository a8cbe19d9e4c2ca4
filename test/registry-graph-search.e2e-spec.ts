import { auditRecords, signedIn } from './support/actors';
import { createTestApp, TestApp } from './support/test-app';
import { endpointCheckSql } from '../src/links/link-rules';

const MISSING = '0190aaaa-0000-7000-8000-000000000000';

describe('entity registry: links, the graph and search', () => {
  let t: TestApp;
  let auth: string;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    t = await createTestApp();
    auth = (await signedIn(t, ['investigator'])).auth;
    const make = async (path: string, body: object): Promise<string> => (await t.http().post(`/api/v1/${path}`).set('Authorization', auth).send(body).expect(201)).body.id as string;
    ids.song = await make('subjects', { fullName: 'Unnamed defendant 3', aliases: [{ name: 'Song Hwa Jong', source: 'indictment' }] });
    ids.kim = await make('subjects', { fullName: 'Kim Chol-min' });
    ids.host = await make('subjects', { fullName: 'Laptop farm host' });
    ids.yanbian = await make('organizations', { name: 'Yanbian Silverstar', country: 'CN', kind: 'front_company' });
    ids.volasys = await make('organizations', { name: 'Volasys Silverstar', country: 'RU', kind: 'front_company' });
    ids.email = await make('selectors', { kind: 'email', value: 'it.warrior@example.com' });
    ids.wallet = await make('selectors', { kind: 'crypto_wallet', value: 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4' });
  });
  afterAll(async () => {
    await t.close();
  });

  const link = (kind: string, from: [string, string], to: [string, string], extra: object = {}) =>
    t.http().post('/api/v1/links').set('Authorization', auth).send({ kind, from: { type: from[0], id: ids[from[1]] ?? from[1] }, to: { type: to[0], id: ids[to[1]] ?? to[1] }, confidence: 0.9, source: 'indictment', ...extra });

  describe('links', () => {
    it('creates typed, dated, sourced links, audited, and lists them by entity', async () => {
      const created = await link('employed_by', ['subject', 'song'], ['organization', 'yanbian'], { validFrom: '2017-04-01', validTo: '2023-03-31' }).expect(201);
      expect(created.body).toMatchObject({ kind: 'employed_by', from: { type: 'subject', id: ids.song }, to: { type: 'organization', id: ids.yanbian }, validFrom: '2017-04-01', validTo: '2023-03-31', confidence: 0.9, version: 1 });
      expect(await auditRecords(t, { action: 'link.create', resourceId: created.body.id })).toHaveLength(1);
      await link('employed_by', ['subject', 'kim'], ['organization', 'volasys']).expect(201);
      await link('uses', ['subject', 'song'], ['selector', 'email']).expect(201);
      await link('associate_of', ['subject', 'kim'], ['subject', 'song']).expect(201);
      await link('hosted_laptop_for', ['subject', 'host'], ['subject', 'kim']).expect(201);
      await link('paid', ['organization', 'volasys'], ['selector', 'wallet']).expect(201);
      // a cycle: yanbian → volasys → kim → song → yanbian
      await link('associate_of', ['organization', 'yanbian'], ['organization', 'volasys']).expect(201);
      const listed = await t.http().get(`/api/v1/links?entity=subject:${ids.song}`).set('Authorization', auth).expect(200);
      expect(listed.body.data).toHaveLength(3);
      const read = await t.http().get(`/api/v1/links/${created.body.id}`).set('Authorization', auth).expect(200);
      expect(read.body).toEqual(created.body);
      expect(read.headers.etag).toBe('W/"1"');
      const changed = await t.http().patch(`/api/v1/links/${created.body.id}`).set('Authorization', auth).set('If-Match', 'W/"1"').send({ confidence: 0.5 }).expect(200);
      expect(changed.body).toMatchObject({ confidence: 0.5, version: 2 });
      await t.http().patch(`/api/v1/links/${created.body.id}`).set('Authorization', auth).set('If-Match', 'W/"2"').send({ kind: 'owns' }).expect(400);
      await t.http().patch(`/api/v1/links/${created.body.id}`).set('Authorization', auth).set('If-Match', 'W/"2"').send({ validTo: '2010-01-01' }).expect(400);
    });

    it('refuses a link the kind does not allow (a selector employs no one), a missing end, and bad values', async () => {
      const selectorEmploys = await link('employed_by', ['selector', 'email'], ['organization', 'yanbian']).expect(400);
      expect(selectorEmploys.body).toMatchObject({ type: 'urn:casefile:problem:invalid-endpoint', errors: [{ field: 'from.type', message: expect.stringMatching(/starts at subject/) }] });
      await link('uses', ['subject', 'song'], ['organization', 'yanbian']).expect(400);
      const missing = await link('employed_by', ['subject', MISSING], ['organization', 'yanbian']).expect(422);
      expect(missing.body.errors).toEqual([expect.objectContaining({ field: 'from.id' })]);
      await link('associate_of', ['subject', 'song'], ['subject', 'song']).expect(400);
      await link('employed_by', ['subject', 'song'], ['organization', 'yanbian'], { confidence: 1.5 }).expect(400);
      await link('employed_by', ['subject', 'song'], ['organization', 'yanbian'], { validFrom: '2024-13-40' }).expect(400);
      await link('employed_by', ['subject', 'song'], ['organization', 'yanbian'], { validFrom: '2023-01-01', validTo: '2022-01-01' }).expect(400);
      await link('employed_by', ['subject', 'song'], ['organization', 'yanbian'], { id: MISSING }).expect(400);
      await link('employed_by', ['subject', 'not-a-uuid'], ['organization', 'yanbian']).expect(400);
      await link('knows', ['subject', 'song'], ['subject', 'kim']).expect(400);
    });

    it('keeps the database check on link ends equal to the rules in code', async () => {
      const [row] = await t.dataSource.query<{ def: string }[]>(`SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'ck_link_endpoints'`);
      // PostgreSQL writes `x IN ('a', 'b')` as `x = ANY (ARRAY['a'::text, 'b'::text])`: compare without the notation.
      const normalise = (s: string): string => s.replace(/::text|\bARRAY\b|\bANY\b|\bIN\b|\bCHECK\b|[()[\]=\s',]/g, '');
      expect(normalise(row.def)).toBe(normalise(endpointCheckSql()));
    });
  });

  describe('graph', () => {
    const graph = (query: string) => t.http().get(`/api/v1/graph?${query}`).set('Authorization', auth);

    it('returns the nodes and edges within depth, cycle-safe, each node once with its depth and label', async () => {
      const one = await graph(`root=subject:${ids.song}&depth=1`).expect(200);
      expect(one.body.truncated).toBe(false);
      expect(one.body.nodes.map((n: { id: string; depth: number }) => [n.id, n.depth]).sort()).toEqual([[ids.song, 0], [ids.yanbian, 1], [ids.email, 1], [ids.kim, 1]].sort());
      expect(one.body.nodes.find((n: { id: string }) => n.id === ids.yanbian)).toEqual({ type: 'organization', id: ids.yanbian, label: 'Yanbian Silverstar', detail: 'front_company', depth: 1 });
      const three = await graph(`root=subject:${ids.song}&depth=3`).expect(200);
      const nodeIds = three.body.nodes.map((n: { id: string }) => n.id);
      expect(new Set(nodeIds).size).toBe(nodeIds.length);
      expect(nodeIds.sort()).toEqual(Object.values(ids).sort());
      expect(three.body.edges).toHaveLength(7);
      expect(three.body.nodes.find((n: { id: string }) => n.id === ids.wallet).depth).toBe(3);
    });

    it('filters by link kind', async () => {
      const employed = await graph(`root=organization:${ids.yanbian}&depth=3&kinds=employed_by`).expect(200);
      expect(employed.body.nodes.map((n: { id: string }) => n.id).sort()).toEqual([ids.yanbian, ids.song].sort());
      expect(employed.body.edges.every((e: { kind: string }) => e.kind === 'employed_by')).toBe(true);
    });

    it('answers 404 for a root that does not exist and 400 for bad parameters', async () => {
      const missing = await graph(`root=subject:${MISSING}`).expect(404);
      expect(missing.body.type).toBe('urn:casefile:problem:graph-root-not-found');
      await graph(`root=organization:${ids.song}`).expect(404);
      for (const bad of [`root=subject:${ids.song}&depth=10`, `root=subject:${ids.song}&depth=0`, `root=subject:${ids.song}&depth=two`, `root=case:${ids.song}`, `root=${ids.song}`, '', `root=subject:${ids.song}&kinds=knows`, `root=subject:${ids.song}&limit=5`]) {
        await graph(bad).expect(400);
      }
    });

    it('caps the graph at 500 nodes and says it was truncated', async () => {
      const hub = (await t.http().post('/api/v1/organizations').set('Authorization', auth).send({ name: 'Hub', kind: 'employer' }).expect(201)).body.id as string;
      await t.dataSource.query(
        `WITH s AS (INSERT INTO subject (id, full_name, status) SELECT gen_random_uuid(), 'Worker ' || g, 'unidentified' FROM generate_series(1, 600) g RETURNING id)
         INSERT INTO link (id, kind, from_type, from_id, to_type, to_id, confidence, source) SELECT gen_random_uuid(), 'employed_by', 'subject', s.id, 'organization', $1, 1, 'test' FROM s`,
        [hub],
      );
      const capped = await graph(`root=organization:${hub}&depth=1`).expect(200);
      expect(capped.body.nodes).toHaveLength(500);
      expect(capped.body.truncated).toBe(true);
    });
  });

  describe('search', () => {
    const search = (query: string) => t.http().get(`/api/v1/search?${query}`).set('Authorization', auth);

    it('finds a subject by an alias whatever the case, accents, hyphens and word order, and says why', async () => {
      for (const q of ['Jong Song-hwa', 'jong songhwa', 'SONG HWA JONG', 'Söng Hwa', 'song-hwa']) {
        const res = await search(`q=${encodeURIComponent(q)}`).expect(200);
        expect([q, res.body.data[0]]).toEqual([q, expect.objectContaining({ type: 'subject', id: ids.song, label: 'Unnamed defendant 3', matched: { field: 'alias', value: 'Song Hwa Jong' }, why: 'alias "Song Hwa Jong"' })]);
        expect(res.body.data[0].score).toBeGreaterThan(0.5);
      }
    });

    it('finds organizations by partial names, ranked, and filters by type', async () => {
      const res = await search('q=silverstar&types=organization').expect(200);
      expect(res.body.data.map((h: { id: string }) => h.id).sort()).toEqual([ids.yanbian, ids.volasys].sort());
      expect(res.body.data.every((h: { type: string; why: string }) => h.type === 'organization' && h.why.startsWith('name "'))).toBe(true);
      const best = await search('q=Volasys%20Silverstar').expect(200);
      expect(best.body.data[0].id).toBe(ids.volasys);
    });

    it('finds selectors by exact normalised value in any spelling', async () => {
      const res = await search(`q=${encodeURIComponent('IT.Warrior@EXAMPLE.com')}`).expect(200);
      expect(res.body.data[0]).toMatchObject({ type: 'selector', id: ids.email, score: 1, matched: { field: 'normalizedValue', value: 'it.warrior@example.com' } });
    });

    it('treats wildcards and SQL in q as plain text, and validates q, types and limit', async () => {
      for (const q of ["%' OR 1=1 --", '%', '_', '\\', "'; DROP TABLE subject; --"]) {
        const res = await search(`q=${encodeURIComponent(q)}`).expect(200);
        expect([q, res.body.data]).toEqual([q, []]);
      }
      expect((await t.dataSource.query('SELECT count(*)::int AS n FROM subject'))[0].n).toBeGreaterThan(0);
      await search('q=').expect(400);
      await search('').expect(400);
      await search(`q=${'a'.repeat(500)}`).expect(400);
      await search('q=%20%20').expect(400);
      await search('q=kim&types=dossier').expect(400);
      await search('q=kim&limit=51').expect(400);
      await search('q=kim&cursor=abc').expect(400);
    });
  });
});
