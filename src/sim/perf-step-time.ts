import type { UnitStepModel } from '../perf/step-model.js';
import type { DecodeLoad, PrefillLoad, StepTimeModel } from './stepTime.js';

/**
 * The performance model behind the simulator's one step-time interface: a prefill and a decode unit
 * model, each built once for its layout. Reuses one load object per phase, so a call allocates nothing.
 */
export class PerfStepTimeModel implements StepTimeModel {
  private readonly prefillLoad = { newTokens: 0, attentionPairs: 0, cachedTokens: 0, sequences: 0 };
  private readonly decodeLoad = { sequences: 0, kvTokens: 0 };

  constructor(
    readonly prefill: UnitStepModel,
    readonly decode: UnitStepModel,
  ) {}

  prefillStepSeconds(load: PrefillLoad): number {
    const batch = this.prefillLoad;
    batch.newTokens = load.newTokens;
    batch.attentionPairs = load.attentionTokenPairs;
    batch.cachedTokens = load.cachedTokens;
    batch.sequences = load.sequences;
    return this.prefill.prefillStepSeconds(batch);
  }

  decodeStepSeconds(load: DecodeLoad): number {
    const batch = this.decodeLoad;
    batch.sequences = load.sequences;
    batch.kvTokens = load.kvTokens;
    return this.decode.decodeStepSeconds(batch);
  }

  /**
   * The context length at which a prompt token's attention costs as much as the rest of its compute,
   * read off the prefill model: the prefill balancer weighs attention with it.
   */
  attentionEquivalentContextTokens(tokensPerGpu: number): number {
    const short = this.prefill.prefillStepSeconds({ newTokens: tokensPerGpu, attentionPairs: tokensPerGpu, cachedTokens: 0, sequences: tokensPerGpu / 512 });
    const pairs = tokensPerGpu * 4096;
    const long = this.prefill.prefillStepSeconds({ newTokens: tokensPerGpu, attentionPairs: pairs, cachedTokens: 0, sequences: tokensPerGpu / 512 });
    const secondsPerToken = short / tokensPerGpu;
    const secondsPerPair = Math.max((long - short) / (pairs - tokensPerGpu), Number.MIN_VALUE);
    return secondsPerToken / secondsPerPair;
  }
}
