import { describe, expect, it } from 'vitest';
import type { FleetConfig } from '../../src/sim/config.js';
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
function decodeUnits(units: number): FleetConfig {
  const config = smallFleet({ endSeconds: 600, bucketSeconds: 600 });
  config.prefill = { ...config.prefill, tokenBudgetPerGpu: 100_000 };
  config.decode = { ...config.decode, gpusPerUnit: 1, kvCapacityTokensPerGpu: 1000, plan: { kind: 'schedule', steps: [{ atSeconds: 0, units }] } };
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
});
