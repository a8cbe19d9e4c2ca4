import { QueryFailedError } from 'typeorm';
import { describeError, isCredentialParam, redactUrl, serializeError } from './logger';

describe('logging', () => {
  it('recognises credential-looking query parameters whatever their case and separators', () => {
    for (const name of [
      'x-api-key',
      'X_API_KEY',
      'apiKey',
      'api.key',
      'accessToken',
      'access_token',
      'refreshToken',
      'id_token',
      'client_secret',
      'bearer',
      'password',
      'passwd',
      'jwt',
      'session',
      'sessionId',
      'auth',
      'Authorization',
      'secret',
      'token',
      'key',
      'pwd',
    ]) {
      expect([name, isCredentialParam(name)]).toEqual([name, true]);
    }
    for (const name of [
      'limit',
      'cursor',
      'actorId',
      'action',
      'resourceType',
      'resourceId',
      'caseId',
      'outcome',
      'from',
      'to',
      'afterPosition',
      'q',
      'keyword',
      'author',
      'monkey',
      'reason',
    ]) {
      expect([name, isCredentialParam(name)]).toEqual([name, false]);
    }
  });

  it('masks them in a logged URL', () => {
    expect(redactUrl('/a?limit=2&Client-Secret=s3cr3t')).toBe('/a?limit=2&Client-Secret=%5BREDACTED%5D');
  });

  it('logs a database error as class, code and constraint: never its message, query, parameters or detail', () => {
    const driverError = Object.assign(new Error('duplicate key value violates unique constraint "uq_user" $argon2id$v=19$x'), {
      severity: 'ERROR',
      code: '23505',
      constraint: 'uq_user',
      detail: 'Key (password_hash)=($argon2id$v=19$secret) already exists.',
      routine: '_bt_check_unique',
    });
    const error = new QueryFailedError('INSERT INTO app_user VALUES ($1, $2)', ['j.doe', '$argon2id$v=19$secret'], driverError);
    const serialized = serializeError(error);
    expect(serialized).toMatchObject({ type: 'QueryFailedError', code: '23505', constraint: 'uq_user' });
    expect(JSON.stringify(serialized)).not.toMatch(/argon|INSERT|j\.doe|duplicate/);
    expect(JSON.stringify(serializeError(driverError))).not.toMatch(/argon|duplicate/);
    expect(describeError(error)).toBe('QueryFailedError: 23505: constraint uq_user');
  });

  it('keeps message and stack of other errors', () => {
    const serialized = serializeError(new TypeError('x is not a function'));
    expect(serialized).toMatchObject({ type: 'TypeError', message: 'x is not a function' });
    expect(serialized.stack).toContain('TypeError');
  });
});
