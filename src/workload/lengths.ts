import { InputError } from '../errors.js';
import { newRequestRecord, type RequestSource } from './request.js';
import type { Rng } from './rng.js';

/** A distribution of non-negative numbers: token counts, turns, seconds. */
export interface Distribution {
  sample(rng: Rng): number;
  /** Mean of the distribution (before rounding and clamping where those change it a little). */
  readonly mean: number;
}

/** A distribution of token counts (whole numbers ≥ 0). */
export type TokenDistribution = Distribution;

/** Exponential seconds (memoryless think time). */
export function exponentialSeconds(mean: number): Distribution {
  if (!(mean > 0)) throw new InputError(`expected a mean > 0, got ${mean}`, 'exponential');
  return { sample: (rng) => rng.exponential(mean), mean };
}

/** Log-normal seconds with a given mean and coefficient of variation (not rounded). */
export function lognormalSeconds(mean: number, cv: number): Distribution {
  if (!(mean > 0) || !(cv >= 0)) throw new InputError(`expected mean > 0 and cv ≥ 0, got ${mean}, ${cv}`, 'lognormal');
  const sigma2 = Math.log(1 + cv * cv);
  const mu = Math.log(mean) - sigma2 / 2;
  const sigma = Math.sqrt(sigma2);
  return { sample: (rng) => Math.exp(mu + sigma * rng.normal()), mean };
}

export function fixedTokens(tokens: number): TokenDistribution {
  return { sample: () => tokens, mean: tokens };
}

export function uniformTokens(min: number, max: number): TokenDistribution {
  if (!(max >= min)) throw new InputError(`expected max ≥ min, got ${min}..${max}`, 'uniform');
  return { sample: (rng) => min + rng.nextInt(max - min + 1), mean: (min + max) / 2 };
}

/**
 * Log-normal with a given mean and coefficient of variation, rounded and clamped to [min, max]. The
 * usual model of prompt and answer lengths (heavy right tail).
 */
export function lognormalTokens(mean: number, cv: number, min = 1, max = Number.POSITIVE_INFINITY): TokenDistribution {
  if (!(mean > 0) || !(cv >= 0)) throw new InputError(`expected mean > 0 and cv ≥ 0, got ${mean}, ${cv}`, 'lognormal');
  const sigma2 = Math.log(1 + cv * cv);
  const mu = Math.log(mean) - sigma2 / 2;
  const sigma = Math.sqrt(sigma2);
  return {
    sample: (rng) => Math.min(max, Math.max(min, Math.round(Math.exp(mu + sigma * rng.normal())))),
    mean,
  };
}

/** Geometric on {1, 2, ...} with the given mean (e.g. turns per conversation). */
export function geometricCount(mean: number): TokenDistribution {
  if (!(mean >= 1)) throw new InputError(`expected a mean ≥ 1, got ${mean}`, 'geometric');
  const continueProbability = 1 - 1 / mean;
  return {
    sample: (rng) => {
      let n = 1;
      while (rng.nextFloat() < continueProbability) n++;
      return n;
    },
    mean,
  };
}

/** Draws uniformly from observed values (e.g. a trace's input lengths). */
export function empiricalTokens(values: ArrayLike<number>): TokenDistribution {
  if (values.length === 0) throw new InputError('expected at least one observed value', 'empirical');
  const copy = Float64Array.from(values);
  let sum = 0;
  for (let i = 0; i < copy.length; i++) sum += copy[i];
  return { sample: (rng) => copy[rng.nextInt(copy.length)], mean: sum / copy.length };
}

/** Input and output length of one request, drawn together. */
export interface LengthModel {
  /** Fills `out` with a sampled pair. */
  sample(rng: Rng, out: { inputTokens: number; outputTokens: number }): void;
  readonly meanInputTokens: number;
  readonly meanOutputTokens: number;
}

export function independentLengths(input: TokenDistribution, output: TokenDistribution): LengthModel {
  return {
    sample(rng, out) {
      out.inputTokens = input.sample(rng);
      out.outputTokens = output.sample(rng);
    },
    meanInputTokens: input.mean,
    meanOutputTokens: output.mean,
  };
}

/** Draws observed (input, output) pairs together, keeping their correlation (e.g. from a trace). */
export function empiricalLengthPairs(inputs: ArrayLike<number>, outputs: ArrayLike<number>): LengthModel {
  if (inputs.length === 0 || inputs.length !== outputs.length) {
    throw new InputError('expected equally many (≥ 1) input and output lengths', 'empirical pairs');
  }
  const ins = Float64Array.from(inputs);
  const outs = Float64Array.from(outputs);
  let sumIn = 0;
  let sumOut = 0;
  for (let i = 0; i < ins.length; i++) {
    sumIn += ins[i];
    sumOut += outs[i];
  }
  return {
    sample(rng, out) {
      const i = rng.nextInt(ins.length);
      out.inputTokens = ins[i];
      out.outputTokens = outs[i];
    },
    meanInputTokens: sumIn / ins.length,
    meanOutputTokens: sumOut / ins.length,
  };
}

/**
 * Empirical (input, output) pairs read from a source, e.g. a trace, to drive a synthetic workload
 * with the trace's length distribution. Reads at most `limit` requests.
 */
export function lengthsFromSource(source: RequestSource, limit = 1_000_000): LengthModel {
  const inputs: number[] = [];
  const outputs: number[] = [];
  const record = newRequestRecord();
  while (inputs.length < limit && source.next(record)) {
    inputs.push(record.inputTokens);
    outputs.push(record.outputTokens);
  }
  source.close?.();
  return empiricalLengthPairs(inputs, outputs);
}
