import { isCalendarDate, isCountryCode, isPartialDate } from './validators';

describe('shared validators', () => {
  it('accepts real calendar days only', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2023-02-29')).toBe(false);
    expect(isCalendarDate('2024-13-40')).toBe(false);
    expect(isCalendarDate('2024-12')).toBe(false);
    expect(isCalendarDate('0999-01-01')).toBe(false);
  });
  it('accepts a full date, a year and month, or a year', () => {
    for (const ok of ['1985-03-12', '1985-03', '1985']) expect(isPartialDate(ok)).toBe(true);
    for (const bad of ['2024-13-40', '2024-13', '1985-02-30', '85', '1985-3', '']) expect(isPartialDate(bad)).toBe(false);
  });
  it('checks countries against the ISO list', () => {
    expect(isCountryCode('KP')).toBe(true);
    expect(isCountryCode('ZZ')).toBe(false);
    expect(isCountryCode('kp')).toBe(false);
  });
});
