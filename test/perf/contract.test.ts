// Contract: every GPU x a few models through the step model; sanity, not accuracy.
import { describe, expect, it } from 'vitest';
import { GPUS } from '../../src/catalog/gpus.js';
import { lookupModel } from '../../src/catalog/models.js';
import { isInputError } from '../../src/errors.js';
import { evaluateDecode, maxDecodeBatch } from '../../src/perf/evaluate.js';
import { createStepTimeModel, uniformPrefillLoad, type UnitStepModel } from '../../src/perf/step-model.js';

const MODELS = ['deepseek-v3', 'llama-3.1-8b', 'llama-3.1-70b', 'qwen3-30b-a3b', 'gpt-oss-120b', 'kimi-k2'];

/** The smallest unit (in nodes) whose weights fit. */
function smallestUnit(modelId: string, gpuIndex: number, phase: 'prefill' | 'decode'): UnitStepModel {
  const model = lookupModel(modelId);
  for (let nodes = 1; nodes <= 64; nodes++) {
    try {
      return createStepTimeModel(model, GPUS[gpuIndex], { nodes }, phase);
    } catch (error) {
      if (!isInputError(error)) throw error;
    }
  }
  throw new Error(`${modelId} does not fit on 64 nodes of ${GPUS[gpuIndex].id}`);
}

const cases = GPUS.flatMap((gpu, g) => MODELS.map((model) => [gpu.id, model, g] as const));

describe.each(cases)('%s x %s', (_gpu, modelId, g) => {
  it('decode: finite times; more batch -> more tok/s per GPU, fewer per user', () => {
    const step = smallestUnit(modelId, g, 'decode');
    const limit = maxDecodeBatch(step, 2048);
    expect(limit).toBeGreaterThan(0);
    const batches = [1, 4, 16, 64].filter((b) => b <= limit);
    const results = batches.map((b) => evaluateDecode(step, { sequences: b, kvTokens: b * 2048 }));
    for (const r of results) {
      expect(Number.isFinite(r.stepSeconds) && r.stepSeconds > 0).toBe(true);
      expect(r.memory.fits).toBe(true);
      const b = r.breakdown;
      expect(b.computeSeconds).toBeGreaterThan(0);
      expect(b.exposedCommunicationSeconds).toBeGreaterThanOrEqual(0);
      expect(b.exposedCommunicationSeconds).toBeLessThanOrEqual(b.communicationSeconds + 1e-12);
      // The step is at least its compute and at most compute + all communication.
      expect(r.stepSeconds).toBeGreaterThanOrEqual(b.computeSeconds * 0.999);
      expect(r.stepSeconds).toBeLessThanOrEqual((b.computeSeconds + b.communicationSeconds) * 1.001);
    }
    for (let i = 1; i < results.length; i++) {
      expect(results[i].tokensPerSecondPerGpu).toBeGreaterThan(results[i - 1].tokensPerSecondPerGpu);
      expect(results[i].tokensPerSecondPerUser).toBeLessThan(results[i - 1].tokensPerSecondPerUser);
    }
  });

  it('decode: a batch past the KV capacity is an InputError with the numbers', () => {
    const step = smallestUnit(modelId, g, 'decode');
    const over = step.kvCapacityTokensPerGpu + 4096;
    expect(() => step.decodeStepSeconds({ sequences: 2, kvTokens: over })).toThrow(/KV tokens per GPU .* but only \d+ fit/);
  });

  it('prefill: finite times; longer prompts cost more attention per token', () => {
    const step = smallestUnit(modelId, g, 'prefill');
    const short = step.tracePrefill(uniformPrefillLoad(4096, 512));
    const long = step.tracePrefill(uniformPrefillLoad(4096, 4096));
    const more = step.prefillStepSeconds(uniformPrefillLoad(8192, 4096));
    expect(Number.isFinite(short.stepSeconds) && short.stepSeconds > 0).toBe(true);
    expect(long.attentionCoreSeconds).toBeGreaterThan(short.attentionCoreSeconds);
    // Attention may hide under overlapped communication; the short prompts need 8x the LM-head rows.
    expect(long.stepSeconds).toBeGreaterThan(short.stepSeconds * 0.999);
    expect(more).toBeGreaterThan(long.stepSeconds);
    expect(8192 / more).toBeGreaterThan((4096 / long.stepSeconds) * 0.999);
  });
});

describe('weights that do not fit', () => {
  it('DeepSeek-V3 on one H800 node is an InputError naming the sizes', () => {
    expect(() => createStepTimeModel(lookupModel('deepseek-v3'), GPUS[0], { nodes: 1 }, 'decode')).toThrow(
      /weights need \d+\.\d GB per GPU but only/,
    );
  });
});
