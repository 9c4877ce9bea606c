import { describe, expect, it } from 'vitest';
import { decimalsOf, ScaleRecovery } from '../../../handler/restore/numeric-scale';

function recovered(values: readonly (string | null)[]) {
  const recovery = new ScaleRecovery();
  for (const value of values) recovery.observe(value);
  return recovery.result();
}

describe('numeric scale from the data', () => {
  it('counts the decimals PostgreSQL printed, none for NaN and the infinities', () => {
    expect(decimalsOf('12.50')).toBe(2);
    expect(decimalsOf('-3')).toBe(0);
    expect(decimalsOf('0.000100')).toBe(6);
    expect(decimalsOf('NaN')).toBeUndefined();
    expect(decimalsOf('-Infinity')).toBeUndefined();
  });

  it('finds one scale when every value agrees, ignoring NULL and NaN', () => {
    expect(recovered(['1.00', null, '-99999.99', 'NaN', '0.10'])).toEqual({ kind: 'scale', scale: 2 });
    expect(recovered(['7', '8'])).toEqual({ kind: 'scale', scale: 0 });
  });

  it('says mixed when values differ (an unconstrained numeric), and none without values', () => {
    expect(recovered(['1.5', '2.25'])).toEqual({ kind: 'mixed' });
    expect(recovered([null, 'NaN'])).toEqual({ kind: 'none' });
    expect(recovered([])).toEqual({ kind: 'none' });
  });
});
