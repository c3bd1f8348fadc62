import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { usd } from '../../src/report/build-statement.js';
import { ratio, toExactString } from '../../src/econ/exact.js';
import {
  formatCompact,
  formatNumber,
  formatPercent,
  formatTokens,
  formatUsd,
  formatUsdCompact,
} from '../../src/report/format.js';

describe('formatUsd', () => {
  it('shows whole dollars with separators for big amounts', () => {
    expect(formatUsd(87072)).toBe('$87,072');
    expect(formatUsd(562027.4)).toBe('$562,027');
    expect(formatUsd(1234567.89)).toBe('$1,234,568');
  });
  it('keeps cents for small amounts and up to four decimals below a dollar', () => {
    expect(formatUsd(4.25)).toBe('$4.25');
    expect(formatUsd(0.14)).toBe('$0.14');
    expect(formatUsd(0.0606)).toBe('$0.0606');
    expect(formatUsd(0.3)).toBe('$0.30');
    expect(formatUsd(0)).toBe('$0.00');
  });
  it('honours fixed decimals and signs negatives without a minus zero', () => {
    expect(formatUsd(797.5, 0)).toBe('$798');
    expect(formatUsd(-1500)).toBe('−$1,500');
    expect(formatUsd(-0.00001)).toBe('$0.00');
  });
});

describe('formatPercent', () => {
  it('turns a fraction into a percentage with one decimal', () => {
    expect(formatPercent((562027 - 87072) / 87072)).toBe('545.5%');
    expect(formatPercent(0.563)).toBe('56.3%');
    expect(formatPercent(12.345, 0)).toBe('1,235%');
    expect(formatPercent(-0.25)).toBe('−25.0%');
  });
});

describe('compact numbers and tokens', () => {
  it('uses three significant digits and keeps zeros so columns line up', () => {
    expect(formatCompact(608e9)).toBe('608B');
    expect(formatCompact(33e9)).toBe('33.0B');
    expect(formatCompact(8.08e9)).toBe('8.08B');
    expect(formatCompact(999_600)).toBe('1.00M');
    expect(formatCompact(950)).toBe('950');
  });
  it('formats axis dollars tersely', () => {
    expect(formatUsdCompact(30000)).toBe('$30k');
    expect(formatUsdCompact(4448)).toBe('$4.45k');
    expect(formatUsdCompact(0)).toBe('$0');
    expect(formatUsdCompact(-2500)).toBe('−$2.5k');
  });
  it('keeps small token counts exact', () => {
    expect(formatTokens(9876)).toBe('9,876');
    expect(formatTokens(168e9)).toBe('168B');
  });
  it('formats plain numbers with separators and trimmed decimals', () => {
    expect(formatNumber(226.75)).toBe('226.75');
    expect(formatNumber(5442)).toBe('5,442');
    expect(formatNumber(95.5)).toBe('95.5');
    expect(formatNumber(Number.NaN)).toBe('–');
  });
});

describe('usd (micro-dollars to the JSON number)', () => {
  it('below $1 billion prints the exact micro-dollar amount and gives the micros back', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 15n) + 1n, max: 10n ** 15n - 1n }), (micros) => {
        expect(String(usd(micros))).toBe(toExactString(ratio(micros, 1_000_000n)));
        expect(BigInt(Math.round(usd(micros) * 1e6))).toBe(micros);
      }),
      { numRuns: 2000 },
    );
  });

  it('is a double, not the amount: sums of them are not exact', () => {
    expect(usd(100_000n) + usd(200_000n)).not.toBe(usd(300_000n));
  });
});
