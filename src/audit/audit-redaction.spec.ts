import { changedFields, redact, REDACTED } from './audit-redaction';

describe('audit redaction', () => {
  it('redacts credentials and tipster identity at any depth', () => {
    expect(redact({ username: 'ana', password: 'p', nested: { apiKey: 'k', list: [{ refreshToken: 't' }] }, tipster: { name: 'X' } })).toEqual({
      username: 'ana',
      password: REDACTED,
      nested: { apiKey: REDACTED, list: [{ refreshToken: REDACTED }] },
      tipster: REDACTED,
    });
  });

  it('lists only changed fields, and a changed secret without its values', () => {
    expect(changedFields({ displayName: 'A', roles: ['analyst'], passwordHash: 'h1' }, { displayName: 'B', roles: ['analyst'], passwordHash: 'h2' })).toEqual({
      displayName: { before: 'A', after: 'B' },
      passwordHash: { before: REDACTED, after: REDACTED },
    });
  });

  it('treats a created record as all fields new', () => {
    expect(changedFields(null, { name: 'hotline' })).toEqual({ name: { before: null, after: 'hotline' } });
  });
});
