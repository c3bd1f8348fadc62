import { nodeMsWithin, nodeUsageFromSteps, type NodeStepMs } from '../econ/fleet-usage.js';
import { buildLedger, type BucketUsage, type Ledger, type TrafficCell } from '../econ/ledger.js';
import { TOKEN_CLASSES } from '../econ/pricebook.js';
import { buildStatement } from '../report/build-statement.js';
import type { StatementJson } from '../report/statement.js';
import type { FleetResult } from '../sim/result.js';
import { runFleet, type RunProgress } from '../sim/runFleet.js';
import { requireSimulation, type Scenario } from './build.js';
import type { SimulationSpec } from './build-simulation.js';
import { openWorkload, type OpenWorkload, type WorkloadEnvironment } from './workload-spec.js';

export interface SimulateOptions {
  /** Overrides the scenario's seed. */
  seed?: number;
  /** Replay only buckets [fromBucket, toBucket) of the window. */
  fromBucket?: number;
  toBucket?: number;
  env: WorkloadEnvironment;
  onProgress?: (progress: RunProgress) => void;
  /**
   * Opens the workload with each request's prefix-cache hit already resolved (sim/cacheHits.ts), e.g.
   * in another thread, so the serving path and the workload run side by side. Used only when the
   * results cannot differ: a KV cache and an API server that never rejects.
   */
  openWorkloadWithCacheHits?: (request: CacheHitWorkloadRequest) => OpenWorkload;
  /** Wall clock in milliseconds (injected, so the core stays free of host APIs). */
  nowMs?: () => number;
}

/** What a workload opened with its cache hits resolved must reproduce: openWorkload's arguments and the cache. */
export interface CacheHitWorkloadRequest {
  seed: number;
  fromSeconds: number;
  toSeconds: number;
  cacheCapacityTokens: number;
}

export interface Percentiles {
  p50: number | null;
  p90: number | null;
  p99: number | null;
}

/** What `tokenfleet simulate --json` prints: the run's measures, then the same statement as `report`. */
export interface SimulationReport {
  scenario: string;
  seed: number;
  requests: number;
  completed: number;
  rejected: number;
  /** Malformed trace rows skipped (only when the scenario asks to skip them), and the first of them. */
  skippedTraceRows: number;
  firstSkippedTraceRow: string | null;
  simulatedSeconds: number;
  wallSeconds: number;
  events: number;
  latency: { ttftSeconds: Percentiles; tpotSeconds: Percentiles; e2eSeconds: Percentiles };
  throughput: {
    /** Prompt tokens (cache hits included, as DeepSeek counts them) per second per prefill node. */
    prefillTokensPerSecondPerNode: number | null;
    decodeTokensPerSecondPerNode: number | null;
    /** Output tokens per second seen by one user while decoding: 1 / TPOT at the median. */
    decodeTokensPerSecondPerUser: number | null;
  };
  cacheHitShare: number | null;
  meanKvLengthPerOutputToken: number | null;
  /** Work finished after the window's end while draining; outside the statement. */
  afterWindow: { outputTokens: number; nodeHours: number };
  totals: StatementJson['totals'];
  hourly: Array<StatementJson['hourly'][number] & SimulatedBucket>;
  statement: StatementJson;
  fleet: FleetResult;
}

export interface SimulatedBucket {
  prefillTokensPerSecondPerNode: number | null;
  decodeTokensPerSecondPerNode: number | null;
  /** Mean sequences decoding on a GPU (the batch each decode step carries). */
  decodeSequencesPerGpu: number | null;
  ttftP50Seconds: number | null;
  ttftP99Seconds: number | null;
  tpotP50Seconds: number | null;
  tpotP99Seconds: number | null;
  cacheHitShare: number | null;
  meanKvLengthPerOutputToken: number | null;
  rejected: number;
}

/** Replays the scenario's window through the fleet twin and prices what it served. */
export function simulate(scenario: Scenario, options: SimulateOptions): SimulationReport {
  const spec = requireSimulation(scenario, 'a workload and serving policies');
  const fromBucket = options.fromBucket ?? 0;
  const toBucket = options.toBucket ?? scenario.buckets.length;
  const bucketSeconds = scenario.window.bucketMs / 1000;
  const seed = options.seed ?? spec.seed;
  const config = spec.configFor(fromBucket * bucketSeconds, toBucket * bucketSeconds);
  const now = options.nowMs ?? (() => 0);
  const started = now();
  const cache = config.cache;
  const ahead = cache && config.api.maxQueuedRequests === Number.POSITIVE_INFINITY ? options.openWorkloadWithCacheHits : undefined;
  const window = { seed, fromSeconds: config.startSeconds, toSeconds: config.endSeconds };
  const { source, skippedRows, skippedExamples } =
    cache && ahead
      ? ahead({ ...window, cacheCapacityTokens: cache.capacityBytes / config.kvBytesPerToken })
      : openWorkload(spec.workload, seed, options.env, window.fromSeconds, window.toSeconds);
  let fleet: FleetResult;
  try {
    fleet = runFleet(config, source, spec.stepModel, { onProgress: options.onProgress });
  } finally {
    source.close?.();
  }
  const wallSeconds = (now() - started) / 1000;
  const buckets = scenario.buckets.slice(fromBucket, toBucket);
  const stepsByPool = simulatedSteps(scenario, spec, fleet);
  const ledger = simulatedLedger(scenario, spec, fleet, buckets, stepsByPool);
  const windowed: Scenario = {
    ...scenario,
    buckets,
    window: { ...scenario.window, startMs: buckets[0].startMs, endMs: buckets[buckets.length - 1].endMs },
  };
  const statement = buildStatement(windowed, ledger, stepsByPool);
  const inWindow = (b: number) => b >= 0 && b < buckets.length;
  let afterOutput = 0;
  let afterNodeSeconds = 0;
  fleet.buckets.forEach((bucket, b) => {
    if (inWindow(b)) return;
    afterOutput += bucket.tokens.reduce((sum, row) => sum + row.output, 0);
    afterNodeSeconds += bucket.nodeSeconds.prefill + bucket.nodeSeconds.decode;
  });
  const pick = (s: { p50: number | null; p90: number | null; p99: number | null }): Percentiles => ({ p50: s.p50, p90: s.p90, p99: s.p99 });
  const sums = fleet.buckets.slice(0, buckets.length).reduce(
    (acc, bucket) => {
      acc.prefillTokens += bucket.prefillInputTokens;
      acc.prefillNodeSeconds += bucket.nodeSeconds.prefill;
      acc.decodeTokens += bucket.decodeOutputTokens;
      acc.decodeNodeSeconds += bucket.nodeSeconds.decode;
      return acc;
    },
    { prefillTokens: 0, prefillNodeSeconds: 0, decodeTokens: 0, decodeNodeSeconds: 0 },
  );
  const tpotP50 = fleet.latency.tpotSeconds.p50;
  return {
    scenario: scenario.name,
    seed,
    requests: fleet.requests.arrived - fleet.requests.beforeWindow,
    completed: fleet.requests.completed,
    rejected: fleet.requests.rejected,
    skippedTraceRows: skippedRows(),
    firstSkippedTraceRow: skippedExamples()[0] ?? null,
    simulatedSeconds: fleet.window.finishSeconds - fleet.window.startSeconds,
    wallSeconds,
    events: fleet.engine.events,
    latency: { ttftSeconds: pick(fleet.latency.ttftSeconds), tpotSeconds: pick(fleet.latency.tpotSeconds), e2eSeconds: pick(fleet.latency.e2eSeconds) },
    throughput: {
      prefillTokensPerSecondPerNode: sums.prefillNodeSeconds > 0 ? sums.prefillTokens / sums.prefillNodeSeconds : null,
      decodeTokensPerSecondPerNode: sums.decodeNodeSeconds > 0 ? sums.decodeTokens / sums.decodeNodeSeconds : null,
      decodeTokensPerSecondPerUser: tpotP50 ? 1 / tpotP50 : null,
    },
    cacheHitShare: fleet.totals.cacheHitShare,
    meanKvLengthPerOutputToken: fleet.totals.meanKvLengthPerOutputToken,
    afterWindow: { outputTokens: afterOutput, nodeHours: afterNodeSeconds / 3600 },
    totals: statement.totals,
    hourly: statement.hourly.map((row, b) => {
      const bucket = fleet.buckets[b];
      return {
        ...row,
        prefillTokensPerSecondPerNode: bucket?.prefillInputTokensPerSecondPerNode ?? null,
        decodeTokensPerSecondPerNode: bucket?.decodeOutputTokensPerSecondPerNode ?? null,
        decodeSequencesPerGpu: bucket?.meanDecodeSequencesPerGpu ?? null,
        ttftP50Seconds: bucket?.ttftSeconds.p50 ?? null,
        ttftP99Seconds: bucket?.ttftSeconds.p99 ?? null,
        tpotP50Seconds: bucket?.tpotSeconds.p50 ?? null,
        tpotP99Seconds: bucket?.tpotSeconds.p99 ?? null,
        cacheHitShare: bucket?.cacheHitShare ?? null,
        meanKvLengthPerOutputToken: bucket?.meanKvLengthPerOutputToken ?? null,
        rejected: bucket?.rejected ?? 0,
      };
    }),
    statement,
    fleet,
  };
}

/**
 * The run's buckets as ledger usage: node time of the simulated pools as the twin measured it (drains
 * included), other pools from their schedule, and the tokens served. The ledger takes whole tokens and
 * whole node-milliseconds, so each line (a model x channel x class's tokens, a simulated pool's node
 * time) is rounded on its running total, as the ledger rounds money: a bucket gets round(total so far)
 * minus round(total before), so rounding never accumulates and the window's total is rounded once.
 */
function simulatedLedger(
  scenario: Scenario,
  spec: SimulationSpec,
  fleet: FleetResult,
  buckets: Scenario['buckets'],
  stepsByPool: NodeStepMs[][],
): Ledger {
  const carried = new Map<string, number>();
  /** Adds `amount` to line `key`'s running total; returns the whole units this bucket posts. */
  const carry = (key: string, amount: number): number => {
    const before = carried.get(key) ?? 0;
    const after = before + amount;
    carried.set(key, after);
    return Math.round(after) - Math.round(before);
  };
  const nodeUsage = nodeUsageFromSteps(stepsByPool, buckets);
  const usage = buckets.map((bucket, b): BucketUsage => {
    const simulated = fleet.buckets[b];
    const traffic: TrafficCell[] = [];
    for (const row of simulated?.tokens ?? []) {
      const cell: TrafficCell = { model: row.model, channel: row.channel, inputCacheHit: 0, inputCacheMiss: 0, output: 0 };
      for (const tokenClass of TOKEN_CLASSES) {
        cell[tokenClass] = carry(`tokens\u0000${row.model}\u0000${row.channel}\u0000${tokenClass}`, row[tokenClass]);
      }
      traffic.push(cell);
    }
    const nodeMsByPool = scenario.pools.map((pool, p) => {
      if (p === spec.prefillPool) return carry('nodeMs\u0000prefill', (simulated?.nodeSeconds.prefill ?? 0) * 1000);
      if (p === spec.decodePool) return carry('nodeMs\u0000decode', (simulated?.nodeSeconds.decode ?? 0) * 1000);
      return nodeMsWithin(pool.steps, bucket.startMs, bucket.endMs);
    });
    const { peakNodesByPool, peakNodes } = nodeUsage[b];
    return { ...bucket, nodeMsByPool, peakNodesByPool, peakNodes, traffic };
  });
  return buildLedger(scenario.pools, usage, scenario.theoretical, scenario.realized);
}

/** Each pool's nodes over time as the twin ran it (units alive, draining ones included) or, for pools it does not simulate, as scheduled. */
function simulatedSteps(scenario: Scenario, spec: SimulationSpec, fleet: FleetResult): NodeStepMs[][] {
  const asNodes = (steps: FleetResult['fleetSteps']['prefill'], nodesPerUnit: number): NodeStepMs[] =>
    steps.map((step) => ({ atMs: scenario.window.startMs + Math.round(step.atSeconds * 1000), nodes: step.aliveUnits * nodesPerUnit }));
  return scenario.pools.map((pool, p) => {
    if (p === spec.prefillPool) return asNodes(fleet.fleetSteps.prefill, pool.nodesPerUnit!);
    if (p === spec.decodePool) return asNodes(fleet.fleetSteps.decode, pool.nodesPerUnit!);
    return pool.steps;
  });
}
