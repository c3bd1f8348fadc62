import { describe, expect, it } from 'vitest';
import { withCacheHits } from '../../src/sim/cacheHits.js';
import { runFleet } from '../../src/sim/runFleet.js';
import { AffineStepTimeModel } from '../../src/sim/stepTime.js';
import { arraySource } from '../../src/workload/request.js';
import { smallFleet } from './fixtures.js';

describe('serving path details', () => {
  it('chunks a long prompt over steps and prices each chunk’s causal attention', () => {
    const config = smallFleet({ endSeconds: 100, bucketSeconds: 100 });
    config.prefill = { ...config.prefill, gpusPerUnit: 1, tokenBudgetPerGpu: 1000 };
    // Only attention costs time: 1 µs per query-key pair.
    const model = new AffineStepTimeModel({ prefillSecondsPerAttentionPair: 1e-6, decodeFixedSeconds: 0.01 });
    const result = runFleet(config, arraySource([{ arrivalSeconds: 0, inputTokens: 2500, outputTokens: 1 }]), model);
    // Chunks of 1000, 1000, 500 tokens: 500,500 + 1,500,500 + 1,125,250 pairs = 2500·2501/2.
    expect(result.latency.ttftSeconds.max).toBeCloseTo(3.12625, 9);
  });

  it('loads a cached prefix instead of computing it, at the cache bandwidth', () => {
    const config = smallFleet({ endSeconds: 100, bucketSeconds: 100 });
    config.kvBytesPerToken = 1000;
    config.cache = { capacityBytes: Number.POSITIVE_INFINITY, readBytesPerSecondPerGpu: 1_536_000, overlapLoad: false };
    config.prefill = { ...config.prefill, gpusPerUnit: 1 };
    const model = new AffineStepTimeModel({ prefillSecondsPerNewToken: 1e-3, decodeFixedSeconds: 0.01 });
    const blockIds = Float64Array.from([1, 2, 3, 4]);
    const result = runFleet(
      config,
      arraySource([
        { arrivalSeconds: 0, inputTokens: 1536, outputTokens: 1, blockTokens: 512, blockIds: blockIds.subarray(0, 3) },
        { arrivalSeconds: 10, inputTokens: 2048, outputTokens: 1, blockTokens: 512, blockIds },
      ]),
      model,
    );
    expect(result.totals.cacheHitInputTokens).toBe(1536);
    expect(result.totals.cacheHitShare).toBeCloseTo(1536 / (1536 + 2048), 12);
    // First: 1,536 tokens computed (1.536 s). Second: 512 computed (0.512 s) + 1,536 loaded (1 s).
    expect(result.latency.ttftSeconds.max).toBeCloseTo(1.536, 9);
    expect(result.latency.ttftSeconds.min).toBeCloseTo(1.512, 9);
  });

  it('cache hits resolved ahead of the run (withCacheHits) give the same run; never with an API that can reject', () => {
    const config = smallFleet({ endSeconds: 100, bucketSeconds: 100 });
    config.cache = { capacityBytes: 3 * 512 * 1000, readBytesPerSecondPerGpu: 1_536_000, overlapLoad: false };
    const model = new AffineStepTimeModel({ prefillSecondsPerNewToken: 1e-3, decodeFixedSeconds: 0.01 });
    const records = [1, 2, 3, 4].map((i) => ({ arrivalSeconds: 5 * i, inputTokens: 2048, outputTokens: 3, blockTokens: 512, blockIds: Float64Array.from([1, 2, 10 + i, 100 + i]) }));
    const capacityTokens = config.cache.capacityBytes / config.kvBytesPerToken;
    const inline = runFleet(config, arraySource(records), model);
    const ahead = runFleet(config, withCacheHits(arraySource(records), capacityTokens, 0, 100), model);
    expect(inline.totals.cacheHitInputTokens).toBe(3 * 1024);
    expect(ahead).toEqual(inline);
    const rejecting = { ...config, api: { maxQueuedRequests: 10 } };
    expect(() => runFleet(rejecting, withCacheHits(arraySource(records), capacityTokens, 0, 100), model)).toThrow(/never rejects/);
  });

  it('serves a long prefill queue first in, first out, chunk by chunk', () => {
    const config = smallFleet({ endSeconds: 1000, bucketSeconds: 1000 });
    config.prefill = { ...config.prefill, gpusPerUnit: 1, tokenBudgetPerGpu: 1000 };
    // Every step takes 1 s; 60 prompts at once queue far beyond a rank's first ring of 16.
    const model = new AffineStepTimeModel({ prefillFixedSeconds: 1, decodeFixedSeconds: 0.01 });
    const inputs = Array.from({ length: 60 }, (_, i) => 300 + ((i * 7) % 11) * 90);
    const result = runFleet(config, arraySource(inputs.map((inputTokens) => ({ arrivalSeconds: 0, inputTokens, outputTokens: 1 }))), model);
    // First in, first out: the first prompt steps alone; then each step takes up to 1,000 tokens from the head.
    const ttft: number[] = [1];
    let step = 1;
    let room = 0;
    for (const input of inputs.slice(1)) {
      let left = input;
      while (left > 0) {
        if (room === 0) {
          step++;
          room = 1000;
        }
        const chunk = Math.min(left, room);
        left -= chunk;
        room -= chunk;
      }
      ttft.push(step);
    }
    expect(result.requests.completed).toBe(60);
    expect(result.latency.ttftSeconds.max).toBe(Math.max(...ttft));
    expect(result.latency.ttftSeconds.mean).toBeCloseTo(ttft.reduce((a, b) => a + b, 0) / ttft.length, 9);
  });

  it('makes requests wait for decode KV capacity and serves them all', () => {
    const config = smallFleet({ endSeconds: 100, bucketSeconds: 100 });
    config.prefill = { ...config.prefill, tokenBudgetPerGpu: 100_000 };
    config.decode = { ...config.decode, gpusPerUnit: 1, kvCapacityTokensPerGpu: 2500 };
    const model = new AffineStepTimeModel({ prefillFixedSeconds: 0.1, decodeFixedSeconds: 0.1 });
    const requests = Array.from({ length: 6 }, (_, i) => ({ arrivalSeconds: i * 0.01, inputTokens: 1000, outputTokens: 11 }));
    const result = runFleet(config, arraySource(requests), model);
    expect(result.requests.completed).toBe(6);
    expect(result.buckets[0].queues.decodeWaitingMax).toBeGreaterThan(0);
    // Two fit at a time (2 x 1,000 + growth ≤ 2,500), so the last finishes after three rounds of 10 steps.
    expect(result.latency.e2eSeconds.max).toBeGreaterThan(3);
  });

  it('drains a removed prefill unit and keeps serving on the rest', () => {
    const config = smallFleet({ endSeconds: 60, bucketSeconds: 60 });
    config.prefill = { ...config.prefill, plan: { kind: 'schedule', steps: [{ atSeconds: 0, units: 3 }, { atSeconds: 20, units: 1 }, { atSeconds: 40, units: 2 }] } };
    const model = new AffineStepTimeModel({ prefillFixedSeconds: 0.2, prefillSecondsPerNewToken: 1e-4, decodeFixedSeconds: 0.02 });
    const requests = Array.from({ length: 600 }, (_, i) => ({ arrivalSeconds: i * 0.1, inputTokens: 500 + (i % 7) * 300, outputTokens: 20 }));
    const result = runFleet(config, arraySource(requests), model);
    expect(result.requests.completed).toBe(600);
    const serving = result.fleetSteps.prefill.map((s) => [s.atSeconds, s.servingUnits]);
    expect(serving[0]).toEqual([0, 3]);
    expect(serving.find(([t]) => t === 20)?.[1]).toBe(1);
    expect(serving.find(([t]) => t === 40)?.[1]).toBe(2);
    // Between 20 s and the end of the drain, 1 to 3 units are alive; node-seconds stay within those bounds.
    const nodeSeconds = result.totals.nodeSeconds.prefill;
    expect(nodeSeconds).toBeGreaterThanOrEqual(20 * 3 + 20 * 1 + 20 * 2);
    expect(nodeSeconds).toBeLessThanOrEqual(60 * 3 + 1);
  });
});

describe('multi-token prediction', () => {
  it('takes ceil((output - 1) / tokens per step) decode steps and counts exactly the output tokens', () => {
    const config = smallFleet({ endSeconds: 100, bucketSeconds: 100 });
    config.decode = { ...config.decode, gpusPerUnit: 1, tokensPerStep: 1.8 };
    const model = new AffineStepTimeModel({ prefillFixedSeconds: 0.5, decodeFixedSeconds: 0.1 });
    const result = runFleet(config, arraySource([{ arrivalSeconds: 0, inputTokens: 100, outputTokens: 11 }]), model);
    // 10 decode tokens at 1.8 per step: 6 steps of 0.1 s after the first token at 0.5 s.
    expect(result.latency.e2eSeconds.max).toBeCloseTo(1.1, 9);
    expect(result.totals.outputTokens).toBe(11);
    const b = result.buckets[0];
    expect((b.decodeOutputTokensPerSecondPerNode as number) * b.nodeSeconds.decode).toBeCloseTo(10, 9);
  });
});
