import { auditRecords, signedIn } from './support/actors';
import { createTestApp, TestApp } from './support/test-app';

const MISSING = '0190aaaa-0000-7000-8000-000000000000';

describe('entity registry: subjects, organizations, selectors', () => {
  let t: TestApp;
  let analyst: string;
  let investigator: string;
  beforeAll(async () => {
    t = await createTestApp();
    analyst = (await signedIn(t, ['analyst'])).auth;
    investigator = (await signedIn(t, ['investigator'])).auth;
  });
  afterAll(async () => {
    await t.close();
  });

  const post = (path: string, body: object, auth = analyst) => t.http().post(`/api/v1/${path}`).set('Authorization', auth).send(body);
  const get = (path: string, auth = analyst) => t.http().get(`/api/v1/${path}`).set('Authorization', auth);

  describe('subjects', () => {
    it('creates a subject with aliases, charges and an indictment, audits it, and reads it back with its ETag', async () => {
      const created = await post('subjects', {
        fullName: 'Unnamed defendant 1',
        aliases: [{ name: 'Song Hwa Jong', source: 'job-site profile' }, { name: 'Jöng Sóng-hwa' }],
        nationality: 'KP',
        dateOfBirth: '1985-03',
        status: 'charged',
        charges: [{ statute: '50 U.S.C. 1705', description: 'Conspiracy to violate IEEPA', counts: 1 }],
        indictment: { court: 'U.S. District Court, E.D. Missouri', docketNumber: null, date: '2024-12-12' },
      }).expect(201);
      expect(created.body).toMatchObject({ fullName: 'Unnamed defendant 1', nationality: 'KP', dateOfBirth: '1985-03', status: 'charged', version: 1 });
      expect(created.body.aliases).toEqual([{ name: 'Song Hwa Jong', source: 'job-site profile' }, { name: 'Jöng Sóng-hwa', source: null }]);
      const read = await get(`subjects/${created.body.id}`, investigator).expect(200);
      expect(read.headers.etag).toBe('W/"1"');
      expect(read.body).toEqual(created.body);
      const [record] = await auditRecords(t, { action: 'subject.create', resourceId: created.body.id });
      expect(record).toMatchObject({ outcome: 'success', resource_type: 'subject' });
      expect(record.changes.fullName).toEqual({ before: null, after: 'Unnamed defendant 1' });
    });

    it('round-trips every precision of a date of birth, and unknown', async () => {
      for (const dateOfBirth of ['1985-03-12', '1985-03', '1985', null]) {
        const created = await post('subjects', { fullName: `DOB ${String(dateOfBirth)}`, dateOfBirth }).expect(201);
        expect((await get(`subjects/${created.body.id}`).expect(200)).body.dateOfBirth).toBe(dateOfBirth);
      }
      const omitted = await post('subjects', { fullName: 'No DOB' }).expect(201);
      expect(omitted.body).toMatchObject({ dateOfBirth: null, status: 'unidentified', aliases: [], charges: [], indictment: null });
    });

    it('refuses an invalid country, an impossible date and unknown fields, naming the field', async () => {
      const country = await post('subjects', { fullName: 'X', nationality: 'ZZ' }).expect(400);
      expect(country.body.errors).toEqual([expect.objectContaining({ field: 'nationality' })]);
      const date = await post('subjects', { fullName: 'X', dateOfBirth: '2024-13-40' }).expect(400);
      expect(date.body.errors).toEqual([expect.objectContaining({ field: 'dateOfBirth' })]);
      const indictment = await post('subjects', { fullName: 'X', indictment: { court: 'C', date: '2024-13-40' } }).expect(400);
      expect(indictment.body.errors).toEqual([expect.objectContaining({ field: 'indictment.date' })]);
      for (const field of ['id', 'version', 'createdBy']) {
        const res = await post('subjects', { fullName: 'X', [field]: field === 'version' ? 7 : MISSING }).expect(400);
        expect(res.body.errors).toEqual([{ field, message: 'is not an accepted field' }]);
      }
      await post('subjects', { fullName: '' }).expect(400);
      await post('subjects', { fullName: 'x'.repeat(301) }).expect(400);
      await post('subjects', { fullName: 'X', status: 'dead' }).expect(400);
      await post('subjects', { fullName: 'X', charges: [{ statute: '18 U.S.C. 1349', description: 'd', counts: 0 }] }).expect(400);
      await post('subjects', { fullName: 'X', aliases: Array.from({ length: 101 }, (_, i) => ({ name: `a${i}` })) }).expect(400);
    });

    it('changes a subject with If-Match (428 without, 412 when stale), audits the changed fields, and clears with null', async () => {
      const { body } = await post('subjects', { fullName: 'Unnamed defendant 2', nationality: 'KP' }).expect(201);
      await t.http().patch(`/api/v1/subjects/${body.id}`).set('Authorization', analyst).send({ status: 'wanted' }).expect(428);
      const changed = await t.http().patch(`/api/v1/subjects/${body.id}`).set('Authorization', analyst).set('If-Match', 'W/"1"').send({ status: 'wanted', nationality: null, aliases: [{ name: 'Kim' }] }).expect(200);
      expect(changed.body).toMatchObject({ status: 'wanted', nationality: null, aliases: [{ name: 'Kim', source: null }], version: 2 });
      await t.http().patch(`/api/v1/subjects/${body.id}`).set('Authorization', analyst).set('If-Match', 'W/"1"').send({ status: 'cleared' }).expect(412);
      await t.http().patch(`/api/v1/subjects/${body.id}`).set('Authorization', analyst).set('If-Match', 'W/"2"').send({ fullName: null }).expect(400);
      await t.http().patch(`/api/v1/subjects/${body.id}`).set('Authorization', analyst).set('If-Match', 'W/"2"').send({ version: 5 }).expect(400);
      await t.http().patch(`/api/v1/subjects/${MISSING}`).set('Authorization', analyst).set('If-Match', 'W/"1"').send({ status: 'wanted' }).expect(404);
      const [record] = await auditRecords(t, { action: 'subject.update', resourceId: body.id });
      expect(record.changes).toEqual({ status: { before: 'unidentified', after: 'wanted' }, nationality: { before: 'KP', after: null }, aliases: { before: [], after: [{ name: 'Kim', source: null }] } });
    });

    it('lists with filters (status, nationality, statute) and keyset pages', async () => {
      const statute = '18 U.S.C. 1028A';
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await post('subjects', { fullName: `Filtered ${i}`, nationality: 'CN', status: 'convicted', charges: [{ statute, description: 'Aggravated identity theft', counts: 2 }] }).expect(201)).body.id);
      const first = await get(`subjects?status=convicted&nationality=CN&statute=${encodeURIComponent(statute)}&limit=2`).expect(200);
      expect(first.body.data.map((s: { id: string }) => s.id)).toEqual(ids.slice(0, 2));
      const second = await get(`subjects?status=convicted&nationality=CN&statute=${encodeURIComponent(statute)}&limit=2&cursor=${first.body.nextCursor}`).expect(200);
      expect(second.body).toEqual({ data: [expect.objectContaining({ id: ids[2] })], nextCursor: null });
      expect((await get('subjects?statute=none').expect(200)).body.data).toEqual([]);
      await get('subjects?nationality=ZZ').expect(400);
      await get('subjects?sort=name').expect(400);
      await get('subjects/not-a-uuid').expect(400);
      await get(`subjects/${MISSING}`).expect(404);
    });
  });

  describe('organizations', () => {
    it('creates an organization with sanctions and seized websites (domains normalised), audited; refuses a bad website or country', async () => {
      const created = await post('organizations', {
        name: 'Yanbian Silverstar',
        aliases: [{ name: 'Yanbian Silverstar Network Technology Co., Ltd.' }],
        country: 'CN',
        kind: 'front_company',
        sanctions: [{ program: 'DPRK', list: 'OFAC SDN List', date: '2018-09-13' }],
        websites: [{ domain: 'WWW.Example.COM', status: 'seized', seizedAt: '2023-10-18' }],
      }).expect(201);
      expect(created.body).toMatchObject({ country: 'CN', kind: 'front_company', websites: [{ domain: 'example.com', status: 'seized', seizedAt: '2023-10-18' }], version: 1 });
      expect(await auditRecords(t, { action: 'organization.create', resourceId: created.body.id })).toHaveLength(1);
      const bad = await post('organizations', { name: 'X', kind: 'other', websites: [{ domain: 'not a domain', status: 'active' }] }).expect(400);
      expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'websites.0.domain' })]);
      await post('organizations', { name: 'X', kind: 'other', country: 'ZZ' }).expect(400);
      await post('organizations', { name: 'X', kind: 'bank' }).expect(400);
      await post('organizations', { name: 'X', kind: 'other', id: MISSING }).expect(400);
      const changed = await t.http().patch(`/api/v1/organizations/${created.body.id}`).set('Authorization', investigator).set('If-Match', 'W/"1"').send({ country: 'RU' }).expect(200);
      expect(changed.body).toMatchObject({ country: 'RU', version: 2 });
      expect((await get(`organizations?kind=front_company&country=RU`).expect(200)).body.data.map((o: { id: string }) => o.id)).toContain(created.body.id);
      await get(`organizations/${MISSING}`).expect(404);
    });
  });

  describe('selectors', () => {
    it('normalises on create, answers 409 with the existing id for another spelling, and finds it by any spelling', async () => {
      const created = await post('selectors', { kind: 'phone', value: '+1 (202) 456-1111' }).expect(201);
      expect(created.body).toMatchObject({ kind: 'phone', value: '+1 (202) 456-1111', normalizedValue: '+12024561111' });
      const again = await post('selectors', { kind: 'phone', value: '202.456.1111' }).expect(409);
      expect(again.body).toMatchObject({ type: 'urn:casefile:problem:selector-exists', existingId: created.body.id });
      expect(again.headers.location).toBe(`/api/v1/selectors/${created.body.id}`);
      expect((await get(again.headers.location.replace('/api/v1/', '')).expect(200)).body).toEqual(created.body);
      for (const spelling of ['(202) 456-1111', '+12024561111', 'tel:+1-202-456-1111']) {
        const found = await get(`selectors?value=${encodeURIComponent(spelling)}`).expect(200);
        expect(found.body.data.map((s: { id: string }) => s.id)).toEqual([created.body.id]);
      }
      const email = await post('selectors', { kind: 'email', value: 'It.Warrior+jobs@Example.com' }).expect(201);
      expect((await get('selectors?kind=email&value=IT.WARRIOR%2Bjobs%40EXAMPLE.COM').expect(200)).body.data[0].id).toBe(email.body.id);
      expect(await auditRecords(t, { action: 'selector.create', resourceId: created.body.id })).toHaveLength(1);
      // the refused duplicate left no selector, and its attempt is recorded as an error
      expect(await t.dataSource.query(`SELECT count(*)::int AS n FROM selector WHERE kind = 'phone'`)).toEqual([{ n: 1 }]);
    });

    it('keeps usernames per platform and wallets with their checksums', async () => {
      const gh = await post('selectors', { kind: 'username', value: 'JaneDev', platform: 'github' }).expect(201);
      const up = await post('selectors', { kind: 'username', value: 'upwork:JaneDev' }).expect(201);
      expect([gh.body.normalizedValue, up.body.normalizedValue, gh.body.platform]).toEqual(['github:janedev', 'upwork:janedev', 'github']);
      const eth = await post('selectors', { kind: 'crypto_wallet', value: '0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed' }).expect(201);
      expect(eth.body).toMatchObject({ normalizedValue: '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', chain: 'ethereum' });
      await post('selectors', { kind: 'email', value: 'x@example.com', platform: 'github' }).expect(400);
    });

    it.each([
      ['crypto_wallet', '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb', /checksum/],
      ['crypto_wallet', '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD', /EIP-55/],
      ['phone', '+1 202 000 0000', /exist/],
      ['email', 'it.warrior@', /no domain/],
      ['ip_address', '010.1.1.1', /four decimal parts/],
      ['identity_document', 'ZZ:123456789', /ISO 3166-1/],
    ])('refuses a %s of %s with 400 naming the field', async (kind, value, reason) => {
      const res = await post('selectors', { kind, value }).expect(400);
      expect(res.body.errors).toEqual([{ field: 'value', message: expect.stringMatching(reason) }]);
    });

    it('refuses unknown fields (normalizedValue, id, version) and a bad lookup', async () => {
      for (const extra of [{ normalizedValue: 'x@example.com' }, { id: MISSING }, { version: 2 }]) {
        const res = await post('selectors', { kind: 'email', value: 'x@example.com', ...extra }).expect(400);
        expect(res.body.errors[0].message).toBe('is not an accepted field');
      }
      await get('selectors?kind=phone&value=call%20me').expect(400);
      expect((await get('selectors?value=nothing%20known').expect(200)).body).toEqual({ data: [], nextCursor: null });
      await get(`selectors/${MISSING}`).expect(404);
    });
  });

  describe('who may use the registry', () => {
    it('lets investigators, analysts and supervisors read and write, and refuses intake, auditors and admins', async () => {
      const supervisor = (await signedIn(t, ['supervisor'])).auth;
      await post('subjects', { fullName: 'By a supervisor' }, supervisor).expect(201);
      for (const role of ['intake', 'auditor', 'admin'] as const) {
        const auth = (await signedIn(t, [role])).auth;
        await post('subjects', { fullName: 'Refused' }, auth).expect(403);
        await get('subjects', auth).expect(403);
        await get('search?q=kim', auth).expect(403);
        await get(`graph?root=subject:${MISSING}`, auth).expect(403);
      }
    });
  });
});
