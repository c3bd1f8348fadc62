import { nodeUsageFromSteps } from '../econ/fleet-usage.js';
import { buildLedger, type BucketUsage, type Ledger } from '../econ/ledger.js';
import type { Scenario } from './build.js';
import { ScenarioError } from './scenario-error.js';

/** The short road: the fleet's steps and the given volumes, straight into the ledger. */
export function scenarioLedger(scenario: Scenario): Ledger {
  const traffic = scenario.traffic;
  if (!traffic) throw new ScenarioError(['traffic'], 'missing: `report` prices given volumes (use `simulate` to make them from the workload)');
  const nodeUsage = nodeUsageFromSteps(
    scenario.pools.map((pool) => pool.steps),
    scenario.buckets,
  );
  const usage = scenario.buckets.map(
    (bucket, b): BucketUsage => ({ ...bucket, ...nodeUsage[b], traffic: traffic[b] }),
  );
  return buildLedger(scenario.pools, usage, scenario.theoretical, scenario.realized);
}
