import request from 'supertest';
import { signedIn } from './support/actors';
import { createTestApp, TestApp } from './support/test-app';
import { anIntegration, aSubmittedTip } from './support/tips';

describe('the triage queue', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('sorts by priority then age, pages by keyset, and filters by status, priority, channel, matches, assignee and received range', async () => {
    const fresh = t;
    {
      const { apiKey } = await anIntegration(fresh);
      const staff = await signedIn(fresh, ['intake']);
      const made: string[] = [];
      for (let i = 0; i < 7; i++) made.push((await aSubmittedTip(fresh, apiKey, { channel: i % 2 ? 'hotline' : 'web_form' })).id);
      await fresh
        .http()
        .patch(`/api/v1/tips/${made[5]}`)
        .set('Authorization', staff.auth)
        .set('If-Match', 'W/"2"')
        .send({ priority: 'urgent', assigneeId: staff.id })
        .expect(200);
      await fresh
        .http()
        .patch(`/api/v1/tips/${made[3]}`)
        .set('Authorization', staff.auth)
        .set('If-Match', 'W/"2"')
        .send({ priority: 'low', status: 'triaged' })
        .expect(200);
      const pages: string[] = [];
      let cursor: string | null = null;
      do {
        const res: request.Response = await fresh
          .http()
          .get(`/api/v1/tips?limit=3${cursor ? `&cursor=${cursor}` : ''}`)
          .set('Authorization', staff.auth)
          .expect(200);
        pages.push(...res.body.data.map((d: { id: string }) => d.id));
        cursor = res.body.nextCursor as string | null;
      } while (cursor);
      expect(pages).toEqual([made[5], made[0], made[1], made[2], made[4], made[6], made[3]]);
      const q = async (query: string): Promise<string[]> =>
        (await fresh.http().get(`/api/v1/tips?${query}`).set('Authorization', staff.auth).expect(200)).body.data.map((d: { id: string }) => d.id);
      expect(await q('status=triaged')).toEqual([made[3]]);
      expect(await q('priority=urgent')).toEqual([made[5]]);
      expect(await q('channel=hotline')).toEqual([made[5], made[1], made[3]]);
      expect(await q(`assigneeId=${staff.id}`)).toEqual([made[5]]);
      expect(await q('hasMatches=true')).toEqual([]);
      expect(await q('hasMatches=false')).toHaveLength(7);
      expect(await q('receivedFrom=2000-01-01T00:00:00Z&receivedTo=2001-01-01T00:00:00Z')).toEqual([]);
      await fresh.http().get('/api/v1/tips?sort=age').set('Authorization', staff.auth).expect(400);
      await fresh.http().get('/api/v1/tips?cursor=bm90LWEtY3Vyc29y').set('Authorization', staff.auth).expect(400);
      const tipster = JSON.stringify((await fresh.http().get('/api/v1/tips').set('Authorization', staff.auth)).body.data[0].tipster);
      expect(tipster).toBe('{"anonymous":true,"pseudonym":null}');
    }
  });
});
