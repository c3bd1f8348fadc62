import { z } from 'zod';
import { simulationSchema } from './simulation-schema.js';
import { strict } from './strict.js';

/**
 * The scenario file, as a zod schema: the one source of its types. Shape checks live here; checks that
 * need several fields at once (steps in order, hits within inputs) live in build.ts.
 */

const tokens = z.number().int('expected a whole number of tokens').nonnegative('expected tokens >= 0');
const nonNegative = z.number().nonnegative('expected a number >= 0');
const positive = z.number().positive('expected a number > 0');
const usd = nonNegative;
const timeOfDay = z.string().regex(/^\d{1,2}:\d{2}$/, 'expected a time of day "HH:MM"');
const name = z.string().min(1, 'expected a non-empty name');

/** A token volume: hit + miss + output, or input + hit (+ output). */
export const volumeSchema = strict({
  input: tokens.optional(),
  inputCacheHit: tokens.optional(),
  inputCacheMiss: tokens.optional(),
  output: tokens.optional(),
});

const stepSchema = strict({
  from: z.string().min(1, 'expected a time: "HH:MM" in the window\'s zone, or an ISO timestamp with offset'),
  nodes: z.number().int('expected a whole number of nodes').nonnegative('expected nodes >= 0').optional(),
  units: z.number().int('expected a whole number of units').nonnegative('expected units >= 0').optional(),
});

const tcoSchema = strict({
  capexUsdPerGpu: usd, // purchase price per GPU, including its share of the server and network
  amortizationYears: positive,
  powerKwPerGpu: nonNegative, // including its share of the server's draw
  pue: z.number().min(1, 'expected a PUE >= 1'),
  electricityUsdPerKwh: usd,
  otherUsdPerGpuHour: usd.default(0), // hosting, support, network, staff
});

/** Exactly one of the two (checked in build.ts, so a typo inside either gets its own precise error). */
export const gpuCostSchema = strict({ usdPerGpuHour: usd.optional(), tco: tcoSchema.optional() });

const poolSchema = strict({
  name,
  serves: z.enum(['input', 'output', 'both'], { error: 'expected "input" (prefill), "output" (decode) or "both"' }),
  gpu: z.string().optional(),
  gpusPerNode: z.number().int().positive('expected GPUs per node > 0').optional(),
  gpuCost: gpuCostSchema.optional(),
  nodesPerUnit: z.number().int().positive('expected nodes per unit > 0').optional(),
  steps: z.array(stepSchema).min(1, 'expected at least one step'),
});

const classPricesSchema = strict({ inputCacheHit: usd, inputCacheMiss: usd, output: usd });
const pricesSchema = z.record(z.string().min(1), classPricesSchema);

const timeOfDayRuleSchema = strict({
  name,
  from: timeOfDay,
  to: timeOfDay,
  timeZone: z.string().min(1),
  priceFactor: z.record(z.string().min(1), nonNegative),
});

export const PRICE_UNITS = ['USD per 1M tokens', 'USD per 1K tokens'] as const;

const priceBookSchema = strict({
  name,
  note: z.string().optional(),
  unit: z.string().default(PRICE_UNITS[0]),
  paidChannels: z.union([z.literal('all'), z.array(z.string().min(1)).min(1)], {
    error: 'expected "all" or a list of channel names',
  }),
  effectiveFrom: z.string().optional(),
  prices: pricesSchema,
  changes: z.array(strict({ effectiveFrom: z.string(), prices: pricesSchema })).default([]),
  timeOfDay: z.array(timeOfDayRuleSchema).default([]),
});

const mixEntrySchema = strict({
  model: name,
  channel: name,
  /** One share for every class, or one per class; each class's shares sum to 1 over the mix. */
  share: z.union([nonNegative, strict({ inputCacheHit: nonNegative, inputCacheMiss: nonNegative, output: nonNegative })], {
    error: 'expected a share >= 0, or { inputCacheHit, inputCacheMiss, output } shares',
  }),
});


const bucketRowSchema = strict({
  start: z.string(),
  model: name,
  channel: name,
  input: tokens.optional(),
  inputCacheHit: tokens.optional(),
  inputCacheMiss: tokens.optional(),
  output: tokens.optional(),
});

/**
 * Either a profile (totals spread over buckets by weight, split by a model x channel mix) or explicit
 * rows per bucket; which one is checked in build.ts.
 */
const trafficSchema = strict({
  totals: volumeSchema.optional(),
  /** Relative weight of each bucket, in order; the totals are spread in proportion, to the token. */
  bucketWeights: z.array(nonNegative).min(1).optional(),
  mix: z.array(mixEntrySchema).min(1).optional(),
  buckets: z.array(bucketRowSchema).optional(),
});

export const scenarioSchema = strict({
  name,
  description: z.string().optional(),
  /** Where each figure and assumption comes from; shown in reports. */
  assumptions: z.array(z.string()).default([]),
  window: strict({
    start: z.string(),
    end: z.string(),
    timeZone: z.string().default('UTC'),
    bucket: z.string().default('1h'),
  }),
  fleet: strict({
    gpu: z.string().min(1),
    gpusPerNode: z.number().int().positive('expected GPUs per node > 0'),
    gpuCost: gpuCostSchema,
    pools: z.array(poolSchema).min(1, 'expected at least one pool'),
  }),
  /** The volumes `report` prices; `simulate` makes its own from the workload and may omit this. */
  traffic: trafficSchema.optional(),
  priceBooks: strict({ theoretical: priceBookSchema, realized: priceBookSchema.optional() }),
  /** How to replay the window request by request (`tokenfleet simulate`); `report` ignores it. */
  simulation: simulationSchema.optional(),
});

export type ScenarioFile = z.infer<typeof scenarioSchema>;
export type PoolFile = z.infer<typeof poolSchema>;
export type PriceBookFile = z.infer<typeof priceBookSchema>;
export type VolumeFile = z.infer<typeof volumeSchema>;
export type TrafficFile = z.infer<typeof trafficSchema>;
export type GpuCostFile = z.infer<typeof gpuCostSchema>;
