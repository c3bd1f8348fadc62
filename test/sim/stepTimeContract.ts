import { expect, it } from 'vitest';
import type { DecodeLoad, PrefillLoad, StepTimeModel } from '../../src/sim/stepTime.js';

/**
 * The contract every StepTimeModel must pass (the simulator's assumptions about "how long"): positive,
 * finite step times, and never faster for more work. A perf-model test calls
 * `stepTimeContract('name', () => model, shape)` to run these cases against its own model.
 */
export function stepTimeContract(
  name: string,
  make: () => StepTimeModel,
  shape: { prefillGpus: number; decodeGpus: number; microBatches: number } = { prefillGpus: 32, decodeGpus: 144, microBatches: 2 },
): void {
  const prefill = (newTokens: number, context: number, sequences = 1): PrefillLoad => ({
    gpus: shape.prefillGpus,
    microBatches: shape.microBatches,
    newTokens,
    sequences,
    attentionPairs: newTokens * context + (newTokens * (newTokens + 1)) / 2,
    cachedTokens: context,
    cacheLoadTokens: 0,
    unitNewTokens: newTokens * shape.prefillGpus,
  });
  const decode = (sequences: number, kvPerSequence: number): DecodeLoad => ({
    gpus: shape.decodeGpus,
    microBatches: shape.microBatches,
    sequences,
    kvTokens: sequences * kvPerSequence,
    unitSequences: sequences * shape.decodeGpus,
    unitKvTokens: sequences * kvPerSequence * shape.decodeGpus,
  });

  it(`${name}: prefill steps take a positive, finite time that grows with tokens and context`, () => {
    const model = make();
    let last = 0;
    for (const tokens of [1, 64, 1024, 4096, 16384]) {
      const seconds = model.prefillStepSeconds(prefill(tokens, 0));
      expect(seconds).toBeGreaterThan(0);
      expect(Number.isFinite(seconds)).toBe(true);
      expect(seconds).toBeGreaterThanOrEqual(last);
      last = seconds;
    }
    expect(model.prefillStepSeconds(prefill(4096, 32768))).toBeGreaterThanOrEqual(model.prefillStepSeconds(prefill(4096, 0)));
  });

  it(`${name}: decode steps take a positive, finite time that grows with batch and KV length`, () => {
    const model = make();
    let last = 0;
    for (const sequences of [1, 8, 32, 128]) {
      const seconds = model.decodeStepSeconds(decode(sequences, 4096));
      expect(seconds).toBeGreaterThan(0);
      expect(Number.isFinite(seconds)).toBe(true);
      expect(seconds).toBeGreaterThanOrEqual(last);
      last = seconds;
    }
    expect(model.decodeStepSeconds(decode(32, 65536))).toBeGreaterThanOrEqual(model.decodeStepSeconds(decode(32, 1024)));
  });
}
