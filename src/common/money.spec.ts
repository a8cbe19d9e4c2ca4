import { formatMoney, isCurrencyCode, isMinorUnits, minorUnitDigits, minorUnitsFromDatabase } from './money';

describe('money', () => {
  it('knows the ISO 4217 currencies and their minor units', () => {
    expect(minorUnitDigits('USD')).toBe(2);
    expect(minorUnitDigits('JPY')).toBe(0);
    expect(minorUnitDigits('BHD')).toBe(3);
    expect(minorUnitDigits('CLF')).toBe(4);
    expect(isCurrencyCode('EUR')).toBe(true);
  });

  it('refuses unknown codes, lower case, and codes without a minor unit', () => {
    for (const code of ['ABC', 'usd', 'US', 'USDD', 'XAU', 'XXX', 'XTS', 'XDR', '', 42, null]) expect([code, isCurrencyCode(code)]).toEqual([code, false]);
  });

  it('takes only positive safe integers as minor units', () => {
    expect(isMinorUnits(1)).toBe(true);
    expect(isMinorUnits(Number.MAX_SAFE_INTEGER)).toBe(true);
    for (const v of [0, -1, 1.5, Number.MAX_SAFE_INTEGER + 1, 2 ** 53, 1e300, Infinity, NaN, '100', 100n, true]) expect([v, isMinorUnits(v)]).toEqual([v, false]);
  });

  it('shows amounts with the currency exponent', () => {
    expect(formatMoney(500_000_000, 'USD')).toBe('USD 5,000,000.00');
    expect(formatMoney(5, 'USD')).toBe('USD 0.05');
    expect(formatMoney(1_000, 'JPY')).toBe('JPY 1,000');
    expect(formatMoney(1_500, 'BHD')).toBe('BHD 1.500');
    expect(formatMoney(Number.MAX_SAFE_INTEGER, 'USD')).toBe('USD 90,071,992,547,409.91');
  });

  it('reads bigint columns exactly, or not at all', () => {
    expect(minorUnitsFromDatabase('9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => minorUnitsFromDatabase('9007199254740993')).toThrow();
  });
});
