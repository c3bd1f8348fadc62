import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { add, fromDecimal, mul, ratio, roundHalfEven, toExactString, toNumber } from '../../src/econ/exact.js';

describe('exact ratios', () => {
  it('reads decimals as written, not as binary doubles', () => {
    expect(fromDecimal(0.14)).toEqual(ratio(7, 50));
    expect(fromDecimal('2.19')).toEqual(ratio(219, 100));
    expect(fromDecimal(608e9)).toEqual(ratio(608_000_000_000));
    expect(fromDecimal('1e-3')).toEqual(ratio(1, 1000));
    expect(() => fromDecimal('abc')).toThrow(/not a decimal/);
  });

  it('0.1 + 0.2 is exactly 0.3', () => {
    expect(add(fromDecimal(0.1), fromDecimal(0.2))).toEqual(fromDecimal(0.3));
  });

  it('prints exact values as decimals to the last digit, and the rest as fractions', () => {
    expect(toExactString(fromDecimal('0.9999996'))).toBe('0.9999996');
    expect(toExactString(add(fromDecimal(0.7), fromDecimal(0.3000000000000001)))).toBe('1.0000000000000001');
    expect(toExactString(ratio(-7, 40))).toBe('-0.175');
    expect(toExactString(ratio(1, 50))).toBe('0.02');
    expect(toExactString(ratio(3000))).toBe('3000');
    expect(toExactString(ratio(0))).toBe('0');
    expect(toExactString(ratio(1, 3))).toBe('1/3');
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), fc.integer({ min: 0, max: 9 }), (num, exponent) => {
        const exact = ratio(num, 10n ** BigInt(exponent));
        expect(fromDecimal(toExactString(exact))).toEqual(exact);
      }),
    );
  });

  it('rounds half to even', () => {
    expect(roundHalfEven(ratio(5, 2))).toBe(2n);
    expect(roundHalfEven(ratio(7, 2))).toBe(4n);
    expect(roundHalfEven(ratio(-5, 2))).toBe(-2n);
    expect(roundHalfEven(ratio(-7, 2))).toBe(-4n);
    expect(roundHalfEven(ratio(26, 10))).toBe(3n);
    expect(roundHalfEven(ratio(-26, 10))).toBe(-3n);
  });

  it('rounding is within half a unit of the exact value', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), fc.bigInt({ min: 1n, max: 10n ** 9n }), (num, den) => {
        const exact = ratio(num, den);
        const rounded = roundHalfEven(exact);
        const error = toNumber(add(ratio(rounded), mul(exact, ratio(-1))));
        expect(Math.abs(error)).toBeLessThanOrEqual(0.5);
      }),
    );
  });
});
