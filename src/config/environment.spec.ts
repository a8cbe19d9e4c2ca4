import { InvalidEnvironmentError, loadEnvironment } from './environment';

describe('loadEnvironment', () => {
  it('applies defaults to an empty environment', () => {
    const env = loadEnvironment({});
    expect(env.PORT).toBe(3000);
    expect(env.DATA_DIR).toBe('./.data');
    expect(env.MIGRATIONS_RUN).toBe(true);
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it('parses numbers and booleans', () => {
    const env = loadEnvironment({ PORT: '8080', MFA_REQUIRED: 'true', MIGRATIONS_RUN: 'false' });
    expect(env).toMatchObject({ PORT: 8080, MFA_REQUIRED: true, MIGRATIONS_RUN: false });
  });

  it('names every bad variable in one error', () => {
    let error: unknown;
    try {
      loadEnvironment({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', MFA_REQUIRED: 'perhaps', JWT_SECRET: 'short' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidEnvironmentError);
    const names = (error as InvalidEnvironmentError).problems.map((p) => p.split(':')[0]);
    expect(names.sort()).toEqual(['DATABASE_URL', 'JWT_SECRET', 'LOG_LEVEL', 'MFA_REQUIRED', 'PORT']);
  });

  it('requires the shared secrets in production, naming each one missing', () => {
    let error: unknown;
    try {
      loadEnvironment({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/casefile', HMAC_KEY: 'h'.repeat(40) });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidEnvironmentError);
    const problems = (error as InvalidEnvironmentError).problems;
    expect(problems.map((p) => p.split(':')[0])).toEqual(['JWT_SECRET', 'FIELD_ENCRYPTION_KEY', 'AUDIT_SIGNING_KEY']);
    expect(problems[0]).toMatch(/required in production, with the same value on every replica/);
    expect(() => loadEnvironment({ NODE_ENV: 'development' })).not.toThrow();
  });

  it('accepts a secret as the current key followed by older ones, comma-separated', () => {
    const key = (b: number): string => Buffer.alloc(32, b).toString('base64');
    expect(loadEnvironment({ FIELD_ENCRYPTION_KEY: `${key(1)},${key(2)}`, JWT_SECRET: `${'a'.repeat(32)},${'b'.repeat(32)}` }).FIELD_ENCRYPTION_KEY).toBe(`${key(1)},${key(2)}`);
    expect(() => loadEnvironment({ FIELD_ENCRYPTION_KEY: `${key(1)},short` })).toThrow(/FIELD_ENCRYPTION_KEY/);
    expect(() => loadEnvironment({ JWT_SECRET: `${'a'.repeat(32)},short` })).toThrow(/JWT_SECRET/);
  });

  it('takes a duplicate similarity from 0.5 to 1: below 0.5 the MinHash bands would miss most such narratives', () => {
    expect(loadEnvironment({ TIP_DUPLICATE_SIMILARITY: '0.5' }).TIP_DUPLICATE_SIMILARITY).toBe(0.5);
    expect(() => loadEnvironment({ TIP_DUPLICATE_SIMILARITY: '0.4' })).toThrow(/TIP_DUPLICATE_SIMILARITY/);
    expect(() => loadEnvironment({ TIP_DUPLICATE_SIMILARITY: '1.1' })).toThrow(/TIP_DUPLICATE_SIMILARITY/);
  });
});
