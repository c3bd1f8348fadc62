import { InputError } from '../errors.js';

/**
 * The fleet simulator's configuration as plain data. The scenario file maps onto it; every quantity
 * names its unit. Times are seconds on the simulation clock (0 = whatever the scenario says, e.g.
 * 12:00 Beijing time for the DeepSeek day).
 */
export interface FleetConfig {
  /** Accounting window: arrivals before start are ignored, reading stops at end. */
  startSeconds: number;
  endSeconds: number;
  /** Width of the per-bucket aggregates (3600 for hourly). */
  bucketSeconds: number;
  /** KV cache bytes per token of the served model (cache capacity, cache loads and transfers). */
  kvBytesPerToken: number;
  api: ApiConfig;
  /** External prefix cache shared by the prefill pool; null for none. */
  cache: CacheConfig | null;
  prefill: PrefillPoolConfig;
  kvTransfer: KvTransferConfig;
  decode: DecodePoolConfig;
}

export interface ApiConfig {
  /** Admitted requests waiting for or in prefill beyond which new ones are rejected; Infinity for no cap. */
  maxQueuedRequests: number;
}

export interface CacheConfig {
  /** Capacity of the cache in bytes; Infinity for an unbounded cache. */
  capacityBytes: number;
  /** Read bandwidth from the cache into one prefill GPU, bytes per second. */
  readBytesPerSecondPerGpu: number;
  /** Loading cached prefixes overlaps with computing the step (true) or adds to it (false). */
  overlapLoad: boolean;
}

export interface KvTransferConfig {
  /** Network bandwidth per GPU for sending a prompt's KV cache from prefill to decode, bytes per second. */
  bytesPerSecondPerGpu: number;
  /** Sent layer by layer during the last prefill step (true: only the excess over that step delays decode). */
  overlapped: boolean;
}

export type PrefillBalancerKind = 'deepseek' | 'round-robin' | 'least-loaded';
export type DecodeBalancerKind = 'deepseek' | 'round-robin' | 'least-loaded';

export interface UnitShape {
  nodesPerUnit: number;
  /** GPUs per unit = attention data-parallel ranks = expert-parallel degree. */
  gpusPerUnit: number;
  /** Micro-batches the unit overlaps; passed on to the step-time model. */
  microBatches: number;
}

export interface PrefillPoolConfig extends UnitShape {
  /** Prompt tokens one GPU computes per step at most (longer prompts are chunked over steps). */
  tokenBudgetPerGpu: number;
  /**
   * deepseek: balance core-attention work and prompt tokens (one score: tokens plus attention in token
   * equivalents); least-loaded: fewest queued prompt tokens; round-robin.
   */
  balancer: PrefillBalancerKind;
  /** Context length at which a token's attention costs as much as the rest of its compute (deepseek score). */
  attentionEquivalentContextTokens: number;
  plan: PoolPlan;
}

export interface DecodePoolConfig extends UnitShape {
  maxSequencesPerGpu: number;
  /** KV tokens one GPU holds for its sequences. */
  kvCapacityTokensPerGpu: number;
  /**
   * deepseek: fewest requests per GPU (dispatch load), ties broken by least KV in use (attention
   * load), at unit and then GPU level; least-loaded: fewest requests only; round-robin.
   */
  balancer: DecodeBalancerKind;
  /**
   * Mean tokens a sequence gains per decode step: 1, or more with multi-token prediction (e.g. 1.8
   * when one draft token is accepted 80% of the time, as DeepSeek reports for V3). Default 1.
   */
  tokensPerStep?: number;
  /** Identical decode steps advanced in one event at most (step time is re-evaluated after). */
  maxStrideSteps: number;
  plan: PoolPlan;
}

/** Units in service as a step function of time: `units` from `atSeconds` on. */
export interface SchedulePlan {
  kind: 'schedule';
  steps: readonly { atSeconds: number; units: number }[];
}

/**
 * A reactive policy: every interval, desired units = ceil(units in service × utilisation / target),
 * within [min, max]; up at once (ready after provisionSeconds), down only by more than
 * hysteresisUnits and not within cooldownSeconds of the last change. Utilisation is the busy share
 * for prefill and sequences per GPU / maxSequencesPerGpu for decode, averaged over the interval.
 */
export interface AutoscalePlan {
  kind: 'autoscale';
  initialUnits: number;
  minUnits: number;
  maxUnits: number;
  intervalSeconds: number;
  targetUtilisation: number;
  provisionSeconds: number;
  hysteresisUnits: number;
  cooldownSeconds: number;
}

export type PoolPlan = SchedulePlan | AutoscalePlan;

/** Throws InputError naming the key path of the first invalid field. */
export function validateFleetConfig(config: FleetConfig, where = 'fleet'): void {
  const positive = (value: number, key: string): void => {
    if (!(value > 0)) throw new InputError(`expected a number > 0, got ${value}`, `${where}.${key}`);
  };
  const whole = (value: number, key: string): void => {
    if (!(Number.isInteger(value) && value >= 1)) throw new InputError(`expected a whole number ≥ 1, got ${value}`, `${where}.${key}`);
  };
  if (!(config.endSeconds > config.startSeconds)) throw new InputError('expected endSeconds > startSeconds', `${where}.endSeconds`);
  positive(config.bucketSeconds, 'bucketSeconds');
  positive(config.kvBytesPerToken, 'kvBytesPerToken');
  if (!(config.api.maxQueuedRequests >= 0)) throw new InputError('expected a number ≥ 0', `${where}.api.maxQueuedRequests`);
  if (config.cache) {
    if (!(config.cache.capacityBytes >= 0)) throw new InputError('expected a number ≥ 0', `${where}.cache.capacityBytes`);
    positive(config.cache.readBytesPerSecondPerGpu, 'cache.readBytesPerSecondPerGpu');
  }
  positive(config.kvTransfer.bytesPerSecondPerGpu, 'kvTransfer.bytesPerSecondPerGpu');
  for (const pool of ['prefill', 'decode'] as const) {
    const p = config[pool];
    positive(p.nodesPerUnit, `${pool}.nodesPerUnit`);
    whole(p.gpusPerUnit, `${pool}.gpusPerUnit`);
    whole(p.microBatches, `${pool}.microBatches`);
    validatePlan(p.plan, `${where}.${pool}.plan`, config.startSeconds);
  }
  whole(config.prefill.tokenBudgetPerGpu, 'prefill.tokenBudgetPerGpu');
  positive(config.prefill.attentionEquivalentContextTokens, 'prefill.attentionEquivalentContextTokens');
  whole(config.decode.maxSequencesPerGpu, 'decode.maxSequencesPerGpu');
  positive(config.decode.kvCapacityTokensPerGpu, 'decode.kvCapacityTokensPerGpu');
  whole(config.decode.maxStrideSteps, 'decode.maxStrideSteps');
  const tokensPerStep = config.decode.tokensPerStep ?? 1;
  if (!(tokensPerStep >= 1 && tokensPerStep < 16)) {
    throw new InputError(`expected 1 ≤ tokensPerStep < 16, got ${tokensPerStep}`, `${where}.decode.tokensPerStep`);
  }
}

function validatePlan(plan: PoolPlan, where: string, startSeconds: number): void {
  if (plan.kind === 'schedule') {
    if (plan.steps.length === 0 || plan.steps[0].atSeconds > startSeconds) {
      throw new InputError('expected a first step at or before the window start', `${where}.steps[0]`);
    }
    plan.steps.forEach((s, i) => {
      if (!(Number.isInteger(s.units) && s.units >= 1)) {
        throw new InputError(`expected at least 1 unit in service, got ${s.units}`, `${where}.steps[${i}].units`);
      }
      if (i > 0 && !(s.atSeconds > plan.steps[i - 1].atSeconds)) {
        throw new InputError('expected steps in increasing time order', `${where}.steps[${i}].atSeconds`);
      }
    });
    return;
  }
  const a = plan;
  if (!(Number.isInteger(a.minUnits) && a.minUnits >= 1)) throw new InputError('expected minUnits ≥ 1', `${where}.minUnits`);
  if (!(a.maxUnits >= a.minUnits)) throw new InputError('expected maxUnits ≥ minUnits', `${where}.maxUnits`);
  if (!(a.initialUnits >= a.minUnits && a.initialUnits <= a.maxUnits)) {
    throw new InputError('expected minUnits ≤ initialUnits ≤ maxUnits', `${where}.initialUnits`);
  }
  if (!(a.intervalSeconds > 0)) throw new InputError('expected intervalSeconds > 0', `${where}.intervalSeconds`);
  if (!(a.targetUtilisation > 0 && a.targetUtilisation <= 1)) throw new InputError('expected 0 < targetUtilisation ≤ 1', `${where}.targetUtilisation`);
  if (!(a.provisionSeconds >= 0)) throw new InputError('expected provisionSeconds ≥ 0', `${where}.provisionSeconds`);
  if (!(a.hysteresisUnits >= 0)) throw new InputError('expected hysteresisUnits ≥ 0', `${where}.hysteresisUnits`);
  if (!(a.cooldownSeconds >= 0)) throw new InputError('expected cooldownSeconds ≥ 0', `${where}.cooldownSeconds`);
}
