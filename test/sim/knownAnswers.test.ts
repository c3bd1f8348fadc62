import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openTrace } from '../../src/io/traceReader.js';
import { runFleet } from '../../src/sim/runFleet.js';
import { AffineStepTimeModel } from '../../src/sim/stepTime.js';
import { fixedTokens, independentLengths } from '../../src/workload/lengths.js';
import { RateProfile } from '../../src/workload/profile.js';
import { arraySource, collect } from '../../src/workload/request.js';
import { Rng } from '../../src/workload/rng.js';
import { SyntheticSource } from '../../src/workload/synthetic.js';
import { tracesDir } from '../paths.js';
import { smallFleet } from './fixtures.js';

const prefillOnly = (budget: number, stepSeconds: number, endSeconds: number, bucketSeconds: number) => {
  const config = smallFleet({ endSeconds, bucketSeconds });
  config.prefill = { ...config.prefill, gpusPerUnit: 1, tokenBudgetPerGpu: budget };
  const model = new AffineStepTimeModel({ prefillFixedSeconds: stepSeconds, decodeFixedSeconds: 0.01 });
  return { config, model };
};

describe('known answers', () => {
  it('one prefill GPU with a fixed step time serves exactly budget / step tokens per second', () => {
    const { config, model } = prefillOnly(1000, 0.5, 100, 50);
    // Saturated from 0.25 s: one request per step, steps end at 0.75, 1.25, ... (never on a bucket edge).
    const requests = Array.from({ length: 300 }, () => ({ arrivalSeconds: 0.25, inputTokens: 1000, outputTokens: 1 }));
    const result = runFleet(config, arraySource(requests), model, { drain: false });
    expect(result.buckets).toHaveLength(2);
    expect(result.buckets[1].prefillComputedTokensPerSecondPerNode).toBe(2000);
    expect(result.buckets[1].busyShare.prefill).toBe(1);
    expect(result.requests.completed).toBe(199); // first tokens at 0.75 ... 99.75 s
    expect(result.requests.inFlightAtEnd).toBe(101);
    expect(result.latency.ttftSeconds.max).toBe(99.5);
  });

  it('a saturated decode GPU with a fixed step time produces max batch / step tokens per second', () => {
    const config = smallFleet({ endSeconds: 200, bucketSeconds: 10 });
    config.prefill = { ...config.prefill, gpusPerUnit: 1, tokenBudgetPerGpu: 1_000_000 };
    config.decode = { ...config.decode, gpusPerUnit: 1, maxSequencesPerGpu: 4, maxStrideSteps: 1 };
    const model = new AffineStepTimeModel({ prefillFixedSeconds: 0.001, decodeFixedSeconds: 0.1 });
    const requests = Array.from({ length: 400 }, () => ({ arrivalSeconds: 0, inputTokens: 100, outputTokens: 11 }));
    const result = runFleet(config, arraySource(requests), model);
    expect(result.requests.completed).toBe(400);
    for (const bucket of result.buckets.slice(1, 9)) {
      expect(bucket.decodeOutputTokensPerSecondPerNode).toBeCloseTo(40, 9); // 4 sequences / 0.1 s
      expect(bucket.meanDecodeSequencesPerGpu).toBeCloseTo(4, 9);
    }
    // 4,000 decode tokens at 4 per step after the first step (1 token) end near 0.101 + 1000 x 0.1 s.
    expect(result.latency.e2eSeconds.max).toBeCloseTo(100.101, 6);
    expect(result.totals.outputTokens).toBe(4400);
  });

  it('a single prefill GPU with Poisson arrivals and a fixed step time matches the M/D/1 waiting time', () => {
    // M/D/1 with λ = 0.5/s and service D = 1 s: ρ = 0.5, mean wait Wq = ρ·D / (2(1 − ρ)) = 0.5 s.
    const seconds = 400_000;
    const { config, model } = prefillOnly(1000, 1, seconds, seconds);
    const source = new SyntheticSource(
      {
        profile: RateProfile.uniform(0, seconds, [0.5]),
        blockTokens: 512,
        streams: [{ model: 'm', channel: 'api', weight: 1, lengths: independentLengths(fixedTokens(1000), fixedTokens(1)) }],
      },
      new Rng(11, 'md1'),
    );
    const result = runFleet(config, source, model);
    const n = result.latency.ttftSeconds.count;
    expect(n).toBeGreaterThan(195_000);
    const meanWaitSeconds = (result.latency.ttftSeconds.mean as number) - 1;
    // Tolerance ±5% of Wq: the standard error with ~200k correlated samples is about 1%.
    expect(meanWaitSeconds).toBeGreaterThan(0.5 * 0.95);
    expect(meanWaitSeconds).toBeLessThan(0.5 * 1.05);
    // Utilisation ρ = λ·D.
    expect(result.buckets[0].busyShare.prefill).toBeCloseTo(0.5, 2);
  });

  it('an infinite cache on the Mooncake conversation trace hits exactly its prefix-reuse share (37.36%)', () => {
    const path = join(tracesDir, 'mooncake_fast25/conversation_trace.jsonl');
    // Independent count: hit tokens = min(512 x leading blocks seen in earlier requests, input).
    const seen = new Set<number>();
    let hitTokens = 0;
    let inputTokens = 0;
    for (const r of collect(openTrace(path))) {
      let lead = 0;
      while (lead < r.blockCount && seen.has(r.blockIds[lead])) lead++;
      hitTokens += Math.min(512 * lead, r.inputTokens);
      inputTokens += r.inputTokens;
      for (let i = 0; i < r.blockCount; i++) seen.add(r.blockIds[i]);
    }
    const expected = hitTokens / inputTokens;
    expect(expected.toFixed(4)).toBe('0.3736');

    const config = smallFleet({ endSeconds: 4000, bucketSeconds: 3600 });
    config.cache = { capacityBytes: Number.POSITIVE_INFINITY, readBytesPerSecondPerGpu: 1e12, overlapLoad: true };
    config.prefill = { ...config.prefill, gpusPerUnit: 8, plan: { kind: 'schedule', steps: [{ atSeconds: 0, units: 4 }] } };
    config.decode = { ...config.decode, gpusPerUnit: 16, maxSequencesPerGpu: 256, plan: { kind: 'schedule', steps: [{ atSeconds: 0, units: 2 }] } };
    const model = new AffineStepTimeModel({ prefillFixedSeconds: 0.01, prefillSecondsPerNewToken: 1e-6, decodeFixedSeconds: 0.02 });
    const result = runFleet(config, openTrace(path), model);
    expect(result.requests.completed).toBe(12031);
    expect(result.totals.cacheHitInputTokens).toBe(hitTokens);
    expect(result.totals.inputTokens).toBe(inputTokens);
    expect(result.totals.cacheHitShare).toBe(expected);
  });
});
