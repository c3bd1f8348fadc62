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

// Each kind is a class, so all distributions of a kind share one sample() and a call site that sees
// one kind stays monomorphic (closures would give every distribution its own function).

class Exponential implements Distribution {
  constructor(readonly mean: number) {}
  sample(rng: Rng): number {
    return rng.exponential(this.mean);
  }
}

/** exp(mu + sigma·N(0, 1)), optionally rounded and clamped to [min, max]. */
export class Lognormal implements Distribution {
  readonly mean: number;
  private readonly mu: number;
  private readonly sigma: number;
  private readonly rounded: boolean;
  private readonly min: number;
  private readonly max: number;

  constructor(mean: number, cv: number, rounded: boolean, min: number, max: number) {
    if (!(mean > 0) || !(cv >= 0)) throw new InputError(`expected mean > 0 and cv ≥ 0, got ${mean}, ${cv}`, 'lognormal');
    const sigma2 = Math.log(1 + cv * cv);
    this.mean = mean;
    this.mu = Math.log(mean) - sigma2 / 2;
    this.sigma = Math.sqrt(sigma2);
    this.rounded = rounded;
    this.min = min;
    this.max = max;
  }

  sample(rng: Rng): number {
    const x = Math.exp(this.mu + this.sigma * rng.normal());
    return this.rounded ? Math.min(this.max, Math.max(this.min, roundNonNegative(x))) : x;
  }
}

/**
 * Math.round(x) for x ≥ 0 (or NaN), without Math.round's branch on the fraction, which random
 * fractions mispredict half the time. Below 2^52, x − floor(x) is exact (Sterbenz) and
 * floor(2·(x − floor(x))) is 1 exactly when the fraction is ≥ 0.5; from 2^52 on, x is whole.
 */
function roundNonNegative(x: number): number {
  const whole = Math.floor(x);
  return x < 4503599627370496 ? whole + Math.floor(2 * (x - whole)) : x;
}

class Fixed implements Distribution {
  constructor(readonly mean: number) {}
  sample(): number {
    return this.mean;
  }
}

class Uniform implements Distribution {
  readonly mean: number;
  constructor(
    private readonly min: number,
    private readonly max: number,
  ) {
    this.mean = (min + max) / 2;
  }
  sample(rng: Rng): number {
    return this.min + rng.nextInt(this.max - this.min + 1);
  }
}

class Geometric implements Distribution {
  private readonly continueProbability: number;
  constructor(readonly mean: number) {
    this.continueProbability = 1 - 1 / mean;
  }
  sample(rng: Rng): number {
    let n = 1;
    while (rng.nextFloat() < this.continueProbability) n++;
    return n;
  }
}

class Empirical implements Distribution {
  readonly mean: number;
  constructor(private readonly values: Float64Array) {
    let sum = 0;
    for (let i = 0; i < values.length; i++) sum += values[i];
    this.mean = sum / values.length;
  }
  sample(rng: Rng): number {
    return this.values[rng.nextInt(this.values.length)];
  }
}

/** Exponential seconds (memoryless think time). */
export function exponentialSeconds(mean: number): Distribution {
  if (!(mean > 0)) throw new InputError(`expected a mean > 0, got ${mean}`, 'exponential');
  return new Exponential(mean);
}

/** Log-normal seconds with a given mean and coefficient of variation (not rounded). */
export function lognormalSeconds(mean: number, cv: number): Distribution {
  return new Lognormal(mean, cv, false, 0, Number.POSITIVE_INFINITY);
}

export function fixedTokens(tokens: number): TokenDistribution {
  return new Fixed(tokens);
}

export function uniformTokens(min: number, max: number): TokenDistribution {
  if (!(max >= min)) throw new InputError(`expected max ≥ min, got ${min}..${max}`, 'uniform');
  return new Uniform(min, max);
}

/**
 * Log-normal with a given mean and coefficient of variation, rounded and clamped to [min, max]. The
 * usual model of prompt and answer lengths (heavy right tail).
 */
export function lognormalTokens(mean: number, cv: number, min = 1, max = Number.POSITIVE_INFINITY): TokenDistribution {
  return new Lognormal(mean, cv, true, min, max);
}

/** Geometric on {1, 2, ...} with the given mean (e.g. turns per conversation). */
export function geometricCount(mean: number): TokenDistribution {
  if (!(mean >= 1)) throw new InputError(`expected a mean ≥ 1, got ${mean}`, 'geometric');
  return new Geometric(mean);
}

/** Draws uniformly from observed values (e.g. a trace's input lengths). */
export function empiricalTokens(values: ArrayLike<number>): TokenDistribution {
  if (values.length === 0) throw new InputError('expected at least one observed value', 'empirical');
  return new Empirical(Float64Array.from(values));
}

/** Input and output length of one request, drawn together. */
export interface LengthModel {
  /** Fills `out` with a sampled pair. */
  sample(rng: Rng, out: { inputTokens: number; outputTokens: number }): void;
  readonly meanInputTokens: number;
  readonly meanOutputTokens: number;
}

class IndependentLengths implements LengthModel {
  readonly meanInputTokens: number;
  readonly meanOutputTokens: number;
  constructor(
    readonly input: TokenDistribution,
    readonly output: TokenDistribution,
  ) {
    this.meanInputTokens = input.mean;
    this.meanOutputTokens = output.mean;
  }
  sample(rng: Rng, out: { inputTokens: number; outputTokens: number }): void {
    out.inputTokens = this.input.sample(rng);
    out.outputTokens = this.output.sample(rng);
  }
}

class LengthPairs implements LengthModel {
  readonly meanInputTokens: number;
  readonly meanOutputTokens: number;
  constructor(
    private readonly inputs: Float64Array,
    private readonly outputs: Float64Array,
  ) {
    let sumIn = 0;
    let sumOut = 0;
    for (let i = 0; i < inputs.length; i++) {
      sumIn += inputs[i];
      sumOut += outputs[i];
    }
    this.meanInputTokens = sumIn / inputs.length;
    this.meanOutputTokens = sumOut / inputs.length;
  }
  sample(rng: Rng, out: { inputTokens: number; outputTokens: number }): void {
    const i = rng.nextInt(this.inputs.length);
    out.inputTokens = this.inputs[i];
    out.outputTokens = this.outputs[i];
  }
}

/**
 * The input and output distributions when `lengths` draws them independently, both log-normal: a hot
 * loop can then call Lognormal.sample itself (the same draws in the same order) instead of going
 * through the length model.
 */
export function lognormalLengths(lengths: LengthModel): { input: Lognormal; output: Lognormal } | undefined {
  if (lengths instanceof IndependentLengths && lengths.input instanceof Lognormal && lengths.output instanceof Lognormal) {
    return { input: lengths.input, output: lengths.output };
  }
  return undefined;
}

export function independentLengths(input: TokenDistribution, output: TokenDistribution): LengthModel {
  return new IndependentLengths(input, output);
}

/** Draws observed (input, output) pairs together, keeping their correlation (e.g. from a trace). */
export function empiricalLengthPairs(inputs: ArrayLike<number>, outputs: ArrayLike<number>): LengthModel {
  if (inputs.length === 0 || inputs.length !== outputs.length) {
    throw new InputError('expected equally many (≥ 1) input and output lengths', 'empirical pairs');
  }
  return new LengthPairs(Float64Array.from(inputs), Float64Array.from(outputs));
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
