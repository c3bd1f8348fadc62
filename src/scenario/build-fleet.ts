import { nextLocalTime, parseInstant, parseTimeOfDay, type TimeZone } from '../econ/clock.js';
import { add, div, fromDecimal, mul, ratio, type Ratio } from '../econ/exact.js';
import type { NodeStepMs } from '../econ/fleet-usage.js';
import type { PoolSpec } from '../econ/ledger.js';
import { ScenarioError, type KeyPath } from './scenario-error.js';
import type { GpuCostFile, ScenarioFile } from './schema.js';
import { findGpu, knownGpuIds, lookupGpu } from '../catalog/gpus.js';

// A year of round-the-clock use, 365 x 24 hours, for amortising capex.
const HOURS_PER_YEAR = 8760;

export interface PoolPlan extends PoolSpec {
  gpu: string;
  nodesPerUnit: number | null;
  steps: NodeStepMs[];
  /** Units per step when the scenario gave units; null when it gave nodes. */
  unitSteps: number[] | null;
}

/** $ per GPU-hour, exact: given directly, or capex / (years x 8760 h) + power x PUE x $/kWh + other. */
export function gpuHourUsd(cost: GpuCostFile, path: KeyPath): Ratio {
  if ((cost.usdPerGpuHour === undefined) === (cost.tco === undefined)) {
    throw new ScenarioError(path, 'expected exactly one of usdPerGpuHour or tco');
  }
  if (cost.usdPerGpuHour !== undefined) return fromDecimal(cost.usdPerGpuHour);
  const tco = cost.tco!;
  const capexPerHour = div(fromDecimal(tco.capexUsdPerGpu), mul(fromDecimal(tco.amortizationYears), ratio(HOURS_PER_YEAR)));
  const powerPerHour = mul(mul(fromDecimal(tco.powerKwPerGpu), fromDecimal(tco.pue)), fromDecimal(tco.electricityUsdPerKwh));
  return add(add(capexPerHour, powerPerHour), fromDecimal(tco.otherUsdPerGpuHour));
}

export function buildPools(
  fleet: ScenarioFile['fleet'],
  window: { startMs: number; endMs: number; zone: TimeZone },
): PoolPlan[] {
  const defaultCost = gpuHourUsd(fleet.gpuCost, ['fleet', 'gpuCost']);
  checkGpu(fleet.gpu, ['fleet', 'gpu']);
  const names = new Set<string>();
  return fleet.pools.map((pool, p): PoolPlan => {
    const path: KeyPath = ['fleet', 'pools', p];
    if (names.has(pool.name)) throw new ScenarioError([...path, 'name'], `duplicate pool name "${pool.name}"`);
    names.add(pool.name);
    if (pool.gpu !== undefined) checkGpu(pool.gpu, [...path, 'gpu']);
    const nodesPerUnit = pool.nodesPerUnit ?? null;
    const unitSteps: number[] = [];
    const steps = pool.steps.map((step, s): NodeStepMs => {
      const at: KeyPath = [...path, 'steps', s];
      if ((step.nodes === undefined) === (step.units === undefined)) {
        throw new ScenarioError(at, 'expected exactly one of nodes or units');
      }
      if (step.units !== undefined) {
        if (nodesPerUnit === null) throw new ScenarioError([...at, 'units'], 'units need the pool\'s nodesPerUnit');
        unitSteps.push(step.units);
      }
      return { atMs: 0, nodes: step.nodes ?? step.units! * nodesPerUnit! };
    });
    resolveStepTimes(pool.steps.map((step) => step.from), steps, window, [...path, 'steps']);
    if (unitSteps.length > 0 && unitSteps.length !== steps.length) {
      throw new ScenarioError([...path, 'steps'], 'give every step in units, or every step in nodes, not a mix');
    }
    return {
      name: pool.name,
      serves: pool.serves,
      gpu: lookupGpu(pool.gpu ?? fleet.gpu).id,
      gpusPerNode: pool.gpusPerNode ?? fleet.gpusPerNode,
      gpuHourUsd: pool.gpuCost ? gpuHourUsd(pool.gpuCost, [...path, 'gpuCost']) : defaultCost,
      nodesPerUnit,
      steps,
      unitSteps: unitSteps.length > 0 ? unitSteps : null,
    };
  });
}

/**
 * "HH:MM" is the next such wall-clock time after the previous step (the first must be the window's
 * start), so a day-crossing schedule reads as written; an ISO timestamp is taken as it is.
 */
function resolveStepTimes(
  froms: readonly string[],
  steps: NodeStepMs[],
  window: { startMs: number; endMs: number; zone: TimeZone },
  path: KeyPath,
): void {
  let previousMs = -Infinity;
  froms.forEach((from, s) => {
    const at: KeyPath = [...path, s, 'from'];
    const minute = parseTimeOfDay(from);
    let atMs: number | null;
    if (minute !== null) atMs = nextLocalTime(s === 0 ? window.startMs : previousMs + 1, window.zone, minute % 1440);
    else atMs = parseInstant(from);
    if (atMs === null) throw new ScenarioError(at, `"${from}" is not a time (expected "HH:MM" or an ISO timestamp with offset)`);
    if (s === 0 && atMs !== window.startMs) throw new ScenarioError(at, 'the first step must be at the window\'s start');
    if (atMs <= previousMs) throw new ScenarioError(at, `step at "${from}" is out of order: steps must be in time order`);
    if (atMs >= window.endMs) throw new ScenarioError(at, `step at "${from}" falls at or after the window's end: steps out of order, or past the window`);
    steps[s].atMs = atMs;
    previousMs = atMs;
  });
}

function checkGpu(gpu: string, path: KeyPath): void {
  if (!findGpu(gpu)) {
    throw new ScenarioError(path, `unknown GPU "${gpu}" (known GPUs: ${knownGpuIds().join(', ')})`);
  }
}
