// The fleet simulator's public face.
export type {
  ApiConfig,
  AutoscalePlan,
  CacheConfig,
  DecodeBalancerKind,
  DecodePoolConfig,
  FleetConfig,
  KvTransferConfig,
  PoolPlan,
  PrefillBalancerKind,
  PrefillPoolConfig,
  SchedulePlan,
  UnitShape,
} from './config.js';
export { validateFleetConfig } from './config.js';
export { EventQueue } from './eventQueue.js';
export type { PoolStep } from './pool.js';
export { withCacheHits } from './cacheHits.js';
export { PrefixCache } from './prefixCache.js';
export type { BucketResult, FleetResult, LatencySummary, PerPool, TokenRow } from './result.js';
export { runFleet, type RunOptions, type RunProgress } from './runFleet.js';
export { LogHistogramSketch } from './sketch.js';
export {
  AffineStepTimeModel,
  type AffineStepTimeCoefficients,
  type DecodeLoad,
  type PrefillLoad,
  type StepTimeModel,
} from './stepTime.js';
