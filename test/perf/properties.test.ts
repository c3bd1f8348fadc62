// Properties of the step model over random batches: more work never takes less time.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lookupGpu } from '../../src/catalog/gpus.js';
import { lookupModel } from '../../src/catalog/models.js';
import { createStepTimeModel, prefillLoadFromChunks } from '../../src/perf/step-model.js';

const cases = [
  { model: 'deepseek-v3', gpu: 'h800', nodes: 18 },
  { model: 'qwen3-235b-a22b', gpu: 'gb200-nvl72', nodes: 4 },
  { model: 'llama-3.1-70b', gpu: 'mi300x', nodes: 1 },
  { model: 'gpt-oss-120b', gpu: 'b200', nodes: 1 },
];

describe.each(cases)('$model on $gpu', ({ model, gpu, nodes }) => {
  const decode = createStepTimeModel(lookupModel(model), lookupGpu(gpu), { nodes }, 'decode');
  const prefill = createStepTimeModel(lookupModel(model), lookupGpu(gpu), { nodes }, 'prefill');

  it('decode step time grows with sequences and with KV', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 0, max: 4000 }), fc.integer({ min: 1, max: 32 }), (s, kv, more) => {
        const base = decode.decodeStepSeconds({ sequences: s, kvTokens: s * kv });
        return (
          decode.decodeStepSeconds({ sequences: s + more, kvTokens: s * kv }) >= base &&
          decode.decodeStepSeconds({ sequences: s, kvTokens: s * kv + more * 100 }) >= base
        );
      }),
    );
  });

  it('prefill step time grows with new tokens and with cached context', () => {
    fc.assert(
      fc.property(fc.integer({ min: 16, max: 8192 }), fc.integer({ min: 0, max: 8192 }), fc.integer({ min: 1, max: 2048 }), (n, c, more) => {
        const base = prefill.prefillStepSeconds(prefillLoadFromChunks([{ newTokens: n, cachedTokens: c }]));
        const longer = prefill.prefillStepSeconds(prefillLoadFromChunks([{ newTokens: n + more, cachedTokens: c }]));
        const deeper = prefill.prefillStepSeconds(prefillLoadFromChunks([{ newTokens: n, cachedTokens: c + more }]));
        return longer >= base && deeper >= base;
      }),
    );
  });

  it('repeated calls give identical answers (the memo changes nothing)', () => {
    const load = { sequences: 37, kvTokens: 37 * 1234 };
    const first = decode.decodeStepSeconds(load);
    decode.decodeStepSeconds({ sequences: 5, kvTokens: 500 });
    expect(decode.decodeStepSeconds(load)).toBe(first);
    expect(decode.traceDecode(load).stepSeconds).toBeCloseTo(first, 15);
  });
});
