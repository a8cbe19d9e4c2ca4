import { ApiPropertyOptional } from '@nestjs/swagger';
import { hostileStrings, jsonDepthExceeds, parseTimestamp, tooDeepPath, unexpectedNulls } from './input-rules';

describe('input rules', () => {
  it('measures JSON depth without parsing, skipping brackets inside strings', () => {
    expect(jsonDepthExceeds('{"a":[[1]]}', 3)).toBe(false);
    expect(jsonDepthExceeds('{"a":[[[1]]]}', 3)).toBe(true);
    expect(jsonDepthExceeds('{"a":"[[[[[[\\"[[["}', 1)).toBe(false);
    expect(jsonDepthExceeds('['.repeat(1_000_000), 64)).toBe(true);
  });

  it('finds the path of the first container nested too deep, without recursion', () => {
    const deep = JSON.parse('{"x":[{"y":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}]}') as unknown;
    expect(tooDeepPath(deep, 4)).toBe('x.0.y.0');
    expect(tooDeepPath({ a: [1, { b: 2 }] }, 4)).toBeUndefined();
  });

  it('names every NUL and lone surrogate, in values and keys, by path', () => {
    expect(hostileStrings({ a: 'ok', b: ['x', 'y\u0000'], c: { d: 'z\ud800' }, 'k\u0000': 1, e: '🛰' })).toEqual([
      { field: 'b.1', message: 'must not contain a NUL character' },
      { field: 'c.d', message: 'must not contain a lone UTF-16 surrogate (invalid Unicode)' },
      { field: 'k\\u0000', message: 'is not an accepted field name: it must not contain a NUL character' },
    ]);
    expect(hostileStrings('a\udc00', 'id')).toEqual([{ field: 'id', message: expect.stringMatching(/surrogate/) }]);
  });

  it("refuses keys named like a member of every object, which class-validator's whitelist does not see", () => {
    const body = JSON.parse('{"program":"P","constructor":"x","maxAmount":{"amount":1,"toString":"y","hasOwnProperty":1},"list":[{"valueOf":2}]}') as unknown;
    expect(hostileStrings(body)).toEqual([
      { field: 'constructor', message: 'is not an accepted field' },
      { field: 'maxAmount.toString', message: 'is not an accepted field' },
      { field: 'maxAmount.hasOwnProperty', message: 'is not an accepted field' },
      { field: 'list.0.valueOf', message: 'is not an accepted field' },
    ]);
    expect(hostileStrings({ program: 'constructor', note: 'toString' })).toEqual([]); // as values they are only words
  });

  it('takes strict ISO 8601 times within years 0001–9999 only', () => {
    expect(parseTimestamp('2024-12-12')?.toISOString()).toBe('2024-12-12T00:00:00.000Z');
    expect(parseTimestamp('2024-12-12T09:30:00+01:30')?.toISOString()).toBe('2024-12-12T08:00:00.000Z');
    expect(parseTimestamp('0001-01-01T00:00:00Z')?.toISOString()).toBe('0001-01-01T00:00:00.000Z');
    expect(parseTimestamp('9999-12-31T23:59:59.999999Z')?.toISOString()).toBe('9999-12-31T23:59:59.999Z');
    for (const bad of [
      '-004713-01-01T00:00:00Z',
      '+275760-09-13T00:00:00Z',
      '1',
      '2024',
      '2024-02-30',
      '2023-02-29',
      '2024-12-12T24:00:00Z',
      '2024-12-12T10:00:00',
      '0001-01-01T00:00:00+01:00',
      '2024-12-12T10:00:00+15:00',
      'yesterday',
      '',
    ]) {
      expect([bad, parseTimestamp(bad)]).toEqual([bad, undefined]);
    }
  });
});

describe('null fields', () => {
  class Inner {
    @ApiPropertyOptional({ nullable: true, type: String }) note?: string | null;
    @ApiPropertyOptional() tag?: string;
  }
  class Outer {
    @ApiPropertyOptional({ nullable: true, type: String }) clearable?: string | null;
    @ApiPropertyOptional() optional?: string;
    @ApiPropertyOptional({ type: Inner }) inner?: Inner;
  }
  const dto = (values: Partial<Outer>, inner?: Partial<Inner>): Outer =>
    Object.assign(new Outer(), values, inner ? { inner: Object.assign(new Inner(), inner) } : {});

  it('takes null only where the OpenAPI document says nullable, in nested DTOs too', () => {
    expect(unexpectedNulls(dto({ clearable: null }, { note: null }))).toEqual([]);
    expect(unexpectedNulls(dto({ optional: null as unknown as string }, { tag: null as unknown as string }))).toEqual([
      { field: 'optional', message: 'must not be null (leave the field out instead)' },
      { field: 'inner.tag', message: 'must not be null (leave the field out instead)' },
    ]);
  });
});
