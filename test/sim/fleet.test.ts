import { describe, expect, it } from 'vitest';
import type { FleetConfig } from '../../src/sim/config.js';
import type { FleetResult } from '../../src/sim/result.js';
import { runFleet } from '../../src/sim/runFleet.js';
import { AffineStepTimeModel } from '../../src/sim/stepTime.js';
import { fixedTokens, geometricCount, independentLengths, lognormalTokens } from '../../src/workload/lengths.js';
import { RateProfile } from '../../src/workload/profile.js';
import { arraySource, type RequestSource } from '../../src/workload/request.js';
import { Rng } from '../../src/workload/rng.js';
import { SyntheticSource } from '../../src/workload/synthetic.js';
import { smallFleet } from './fixtures.js';

const model = new AffineStepTimeModel({
  prefillFixedSeconds: 0.02,
  prefillSecondsPerNewToken: 2e-5,
  prefillSecondsPerAttentionPair: 1e-10,
  decodeFixedSeconds: 0.02,
  decodeSecondsPerSequence: 1e-4,
  decodeSecondsPerKvToken: 1e-8,
});

/** Two hours of conversational traffic with a day-like rate swing, two models and two channels. */
function workload(seed: number, rateScale = 1): RequestSource {
  const conversation = {
    turns: geometricCount(3),
    systemPromptTokens: 700,
    systemPromptVariants: 3,
    thinkSeconds: lognormalTokens(60, 1, 1, 1800),
    maxContextTokens: 32000,
  };
  return new SyntheticSource(
    {
      profile: RateProfile.uniform(0, 1800, [2, 6, 4, 1].map((r) => r * rateScale)),
      interArrivalCv: 2,
      blockTokens: 64,
      streams: [
        { model: 'r1', channel: 'api', weight: 1, lengths: independentLengths(lognormalTokens(800, 1), lognormalTokens(400, 1)), conversation },
        { model: 'v3', channel: 'web', weight: 2, lengths: independentLengths(lognormalTokens(300, 1), lognormalTokens(200, 1)), conversation },
        { model: 'v3', channel: 'api', weight: 1, lengths: independentLengths(lognormalTokens(2000, 0.5), fixedTokens(1)) },
      ],
    },
    new Rng(seed, 'workload'),
  );
}

function fleet(): FleetConfig {
  const config = smallFleet({ endSeconds: 7200, bucketSeconds: 1800 });
  config.cache = { capacityBytes: 5e9, readBytesPerSecondPerGpu: 2e9, overlapLoad: false };
  config.kvTransfer = { bytesPerSecondPerGpu: 5e9, overlapped: true };
  config.prefill = { ...config.prefill, gpusPerUnit: 4, tokenBudgetPerGpu: 4096, plan: { kind: 'schedule', steps: [{ atSeconds: 0, units: 2 }, { atSeconds: 3600, units: 3 }, { atSeconds: 5400, units: 1 }] } };
  config.decode = { ...config.decode, gpusPerUnit: 8, maxSequencesPerGpu: 32, kvCapacityTokensPerGpu: 200_000, maxStrideSteps: 32, plan: { kind: 'schedule', steps: [{ atSeconds: 0, units: 2 }, { atSeconds: 5400, units: 1 }] } };
  return config;
}

function sumBuckets(result: FleetResult, pick: (b: FleetResult['buckets'][number]) => number): number {
  return result.buckets.reduce((s, b) => s + pick(b), 0);
}

describe('runFleet', () => {
  it('is deterministic: the same inputs and seed give byte-identical JSON', () => {
    const a = JSON.stringify(runFleet(fleet(), workload(1), model));
    const b = JSON.stringify(runFleet(fleet(), workload(1), model));
    expect(a).toBe(b);
    expect(JSON.stringify(runFleet(fleet(), workload(2), model))).not.toBe(a);
  });

  it('conserves requests and tokens', () => {
    const config = fleet();
    config.api = { maxQueuedRequests: 8 };
    const result = runFleet(config, workload(3, 3), model);
    const r = result.requests;
    expect(r.rejected).toBeGreaterThan(0);
    // Every request arrives once and completes or is rejected (here all by the API server).
    expect(r.rejectedTooLongForDecode).toBe(0);
    expect(r.arrived).toBe(r.admitted + (r.rejected - r.rejectedTooLongForDecode) + r.beforeWindow);
    expect(r.admitted).toBe(r.completed + r.rejectedTooLongForDecode + r.inFlightAtEnd);
    expect(r.inFlightAtEnd).toBe(0);
    expect(sumBuckets(result, (b) => b.arrived)).toBe(r.arrived);
    expect(sumBuckets(result, (b) => b.completed)).toBe(r.completed);
    expect(sumBuckets(result, (b) => b.rejected)).toBe(r.rejected);
    // Ledger tokens: the per-bucket rows add up to the totals, per model and channel.
    const t = result.totals;
    const bucketTokens = (k: 'inputCacheHit' | 'inputCacheMiss' | 'output') => sumBuckets(result, (b) => b.tokens.reduce((s, row) => s + row[k], 0));
    expect(bucketTokens('inputCacheHit')).toBe(t.cacheHitInputTokens);
    expect(bucketTokens('inputCacheMiss')).toBe(t.cacheMissInputTokens);
    expect(bucketTokens('output')).toBe(t.outputTokens);
    expect(t.tokens.map((row) => `${row.model}/${row.channel}`).sort()).toEqual(['r1/api', 'v3/api', 'v3/web']);
    // Served = billed: every output token is a first token from prefill or one decode step's token.
    const decodeTokens = result.buckets.reduce((s, b) => s + (b.decodeOutputTokensPerSecondPerNode ?? 0) * b.nodeSeconds.decode, 0);
    const firstTokens = r.completed; // every request here has at least one output token
    expect(decodeTokens + firstTokens).toBeCloseTo(t.outputTokens, 3);
    // Prompt tokens served by prefill equal the ledger's input tokens.
    const prefillInput = result.buckets.reduce((s, b) => s + (b.prefillInputTokensPerSecondPerNode ?? 0) * b.nodeSeconds.prefill, 0);
    expect(prefillInput).toBeCloseTo(t.inputTokens, 3);
    expect(t.cacheHitShare).toBeGreaterThan(0.2);
    expect(t.cacheHitShare).toBeLessThan(0.9);
  });

  it('keeps a removed unit until it has drained and counts its node-seconds until then', () => {
    const config = smallFleet({ endSeconds: 200, bucketSeconds: 200 });
    config.decode = { ...config.decode, gpusPerUnit: 1, plan: { kind: 'schedule', steps: [{ atSeconds: 0, units: 2 }, { atSeconds: 10, units: 1 }] } };
    const fixed = new AffineStepTimeModel({ prefillFixedSeconds: 0.5, decodeFixedSeconds: 1 });
    // Two requests, one per decode unit; each needs 100 decode steps of 1 s.
    const source = arraySource([
      { arrivalSeconds: 0, inputTokens: 10, outputTokens: 101 },
      { arrivalSeconds: 0.25, inputTokens: 10, outputTokens: 101 },
    ]);
    const result = runFleet(config, source, fixed);
    expect(result.requests.completed).toBe(2);
    const steps = result.fleetSteps.decode;
    expect(steps[0]).toEqual({ atSeconds: 0, servingUnits: 2, aliveUnits: 2 });
    expect(steps[1]).toEqual({ atSeconds: 10, servingUnits: 1, aliveUnits: 2 });
    // The second request reaches decode at 1.0 s (its prefill step is 0.5-1.0 s) and finishes 100 steps later.
    expect(steps[2].atSeconds).toBeCloseTo(101, 9);
    expect(steps[2]).toMatchObject({ servingUnits: 1, aliveUnits: 1 });
    expect(result.totals.nodeSeconds.decode).toBeCloseTo(200 + 101, 9);
  });

  it('scales with an autoscaler: more units under load, never above the maximum, ready after provisioning', () => {
    const config = fleet();
    config.decode = {
      ...config.decode,
      plan: { kind: 'autoscale', initialUnits: 1, minUnits: 1, maxUnits: 4, intervalSeconds: 60, targetUtilisation: 0.05, provisionSeconds: 120, hysteresisUnits: 1, cooldownSeconds: 300 },
    };
    const result = runFleet(config, workload(5, 2), model);
    const steps = result.fleetSteps.decode;
    const maxServing = Math.max(...steps.map((s) => s.servingUnits));
    expect(maxServing).toBeGreaterThan(1);
    expect(Math.max(...steps.map((s) => s.aliveUnits))).toBeLessThanOrEqual(4);
    // A unit added at t is alive (paid) from t and serving from t + 120 s.
    const firstGrowth = steps.findIndex((s) => s.aliveUnits > 1);
    const firstServing = steps.findIndex((s) => s.servingUnits > 1);
    expect(steps[firstServing].atSeconds - steps[firstGrowth].atSeconds).toBeCloseTo(120, 9);
    expect(result.requests.completed).toBe(result.requests.admitted);
  });

  it('rejects nothing without a cap and everything beyond a zero cap', () => {
    const config = fleet();
    config.api = { maxQueuedRequests: 0 };
    const result = runFleet(config, workload(6), model);
    expect(result.requests.admitted).toBe(0);
    expect(result.requests.rejected).toBe(result.requests.arrived);
  });

  it('runs every balancer and they conserve requests', () => {
    for (const balancer of ['deepseek', 'least-loaded', 'round-robin'] as const) {
      const config = fleet();
      config.prefill = { ...config.prefill, balancer };
      config.decode = { ...config.decode, balancer };
      const result = runFleet(config, workload(7), model);
      expect(result.requests.completed).toBe(result.requests.admitted);
      expect(result.latency.ttftSeconds.count).toBe(result.requests.completed);
    }
  });

  it('balances decode GPUs by requests with the deepseek policy', () => {
    const config = smallFleet({ endSeconds: 100, bucketSeconds: 100 });
    config.prefill = { ...config.prefill, tokenBudgetPerGpu: 100_000 };
    config.decode = { ...config.decode, gpusPerUnit: 4, maxSequencesPerGpu: 2, plan: { kind: 'schedule', steps: [{ atSeconds: 0, units: 2 }] } };
    const fixed = new AffineStepTimeModel({ prefillFixedSeconds: 0.1, decodeFixedSeconds: 0.1 });
    // 16 long requests fill 2 units x 4 GPUs x 2 sequences exactly; a 17th would wait.
    const requests = Array.from({ length: 17 }, (_, i) => ({ arrivalSeconds: i * 0.001, inputTokens: 100, outputTokens: 100 }));
    const result = runFleet(config, arraySource(requests), fixed);
    expect(result.requests.completed).toBe(17);
    expect(result.buckets[0].queues.decodeWaitingMax).toBe(1);
  });

  it('rejects a bad configuration with the key path', () => {
    const config = fleet();
    config.decode = { ...config.decode, maxSequencesPerGpu: 0 };
    expect(() => runFleet(config, workload(1), model)).toThrow(/^fleet\.decode\.maxSequencesPerGpu: expected a whole number/);
    const unordered = fleet();
    unordered.prefill = { ...unordered.prefill, plan: { kind: 'schedule', steps: [{ atSeconds: 0, units: 1 }, { atSeconds: 0, units: 2 }] } };
    expect(() => runFleet(unordered, workload(1), model)).toThrow(/fleet\.prefill\.plan\.steps\[1\]\.atSeconds/);
  });
});
