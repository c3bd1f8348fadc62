import { describe, expect, it } from 'vitest';
import type { DecodeBalancerKind, FleetConfig } from '../../src/sim/config.js';
import type { FleetResult } from '../../src/sim/result.js';
import { runFleet } from '../../src/sim/runFleet.js';
import { AffineStepTimeModel } from '../../src/sim/stepTime.js';
import { arraySource } from '../../src/workload/request.js';
import { smallFleet } from './fixtures.js';

// Prefill steps of 0.01 s and arrivals 0.05 s apart: each request is prefilled alone and reaches
// decode in arrival order. Decode steps of 1 s: everything admitted in the first seconds is still
// decoding when the last request comes.
const model = new AffineStepTimeModel({ prefillFixedSeconds: 0.01, decodeFixedSeconds: 1 });

/** `units` decode units of one GPU each, holding 1,000 KV tokens. */
function decodeUnits(units: number, balancer: DecodeBalancerKind = 'deepseek'): FleetConfig {
  const config = smallFleet({ endSeconds: 600, bucketSeconds: 600 });
  config.prefill = { ...config.prefill, tokenBudgetPerGpu: 100_000 };
  config.decode = { ...config.decode, gpusPerUnit: 1, kvCapacityTokensPerGpu: 1000, balancer, plan: { kind: 'schedule', steps: [{ atSeconds: 0, units }] } };
  return config;
}

const maxDecodeWaiting = (result: FleetResult): number => Math.max(...result.buckets.map((b) => b.queues.decodeWaitingMax));

describe('decode admission', () => {
  it.each([8, 32, 33, 40])('with %i units, places a request on another unit when the best unit has no room', (units) => {
    // Unit 0 takes a long request (900 KV tokens at its end), every other unit two short ones (100
    // each). Unit 0, with the fewest requests, is then the balancer's best unit, but its GPU lacks
    // room for the last request (200 more).
    const requests = [{ arrivalSeconds: 0, inputTokens: 800, outputTokens: 100 }];
    for (let i = 1; i < 2 * units - 1; i++) requests.push({ arrivalSeconds: i * 0.05, inputTokens: 50, outputTokens: 50 });
    requests.push({ arrivalSeconds: (2 * units - 1) * 0.05, inputTokens: 150, outputTokens: 50 });
    const result = runFleet(decodeUnits(units), arraySource(requests), model);
    expect(result.requests.completed).toBe(requests.length);
    // Placed on a unit with two short requests at once, not queued until the long one leaves.
    expect(maxDecodeWaiting(result)).toBe(0);
    // The long request is the last to finish (99 steps after 0.01 s); a queued one would end ~50 s later.
    expect(result.latency.e2eSeconds.max).toBeCloseTo(99.01, 6);
  });

  it('a decode unit the schedule adds takes the waiting line at once', () => {
    // One unit of one GPU holding 1,000 KV tokens: the first request (800 + 100) fills it for 99 s of
    // steps, the second (400 + 100) waits. A second unit comes at 10 s and takes the waiting request
    // then, not at the next step boundary of a running unit.
    const config = decodeUnits(1);
    config.decode.plan = { kind: 'schedule', steps: [{ atSeconds: 0, units: 1 }, { atSeconds: 10.5, units: 2 }] };
    const requests = [
      { arrivalSeconds: 0, inputTokens: 800, outputTokens: 100 },
      { arrivalSeconds: 0.05, inputTokens: 400, outputTokens: 100 },
    ];
    const result = runFleet(config, arraySource(requests), model);
    expect(result.requests.completed).toBe(2);
    expect(maxDecodeWaiting(result)).toBe(1);
    // Joins at 10.5 s, then 99 steps of 1 s: done at 109.5 s, 109.45 s after it arrived (it used to
    // wait for the running unit's next event, its last step at 99.01 s, and end at 198.01 s).
    expect(result.latency.e2eSeconds.max).toBeCloseTo(109.45, 6);
  });

  it.each(['deepseek', 'least-loaded', 'round-robin'] as const)('rejects a request too long for any decode GPU instead of stalling the line behind it (%s)', (balancer) => {
    // First a request whose prompt + answer (950 + 100) exceeds a decode GPU's 1,000 KV tokens, then
    // twenty that fit. It used to wait at the head of the line for good, and every later one behind it.
    const requests = [{ arrivalSeconds: 0, inputTokens: 950, outputTokens: 100 }];
    for (let i = 1; i <= 20; i++) requests.push({ arrivalSeconds: i * 0.05, inputTokens: 50, outputTokens: 50 });
    const result = runFleet(decodeUnits(2, balancer), arraySource(requests), model);
    const r = result.requests;
    expect(r).toMatchObject({ arrived: 21, admitted: 21, rejected: 1, rejectedTooLongForDecode: 1, completed: 20, inFlightAtEnd: 0 });
    expect(maxDecodeWaiting(result)).toBe(0);
    // 49 decode steps of 1 s after at most a second of arrivals and prefill.
    expect(result.latency.e2eSeconds.max).toBeLessThan(51);
    expect(result.buckets[0].rejected).toBe(1);
  });

  it('counts a rejected request once, keeps its prefill work and bills none of its prompt', () => {
    const config = smallFleet({ endSeconds: 100, bucketSeconds: 10 });
    config.cache = { capacityBytes: Number.POSITIVE_INFINITY, readBytesPerSecondPerGpu: 1e12, overlapLoad: false };
    // 1,000 bytes per token at 1 MB/s: a prompt's KV takes (input / 1,000) s to reach decode.
    config.kvTransfer = { bytesPerSecondPerGpu: 1e6, overlapped: false };
    config.decode = { ...config.decode, kvCapacityTokensPerGpu: 2000 };
    const fast = new AffineStepTimeModel({ prefillFixedSeconds: 0.01, decodeFixedSeconds: 0.01 });
    const blocks = Float64Array.from([1, 2, 3, 4]);
    const requests = [
      { arrivalSeconds: 0, inputTokens: 512, outputTokens: 2, blockTokens: 512, blockIds: blocks.subarray(0, 1) },
      // Too long for decode (2,048 + 100 > 2,000), with 512 tokens from the cache: prefilled by 9.01 s
      // (bucket 0), its KV reaches decode 2.048 s later (bucket 1) and is refused there.
      { arrivalSeconds: 9, inputTokens: 2048, outputTokens: 100, blockTokens: 512, blockIds: blocks },
      // As long, but its one output token comes from prefill: it never needs decode, and completes.
      { arrivalSeconds: 20, inputTokens: 2048, outputTokens: 1, blockTokens: 512, blockIds: blocks },
      { arrivalSeconds: 30, inputTokens: 1500, outputTokens: 400 },
    ];
    const result = runFleet(config, arraySource(requests), fast);
    const r = result.requests;
    expect(r).toMatchObject({ arrived: 4, beforeWindow: 0, admitted: 4, rejected: 1, rejectedTooLongForDecode: 1, completed: 3, inFlightAtEnd: 0 });
    // Every request arrives once and completes or is rejected.
    expect(r.arrived - r.beforeWindow).toBe(r.completed + r.rejected + r.inFlightAtEnd);
    expect(r.admitted).toBe(r.completed + r.rejectedTooLongForDecode + r.inFlightAtEnd);
    expect(result.buckets.map((b) => b.rejected).slice(0, 3)).toEqual([0, 1, 0]);
    expect(result.latency.ttftSeconds.count).toBe(3);
    // Billed: the completed requests' prompts only (the third's fully cached). Bucket 0 keeps the first's.
    expect(result.totals).toMatchObject({ inputTokens: 512 + 2048 + 1500, cacheHitInputTokens: 2048, cacheMissInputTokens: 512 + 1500 });
    expect(result.buckets[0].tokens).toEqual([{ model: 'model', channel: 'api', inputCacheHit: 0, inputCacheMiss: 512, output: 2 }]);
    // Served: prefill computed the rejected prompt too, and the cache-hit share counts what was admitted.
    const b0 = result.buckets[0];
    expect((b0.prefillInputTokensPerSecondPerNode as number) * b0.nodeSeconds.prefill).toBeCloseTo(512 + 2048, 6);
    expect(result.totals.cacheHitShare).toBeCloseTo((512 + 2048) / (512 + 2048 + 2048 + 1500), 12);
  });
});
