import { z } from 'zod';
import { strict } from './strict.js';

/**
 * The `simulation` section: how `tokenfleet simulate` replays the window request by request — the
 * workload, the serving path and its policies. Amounts carry their unit in the key.
 */

const positive = z.number().positive('expected a number > 0');
const nonNegative = z.number().nonnegative('expected a number >= 0');
const wholePositive = z.number().int('expected a whole number').positive('expected a whole number > 0');

/** A token count (or seconds) distribution. */
const distributionSchema = z.union(
  [
    nonNegative,
    strict({ fixed: nonNegative }),
    strict({ uniform: z.tuple([nonNegative, nonNegative]) }),
    strict({ lognormal: strict({ mean: positive, cv: nonNegative, min: nonNegative.optional(), max: positive.optional() }) }),
    strict({ geometric: z.number().min(1, 'expected a mean >= 1') }),
  ],
  { error: 'expected a number, or one of { fixed }, { uniform: [min, max] }, { lognormal: { mean, cv, min?, max? } }, { geometric: mean }' },
);

const conversationSchema = strict({
  turns: distributionSchema,
  systemPromptTokens: nonNegative,
  systemPromptVariants: wholePositive.default(1),
  thinkSeconds: distributionSchema,
  maxContextTokens: wholePositive.default(131_072),
});

const streamSchema = strict({
  model: z.string().min(1),
  channel: z.string().min(1),
  /** Share of requests (turns); weights are normalised over the streams. */
  weight: positive,
  /** The new user message of each turn (without a conversation: the whole prompt). */
  inputTokens: distributionSchema.optional(),
  outputTokens: distributionSchema.optional(),
  /** Input and output lengths drawn together from a trace's rows (path relative to the scenario). */
  lengthsFromTrace: z.string().min(1).optional(),
  conversation: conversationSchema.optional(),
});

const syntheticSchema = strict({
  /** Requests per second in each bucket of the window... */
  requestsPerSecond: z.array(nonNegative).optional(),
  /** ...or requests (turns) over the whole window, spread like traffic.bucketWeights. */
  requestsInWindow: positive.optional(),
  /** Coefficient of variation of the gaps between sessions: 1 = Poisson, > 1 bursty (Gamma). */
  interArrivalCv: positive.default(1),
  /** Tokens per prefix-cache block (the cache's key granularity). */
  blockTokens: wholePositive.default(512),
  streams: z.array(streamSchema).min(1, 'expected at least one stream'),
});

const traceSchema = strict({
  /** Relative to the scenario file. */
  path: z.string().min(1),
  format: z.enum(['mooncake', 'azure-2023']).optional(),
  model: z.string().min(1).default('default'),
  channel: z.string().min(1).default('api'),
  skipMalformed: z.boolean().default(false),
  /** Multiplies the arrival rate (2 = twice as many requests per second). */
  rateScale: positive.default(1),
  /** Moves the trace's time 0 to this many seconds after the window start. */
  offsetSeconds: z.number().default(0),
});

const layoutSchema = strict({
  tp: wholePositive.optional(),
  ep: wholePositive.optional(),
  redundantExperts: z.number().int().nonnegative().optional(),
  overlap: z.enum(['none', 'two-micro-batch', 'decode-pipeline']).optional(),
  speculativeTokens: z.number().int().nonnegative().optional(),
  acceptanceRate: z.number().min(0).max(1).optional(),
});

const autoscaleSchema = strict({
  minUnits: wholePositive,
  maxUnits: wholePositive,
  intervalSeconds: positive.default(300),
  targetUtilisation: z.number().gt(0).lte(1),
  provisionSeconds: nonNegative.default(600),
  hysteresisUnits: z.number().int().nonnegative().default(1),
  cooldownSeconds: nonNegative.default(1800),
});

const balancer = z.enum(['deepseek', 'round-robin', 'least-loaded'], {
  error: 'expected "deepseek", "round-robin" or "least-loaded"',
});

export const simulationSchema = strict({
  /** The model's architecture, from the catalog (e.g. deepseek-v3); every request is served by it. */
  model: z.string().min(1),
  seed: z.number().int().nonnegative().default(1),
  workload: strict({ synthetic: syntheticSchema.optional(), trace: traceSchema.optional() }),
  serving: strict({
    api: strict({ maxQueuedRequests: nonNegative.default(Number.POSITIVE_INFINITY) }).default({ maxQueuedRequests: Number.POSITIVE_INFINITY }),
    prefill: strict({
      /** The fleet pool that does prefill (default: the pool that serves input). */
      pool: z.string().optional(),
      layout: layoutSchema.default({}),
      tokenBudgetPerGpu: wholePositive.default(16_384),
      balancer: balancer.default('deepseek'),
      autoscale: autoscaleSchema.optional(),
    }),
    decode: strict({
      pool: z.string().optional(),
      layout: layoutSchema.default({}),
      maxSequencesPerGpu: wholePositive.default(128),
      balancer: balancer.default('deepseek'),
      autoscale: autoscaleSchema.optional(),
    }),
    /** The external prefix cache; omit for none. */
    kvCache: strict({
      capacityTerabytes: positive,
      readGigabytesPerSecondPerGpu: positive,
      overlapLoad: z.boolean().default(true),
    }).optional(),
    kvTransfer: strict({
      gigabytesPerSecondPerGpu: positive,
      overlapped: z.boolean().default(true),
    }),
  }),
});

export type SimulationFile = z.infer<typeof simulationSchema>;
export type DistributionFile = z.infer<typeof distributionSchema>;
export type StreamFile = z.infer<typeof streamSchema>;
