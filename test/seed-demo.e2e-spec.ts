import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedDemo } from '../src/demo-data';
import { createTestApp, TestApp } from './support/test-app';

const API = '/api/v1';

/** The rows the demo data set touches, counted per table. */
const TABLES = ['app_user', 'integration', 'organization', 'subject', 'selector', 'link', 'case_file', 'case_member', 'evidence_item', 'tip', 'tip_candidate'];

describe('npm run seed:demo', () => {
  let t: TestApp;
  const first: string[] = [];
  const counts = async (): Promise<Record<string, number>> => {
    const out: Record<string, number> = {};
    for (const table of TABLES) out[table] = Number((await t.dataSource.query(`SELECT count(*) AS n FROM ${table}`))[0].n);
    return out;
  };

  beforeAll(async () => {
    t = await createTestApp({ env: { DATA_DIR: mkdtempSync(join(tmpdir(), 'casefile-seed-')) } });
    await seedDemo(t.app, (line) => first.push(line));
  }, 120_000);
  afterAll(async () => {
    await t.close();
  });

  it('adds plainly fictional demo tips through intake, matched to the demo identifiers and the companies', async () => {
    const password = /^\s+demo\.intake\s+(\S+)$/m.exec(first.join('\n'))?.[1];
    expect(password).toBeDefined();
    const login = await t.http().post(`${API}/auth/login`).send({ username: 'demo.intake', password }).expect(200);
    const auth = `Bearer ${login.body.accessToken as string}`;
    const queue = await t.http().get(`${API}/tips?limit=50`).set('Authorization', auth).expect(200);
    expect(queue.body.data).toHaveLength(4);
    for (const tip of queue.body.data) expect(tip.excerpt).toMatch(/^DEMO TIP \(fictional/);

    const byExternal = async (externalId: string): Promise<{ id: string; body: Record<string, unknown> }> => {
      const [{ id }] = await t.dataSource.query<{ id: string }[]>('SELECT id FROM tip WHERE external_id = $1', [externalId]);
      return { id, body: (await t.http().get(`${API}/tips/${id}`).set('Authorization', auth).expect(200)).body };
    };
    const reasons = (body: Record<string, unknown>): string[] => (body.candidates as { why: string[] }[]).flatMap((c) => c.why);

    const webForm = await byExternal('seed-demo-1');
    expect(reasons(webForm.body)).toEqual(
      expect.arrayContaining([
        'e-mail it.warrior.demo@example.com is in the registry',
        'e-mail it.warrior.demo@example.com is used by Unnamed defendant 3',
        'username github:demo-it-warrior is used by Unnamed defendant 3',
      ]),
    );
    expect(reasons(webForm.body).some((r) => r.includes('employed by Yanbian Silverstar'))).toBe(true);

    const hotline = await byExternal('seed-demo-2');
    expect(reasons(hotline.body)).toEqual(expect.arrayContaining(['phone +12025550142 is used by Unnamed defendant 5']));
    expect(reasons(hotline.body).some((r) => r.includes('"Yanbian Silverstar"'))).toBe(true);

    const email = await byExternal('seed-demo-3');
    expect(reasons(email.body)).toEqual(
      expect.arrayContaining([
        'wallet bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4 is owned by Volasys Silverstar',
        'domain silverstar-demo.example.com is used by Yanbian Silverstar',
      ]),
    );
    const followUp = await byExternal('seed-demo-4');
    expect(followUp.body.possibleDuplicateOf).toBe(email.id);
    // The tipster stays sealed: a pseudonym in the tip, never the identity.
    expect(JSON.stringify(email.body)).not.toContain('demo.tipster@example.net');
    expect(email.body.tipster).toMatchObject({ anonymous: false, pseudonym: expect.stringMatching(/^Tipster [2-9A-Z]{4}$/) });

    const [submitted] = await t.dataSource.query<{ n: string }[]>(
      `SELECT count(*) AS n FROM audit_event WHERE action = 'tip.submit' AND actor_kind = 'integration' AND outcome = 'success'`,
    );
    expect(Number(submitted.n)).toBe(4);
  });

  it('labels the demo identifiers as fictional, each linked to its holder', async () => {
    const rows = await t.dataSource.query<{ kind: string; normalized_value: string; description: string; links: number }[]>(
      `SELECT s.kind, s.normalized_value, s.description, (SELECT count(*)::int FROM link l WHERE l.to_type = 'selector' AND l.to_id = s.id) AS links FROM selector s ORDER BY s.kind`,
    );
    expect(rows.map((r) => `${r.kind} ${r.normalized_value}`)).toEqual([
      'crypto_wallet bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4',
      'domain silverstar-demo.example.com',
      'email it.warrior.demo@example.com',
      'phone +12025550142',
      'username github:demo-it-warrior',
    ]);
    for (const r of rows) {
      expect(r.description).toMatch(/^DEMO: fictional/);
      expect(r.links).toBe(1);
    }
  });

  it('adds nothing when run again', async () => {
    const before = await counts();
    expect(before).toMatchObject({ tip: 4, selector: 5, evidence_item: 3, subject: 14, organization: 2, integration: 1 });
    const second: string[] = [];
    await seedDemo(t.app, (line) => second.push(line));
    expect(await counts()).toEqual(before);
    expect(second.join('\n')).toMatch(/demo tips \(fictional\): .* \(0 added\)/);
    expect(second.join('\n')).not.toMatch(/API key cfk_/);
  }, 60_000);
});
