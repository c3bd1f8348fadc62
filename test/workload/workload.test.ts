import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { empiricalLengthPairs, fixedTokens, geometricCount, independentLengths, lengthsFromSource, lognormalTokens } from '../../src/workload/lengths.js';
import { ArrivalProcess, RateProfile } from '../../src/workload/profile.js';
import { arraySource, collect, newRequestRecord } from '../../src/workload/request.js';
import { Rng } from '../../src/workload/rng.js';
import { SyntheticSource } from '../../src/workload/synthetic.js';
import { scaleRate, shiftTime, takeRequests, timeWindow } from '../../src/workload/transforms.js';

function meanAndCv(values: number[]): { mean: number; cv: number } {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
  return { mean, cv: Math.sqrt(variance) / mean };
}

describe('Rng', () => {
  it('is reproducible per seed and stream, and streams differ', () => {
    const draw = (rng: Rng) => Array.from({ length: 5 }, () => rng.nextUint32());
    expect(draw(new Rng(1, 'a'))).toEqual(draw(new Rng(1, 'a')));
    expect(draw(new Rng(1, 'a'))).not.toEqual(draw(new Rng(1, 'b')));
    expect(draw(new Rng(1, 'a'))).not.toEqual(draw(new Rng(2, 'a')));
    expect(draw(new Rng(3).fork('x'))).toEqual(draw(new Rng(3).fork('x')));
  });

  it('draws uniform, exponential and gamma variates with the right moments', () => {
    const rng = new Rng(9, 'moments');
    const n = 100_000;
    const u = meanAndCv(Array.from({ length: n }, () => rng.nextFloat()));
    expect(u.mean).toBeCloseTo(0.5, 2);
    const e = meanAndCv(Array.from({ length: n }, () => rng.exponential(3)));
    expect(e.mean).toBeCloseTo(3, 1);
    expect(e.cv).toBeCloseTo(1, 1);
    for (const shape of [0.25, 2.5]) {
      const g = meanAndCv(Array.from({ length: n }, () => rng.gamma(shape)));
      expect(g.mean / shape).toBeCloseTo(1, 1);
      expect(g.cv * Math.sqrt(shape)).toBeCloseTo(1, 1);
    }
  });
});

describe('RateProfile and ArrivalProcess', () => {
  it('inverts the cumulative rate piece by piece', () => {
    const p = new RateProfile([{ atSeconds: 0, ratePerSecond: 2 }, { atSeconds: 10, ratePerSecond: 0 }, { atSeconds: 20, ratePerSecond: 4 }], 30);
    expect(p.totalExpected).toBe(60);
    expect(p.timeAtCumulative(10)).toBe(5);
    expect(p.timeAtCumulative(20)).toBe(20); // skips the zero-rate piece
    expect(p.timeAtCumulative(40)).toBe(25);
    expect(p.timeAtCumulative(60)).toBe(Number.POSITIVE_INFINITY);
    expect(p.rateAt(15)).toBe(0);
    expect(() => new RateProfile([{ atSeconds: 0, ratePerSecond: -1 }], 1)).toThrow(InputError);
  });

  it('follows the profile piece by piece with the requested burstiness', () => {
    for (const cv of [1, 3]) {
      const profile = RateProfile.uniform(0, 1000, [5, 20, 10]);
      const arrivals = new ArrivalProcess(profile, new Rng(4, `cv${cv}`), cv);
      const counts = [0, 0, 0];
      const gaps: number[] = [];
      let last = 0;
      for (let t = arrivals.next(); t < profile.endSeconds; t = arrivals.next()) {
        counts[Math.floor(t / 1000)]++;
        if (t >= 1000 && t < 2000) gaps.push(t - last);
        last = t;
      }
      expect(counts[0] / 5000).toBeCloseTo(1, 1);
      expect(counts[1] / 20000).toBeCloseTo(1, 1);
      expect(counts[2] / 10000).toBeCloseTo(1, 1);
      expect(meanAndCv(gaps.slice(1)).cv / cv).toBeCloseTo(1, 1);
    }
  });
});

describe('SyntheticSource', () => {
  const conversation = {
    turns: geometricCount(4),
    systemPromptTokens: 1024,
    systemPromptVariants: 2,
    thinkSeconds: fixedTokens(30),
    maxContextTokens: 1e9,
  };

  it('emits requests in time order, with the stream mix and the requested rate', () => {
    const source = new SyntheticSource(
      {
        profile: RateProfile.uniform(0, 3600, [10]),
        blockTokens: 256,
        streams: [
          { model: 'r1', channel: 'api', weight: 1, lengths: independentLengths(lognormalTokens(500, 1), lognormalTokens(300, 1)), conversation },
          { model: 'v3', channel: 'web', weight: 3, lengths: independentLengths(fixedTokens(100), fixedTokens(50)) },
        ],
      },
      new Rng(5, 'synthetic'),
    );
    const rows = collect(source);
    expect(source.models).toEqual(['r1', 'v3']);
    expect(source.channels).toEqual(['api', 'web']);
    for (let i = 1; i < rows.length; i++) expect(rows[i].arrivalSeconds).toBeGreaterThanOrEqual(rows[i - 1].arrivalSeconds);
    expect(rows.length / 36000).toBeCloseTo(1, 1);
    const r1Share = rows.filter((r) => r.modelIndex === 0).length / rows.length;
    expect(r1Share).toBeCloseTo(0.25, 1);
  });

  it('builds each turn on the previous one, so its leading blocks repeat', () => {
    const source = new SyntheticSource(
      {
        profile: RateProfile.uniform(0, 600, [1]),
        blockTokens: 256,
        streams: [{ model: 'r1', channel: 'api', weight: 1, lengths: independentLengths(fixedTokens(300), fixedTokens(200)), conversation }],
      },
      new Rng(6, 'turns'),
    );
    const rows = collect(source);
    const bySession = new Map<number, typeof rows>();
    for (const r of rows) bySession.set(r.sessionId, [...(bySession.get(r.sessionId) ?? []), r]);
    const long = [...bySession.values()].find((turns) => turns.length >= 3);
    expect(long).toBeDefined();
    const [t1, t2, t3] = long as typeof rows;
    expect(t1.inputTokens).toBe(1024 + 300);
    expect(t2.inputTokens).toBe(1024 + 300 + 200 + 300);
    expect(t3.inputTokens).toBe(t2.inputTokens + 200 + 300);
    expect(t2.arrivalSeconds - t1.arrivalSeconds).toBeCloseTo(30, 9);
    expect(t1.blockCount).toBe(Math.floor(t1.inputTokens / 256));
    expect(Array.from(t2.blockIds.subarray(0, t1.blockCount))).toEqual(Array.from(t1.blockIds.subarray(0, t1.blockCount)));
    // The first 4 blocks are the shared system prompt: equal across sessions using the same variant.
    const firstBlocks = new Set(rows.map((r) => r.blockIds[0]));
    expect(firstBlocks.size).toBeLessThanOrEqual(2);
    const sessionBlocks = new Set(rows.map((r) => r.blockIds[4]));
    expect(sessionBlocks.size).toBe(bySession.size);
  });

  it('draws lengths from observed pairs', () => {
    const lengths = empiricalLengthPairs([10, 20], [1, 2]);
    const out = { inputTokens: 0, outputTokens: 0 };
    const rng = new Rng(1);
    for (let i = 0; i < 20; i++) {
      lengths.sample(rng, out);
      expect(out.outputTokens * 10).toBe(out.inputTokens);
    }
    expect(lengths.meanInputTokens).toBe(15);
  });
});

describe('transforms', () => {
  const base = () => arraySource([0, 10, 20, 30, 40].map((arrivalSeconds) => ({ arrivalSeconds, inputTokens: 1, outputTokens: 1 })));
  const times = (s: ReturnType<typeof base>) => collect(s).map((r) => r.arrivalSeconds);

  it('scales the rate, shifts time, cuts a window and takes a prefix', () => {
    expect(times(scaleRate(base(), 2))).toEqual([0, 5, 10, 15, 20]);
    expect(times(shiftTime(base(), 100))).toEqual([100, 110, 120, 130, 140]);
    expect(times(timeWindow(base(), 10, 40))).toEqual([10, 20, 30]);
    expect(times(timeWindow(base(), 10, 40, true))).toEqual([0, 10, 20]);
    expect(times(takeRequests(base(), 2))).toEqual([0, 10]);
    const r = newRequestRecord();
    const s = timeWindow(base(), 100, 200);
    expect(s.next(r)).toBe(false);
  });
});

describe('lengthsFromSource', () => {
  it('keeps the (input, output) pairs of a trace', () => {
    const lengths = lengthsFromSource(arraySource([{ inputTokens: 100, outputTokens: 7 }, { inputTokens: 300, outputTokens: 21 }]));
    expect(lengths.meanInputTokens).toBe(200);
    expect(lengths.meanOutputTokens).toBe(14);
  });
});
