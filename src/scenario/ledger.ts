import { nodeUsageFromSteps } from '../econ/fleet-usage.js';
import { buildLedger, type BucketUsage, type Ledger } from '../econ/ledger.js';
import type { Scenario } from './build.js';

/** The short road: the fleet's steps and the given volumes, straight into the ledger. */
export function scenarioLedger(scenario: Scenario): Ledger {
  const nodeUsage = nodeUsageFromSteps(
    scenario.pools.map((pool) => pool.steps),
    scenario.buckets,
  );
  const usage = scenario.buckets.map(
    (bucket, b): BucketUsage => ({ ...bucket, ...nodeUsage[b], traffic: scenario.traffic[b] }),
  );
  return buildLedger(scenario.pools, usage, scenario.theoretical, scenario.realized);
}
