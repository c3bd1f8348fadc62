import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTimeZone } from '../../src/econ/clock.js';
import { fromDecimal, ratio } from '../../src/econ/exact.js';
import { buildLedger, poolCostMicros, type BucketUsage, type PoolSpec, type TrafficCell } from '../../src/econ/ledger.js';
import type { ClassPrices, PriceBook, TimeOfDayRule } from '../../src/econ/pricebook.js';
import { sumBuckets } from '../../src/econ/totals.js';

const HOUR_MS = 3_600_000;
const T0 = Date.UTC(2025, 1, 27, 12); // a whole hour, UTC

function prices(hit: number, miss: number, output: number): ClassPrices {
  return { inputCacheHit: fromDecimal(hit), inputCacheMiss: fromDecimal(miss), output: fromDecimal(output) };
}

function book(options: Partial<PriceBook> = {}): PriceBook {
  return {
    name: 'test',
    versions: [{ effectiveFromMs: -Infinity, pricesByModel: new Map([['*', prices(0.14, 0.55, 2.19)]]) }],
    rules: [],
    paidChannels: 'all',
    ...options,
  };
}

const pool: PoolSpec = { name: 'all', serves: 'both', gpusPerNode: 8, gpuHourUsd: fromDecimal(2) };

function cell(model: string, channel: string, hit: number, miss: number, output: number): TrafficCell {
  return { model, channel, inputCacheHit: hit, inputCacheMiss: miss, output };
}

function hours(count: number, traffic: (b: number) => TrafficCell[], nodes = 10): BucketUsage[] {
  return Array.from({ length: count }, (_, b) => ({
    startMs: T0 + b * HOUR_MS,
    endMs: T0 + (b + 1) * HOUR_MS,
    nodeMsByPool: [nodes * HOUR_MS],
    peakNodesByPool: [nodes],
    peakNodes: nodes,
    traffic: traffic(b),
  }));
}

describe('ledger', () => {
  it('costs node-hours x GPUs x $/GPU-hour to the micro-dollar', () => {
    expect(poolCostMicros(pool, 278 * HOUR_MS)).toEqual(ratio(4448_000_000n));
    // One node for one millisecond at $2/GPU-hour x 8 GPUs = 4.444… micro-dollars.
    expect(poolCostMicros(pool, 1)).toEqual(ratio(40, 9));
  });

  it('rounds each line on its running total: the day is its exact total, rounded once', () => {
    // 1,000 buckets of one node-millisecond each: 4.444… micro-dollars apiece, 4,444.44… in all.
    const usage = hours(1000, () => []).map((bucket) => ({ ...bucket, nodeMsByPool: [1] }));
    const ledger = buildLedger([pool], usage, book(), null);
    expect(sumBuckets(ledger).costMicros).toBe(4444n);
    for (const bucket of ledger.buckets) expect([4n, 5n]).toContain(bucket.costMicrosByPool[0]);
  });

  it('prices a token of p $/M at p micro-dollars', () => {
    const ledger = buildLedger([pool], hours(1, () => [cell('r1', 'api', 1_000_000, 1_000_000, 1_000_000)]), book(), null);
    expect(ledger.buckets[0].theoreticalMicros[0]).toEqual([140_000n, 550_000n, 2_190_000n]);
  });

  it('keeps the day equal to the sum of many buckets, to the micro-dollar', () => {
    // 1,000 buckets of awkward amounts: each rounds, and the day is the sum of what was posted.
    const usage = hours(1000, (b) => [cell('m', 'api', 7 * b + 3, 11 * b + 1, 13 * b + 7)], 3);
    const ledger = buildLedger([pool], usage, book(), book());
    const day = sumBuckets(ledger);
    let theoretical = 0n;
    let cost = 0n;
    for (const bucket of ledger.buckets) {
      const row = sumBuckets(ledger, [bucket]);
      theoretical += row.theoreticalMicros;
      cost += row.costMicros;
    }
    expect(day.theoreticalMicros).toBe(theoretical);
    expect(day.costMicros).toBe(cost);
    expect(day.realizedMicros).toBe(theoretical);
  });

  it('earns nothing on free channels but still counts their tokens', () => {
    const paid = book({ paidChannels: new Set(['api']) });
    const usage = hours(2, () => [cell('r1', 'web', 1e6, 1e6, 1e6), cell('r1', 'api', 1e6, 0, 0)]);
    const day = sumBuckets(buildLedger([pool], usage, book(), paid));
    expect(day.realizedMicros).toBe(2n * 140_000n);
    expect(day.byChannel.get('web')!.realizedMicros).toBe(0n);
    expect(day.byChannel.get('web')!.output).toBe(2e6);
  });

  const utc = parseTimeZone('UTC')!;
  const offPeak = (startMinute: number, endMinute: number, factor: number): TimeOfDayRule => ({
    name: 'off-peak',
    zone: utc,
    startMinute,
    endMinute,
    factorByModel: new Map([['*', fromDecimal(factor)]]),
  });

  it('applies a discount window that crosses midnight, pro rata within a bucket', () => {
    // 16:30–00:30 UTC at 25%. Buckets from 16:00 UTC: half of 16:00, all of 17:00…23:00, half of 00:00.
    const start = Date.UTC(2025, 1, 27, 16);
    const usage: BucketUsage[] = [0, 1, 8, 9].map((h) => ({
      startMs: start + h * HOUR_MS,
      endMs: start + (h + 1) * HOUR_MS,
      nodeMsByPool: [0],
      peakNodesByPool: [0],
      peakNodes: 0,
      traffic: [cell('r1', 'api', 0, 0, 1_000_000)],
    }));
    const ledger = buildLedger([pool], usage, book(), book({ rules: [offPeak(16 * 60 + 30, 30, 0.25)] }));
    const realized = ledger.buckets.map((bucket) => bucket.realizedMicros![0][2]);
    // 16:00: half at 100%, half at 25% → 62.5%; 17:00: 25%; 00:00: half in → 62.5%; 01:00: 100%.
    expect(realized).toEqual([1_368_750n, 547_500n, 1_368_750n, 2_190_000n]);
  });

  it('follows a window across a day boundary in another zone', () => {
    // The window 16:30–00:30 UTC is 00:30–08:30 at UTC+8: the 08:00 (UTC+8) bucket is half in.
    const plus8 = parseTimeZone('+08:00')!;
    const rule = { ...offPeak(30, 8 * 60 + 30, 0.5), zone: plus8 };
    const start = Date.UTC(2025, 1, 28, 0); // 08:00 at UTC+8
    const usage = hours(1, () => [cell('v3', 'api', 0, 0, 1_000_000)]).map((u) => ({ ...u, startMs: start, endMs: start + HOUR_MS }));
    const ledger = buildLedger([pool], usage, book(), book({ rules: [rule] }));
    expect(ledger.buckets[0].realizedMicros![0][2]).toBe(1_642_500n); // 0.75 x 2.19
  });

  it('switches price versions at their effective time, pro rata', () => {
    const change = T0 + HOUR_MS / 4;
    const versioned = book({
      versions: [
        { effectiveFromMs: -Infinity, pricesByModel: new Map([['*', prices(0, 0, 1)]]) },
        { effectiveFromMs: change, pricesByModel: new Map([['*', prices(0, 0, 2)]]) },
      ],
    });
    const ledger = buildLedger([pool], hours(1, () => [cell('m', 'api', 0, 0, 4_000_000)]), book(), versioned);
    expect(ledger.buckets[0].realizedMicros![0][2]).toBe(7_000_000n); // 1/4 at $1 + 3/4 at $2, x 4M tokens
  });

  it('refuses what it cannot price exactly, with a RangeError that says why', () => {
    // Fractional node time: the caller rounds it on its running total; the ledger does not guess.
    expect(() => poolCostMicros(pool, 1.5)).toThrow(RangeError);
    expect(() => poolCostMicros(pool, 1.5)).toThrow(/pool "all": node time must be whole node-milliseconds >= 0, got 1\.5/);
    expect(() => poolCostMicros(pool, -1)).toThrow(RangeError);
    // A model the book has no price for.
    const named = book({ versions: [{ effectiveFromMs: -Infinity, pricesByModel: new Map([['r1', prices(1, 1, 1)]]) }] });
    expect(() => buildLedger([pool], hours(1, () => [cell('v3', 'api', 1, 1, 1)]), named, null)).toThrow(RangeError);
    // Hours before the book's first prices took effect are not priced at the later prices.
    const later = book({ versions: [{ effectiveFromMs: T0 + HOUR_MS, pricesByModel: new Map([['*', prices(1, 1, 1)]]) }] });
    expect(() => buildLedger([pool], hours(2, () => []), later, null)).toThrow(
      /price book "test" has no prices before 2025-02-27T13:00:00\.000Z, asked from 2025-02-27T12:00:00\.000Z/,
    );
    expect(buildLedger([pool], hours(2, () => []).slice(1), later, null).buckets).toHaveLength(1);
  });

  it('scaling every price by k scales revenue by k (before rounding)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(10 ** 9), fc.nat(10 ** 9), fc.nat(10 ** 9)), { minLength: 1, maxLength: 24 }),
        fc.integer({ min: 1, max: 1000 }),
        (volumes, k) => {
          // Prices in whole micro-dollars per million tokens keep each line an integer, so no rounding.
          const base = book({ versions: [{ effectiveFromMs: -Infinity, pricesByModel: new Map([['*', prices(1, 3, 7)]]) }] });
          const scaled = book({ versions: [{ effectiveFromMs: -Infinity, pricesByModel: new Map([['*', prices(k, 3 * k, 7 * k)]]) }] });
          const usage = hours(volumes.length, (b) => [cell('m', 'api', ...volumes[b])]);
          const a = sumBuckets(buildLedger([pool], usage, base, null)).theoreticalMicros;
          const b = sumBuckets(buildLedger([pool], usage, scaled, null)).theoreticalMicros;
          expect(b).toBe(a * BigInt(k));
        },
      ),
      { numRuns: 50 },
    );
  });

  it('the day equals the sum of its buckets for any traffic and fleet', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ hit: fc.nat(10 ** 10), miss: fc.nat(10 ** 10), out: fc.nat(10 ** 10), nodes: fc.nat(500) }), {
          minLength: 1,
          maxLength: 48,
        }),
        (rows) => {
          const usage = rows.map((row, b) => ({
            ...hours(1, () => [cell('m', 'api', row.hit, row.miss, row.out)], row.nodes)[0],
            startMs: T0 + b * HOUR_MS,
            endMs: T0 + (b + 1) * HOUR_MS,
          }));
          const ledger = buildLedger([{ ...pool, gpuHourUsd: ratio(7, 3) }], usage, book(), book({ rules: [offPeak(90, 7 * 60, 0.3)] }));
          const day = sumBuckets(ledger);
          const parts = ledger.buckets.map((bucket) => sumBuckets(ledger, [bucket]));
          expect(day.costMicros).toBe(parts.reduce((s, p) => s + p.costMicros, 0n));
          expect(day.realizedMicros).toBe(parts.reduce((s, p) => s + p.realizedMicros!, 0n));
          expect(day.output).toBe(rows.reduce((s, r) => s + r.out, 0));
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('time-of-day windows across a daylight-saving jump', () => {
  it('a window edge inside the gap starts at the jump (New York, 2025-03-09)', async () => {
    const { dailyWindowIntervals, parseTimeZone } = await import('../../src/econ/clock.js');
    const newYork = parseTimeZone('America/New_York')!;
    const dayStart = Date.UTC(2025, 2, 9, 5); // 00:00 EST
    const dayEnd = Date.UTC(2025, 2, 10, 4); // 00:00 EDT
    // 01:30–02:30 local: 02:00–03:00 does not exist, so the window is 01:30–03:00 EDT's jump = 30 min.
    const [[from, to]] = dailyWindowIntervals(dayStart, dayEnd, newYork, 90, 150);
    expect(new Date(from).toISOString()).toBe('2025-03-09T06:30:00.000Z');
    expect(new Date(to).toISOString()).toBe('2025-03-09T07:00:00.000Z');
    // Entirely inside the gap: empty, not moved an hour later.
    expect(dailyWindowIntervals(dayStart, dayEnd, newYork, 135, 165)).toEqual([]);
  });
});
