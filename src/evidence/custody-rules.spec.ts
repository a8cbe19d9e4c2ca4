import { allowedCustodyEvents, nextCustodyState } from './custody-rules';

describe('the custody state machine', () => {
  it('moves an item through its chain', () => {
    expect(nextCustodyState('in_custody', 'checked_out')).toBe('checked_out');
    expect(nextCustodyState('checked_out', 'checked_in')).toBe('in_custody');
    expect(nextCustodyState('in_custody', 'sealed')).toBe('sealed');
    expect(nextCustodyState('sealed', 'transferred')).toBe('sealed');
    expect(nextCustodyState('sealed', 'unsealed')).toBe('in_custody');
    expect(nextCustodyState('in_custody', 'destroyed')).toBe('destroyed');
  });

  it('refuses impossible moves and names the allowed ones', () => {
    expect(nextCustodyState('in_custody', 'checked_in')).toBeUndefined();
    expect(nextCustodyState('checked_out', 'transferred')).toBeUndefined();
    expect(nextCustodyState('sealed', 'checked_out')).toBeUndefined();
    expect(allowedCustodyEvents('checked_out')).toEqual(['checked_in']);
    expect(allowedCustodyEvents('destroyed')).toEqual([]);
    expect(allowedCustodyEvents('released')).toEqual([]);
  });
});
