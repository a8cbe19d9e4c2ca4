import { QueryFailedError } from 'typeorm';
import { databaseFaultOf } from '../errors/database-fault';
import { mapToProblem } from './problem-mapper';

const pgError = (code: string, message = 'boom'): Error => Object.assign(new Error(message), { severity: 'FATAL', code });

describe('mapToProblem: database faults', () => {
  it.each([
    ['connection refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }), 'database-unavailable', '5'],
    ['refused on every address', new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })], 'connect failed'), 'database-unavailable', '5'],
    ['administrator shutdown', new QueryFailedError('SELECT 1', [], pgError('57P01')), 'database-unavailable', '5'],
    ['connection exception', pgError('08006'), 'database-unavailable', '5'],
    ['connection lost', new QueryFailedError('SELECT 1', [], new Error('Connection terminated unexpectedly')), 'database-unavailable', '5'],
    ['new connection timed out', new Error('Connection terminated due to connection timeout'), 'database-unavailable', '5'],
    ['pool exhausted', new Error('timeout exceeded when trying to connect'), 'database-busy', '2'],
    ['too many connections', pgError('53300'), 'database-busy', '2'],
    ['statement timeout', new QueryFailedError('SELECT pg_sleep(9)', [], pgError('57014')), 'query-timeout', '2'],
    ['no answer from the server', new Error('Query read timeout'), 'query-timeout', '2'],
  ])('answers %s with a 503 and Retry-After', (_name, error, code, retryAfter) => {
    const mapped = mapToProblem(error, undefined);
    expect(mapped.body).toMatchObject({ status: 503, type: `urn:casefile:problem:${code}` });
    expect(mapped.headers['Retry-After']).toBe(retryAfter);
    expect(mapped.unexpected).toBe(false);
    expect(JSON.stringify(mapped.body)).not.toMatch(/ECONN|5432|SELECT|terminated/);
  });

  it('leaves other database errors alone', () => {
    expect(databaseFaultOf(new QueryFailedError('SELECT 1', [], pgError('22P02')))).toBeUndefined();
    expect(mapToProblem(new QueryFailedError('SELECT 1', [], pgError('23505')), undefined).body.status).toBe(409);
    expect(mapToProblem(new Error('x'), undefined).body.status).toBe(500);
  });
});
