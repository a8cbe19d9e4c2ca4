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
});
