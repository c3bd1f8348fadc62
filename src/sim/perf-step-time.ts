import type { UnitStepModel } from '../perf/step-model.js';
import type { DecodeLoad, PrefillLoad, StepTimeModel } from './stepTime.js';

/**
 * The performance model behind the simulator's one step-time interface: a prefill and a decode unit
 * model, each built once for its layout. The simulator's loads carry perf's field names, so each call
 * passes straight through.
 */
export class PerfStepTimeModel implements StepTimeModel {
  constructor(
    readonly prefill: UnitStepModel,
    readonly decode: UnitStepModel,
  ) {}

  prefillStepSeconds(load: PrefillLoad): number {
    return this.prefill.prefillStepSeconds(load);
  }

  decodeStepSeconds(load: DecodeLoad): number {
    return this.decode.decodeStepSeconds(load);
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
