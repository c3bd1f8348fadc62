import { lookupGpu } from '../catalog/gpus.js';
import { findModel, kvBytesPerToken, knownModelIds } from '../catalog/models.js';
import { isInputError } from '../errors.js';
import type { UnitLayoutInput } from '../perf/layout.js';
import { createStepTimeModel, type UnitStepModel } from '../perf/step-model.js';
import type { FleetConfig, PoolPlan as SimPoolPlan } from '../sim/config.js';
import { PerfStepTimeModel } from '../sim/perf-step-time.js';
import type { PoolPlan } from './build-fleet.js';
import { ScenarioError, type KeyPath } from './scenario-error.js';
import type { SimulationFile } from './simulation-schema.js';
import { buildWorkloadSpec, type WorkloadSpec } from './workload-spec.js';

/** Everything `simulate` needs, resolved from the scenario: the fleet, the step model, the workload. */
export interface SimulationSpec {
  modelId: string;
  seed: number;
  /** The fleet over the whole window. */
  config: FleetConfig;
  /**
   * The fleet for a replay of [startSeconds, endSeconds): an autoscaler starts from the units of the
   * step in force at startSeconds (later steps are the schedule it replaces, not used).
   */
  configFor(startSeconds: number, endSeconds: number): FleetConfig;
  stepModel: PerfStepTimeModel;
  workload: WorkloadSpec;
  /** Indexes into the scenario's pools. */
  prefillPool: number;
  decodePool: number;
}

interface WindowInfo {
  startMs: number;
  endMs: number;
  bucketMs: number;
  buckets: number;
  bucketWeights: readonly number[] | null;
}

const PATH: KeyPath = ['simulation'];

export function buildSimulation(file: SimulationFile, pools: readonly PoolPlan[], window: WindowInfo): SimulationSpec {
  const model = findModel(file.model);
  if (!model) {
    throw new ScenarioError([...PATH, 'model'], `unknown model "${file.model}" (known models: ${knownModelIds().join(', ')})`);
  }
  const serving = file.serving;
  const prefillPool = findPool(pools, serving.prefill.pool, 'input', [...PATH, 'serving', 'prefill', 'pool']);
  const decodePool = findPool(pools, serving.decode.pool, 'output', [...PATH, 'serving', 'decode', 'pool']);
  if (decodePool === prefillPool) {
    throw new ScenarioError([...PATH, 'serving', 'decode', 'pool'], `prefill and decode need pools of their own; both are "${pools[prefillPool].name}"`);
  }
  const prefillPlan = pools[prefillPool];
  const decodePlan = pools[decodePool];

  const unitModel = (plan: PoolPlan, layout: SimulationFile['serving']['prefill']['layout'], phase: 'prefill' | 'decode'): UnitStepModel => {
    const at: KeyPath = [...PATH, 'serving', phase, 'layout'];
    const input: UnitLayoutInput = { nodes: plan.nodesPerUnit!, gpus: plan.nodesPerUnit! * plan.gpusPerNode, ...layout };
    try {
      return createStepTimeModel(model, lookupGpu(plan.gpu), input, phase);
    } catch (error) {
      if (isInputError(error)) throw new ScenarioError(at, error.message);
      throw error;
    }
  };
  const stepModel = new PerfStepTimeModel(
    unitModel(prefillPlan, serving.prefill.layout, 'prefill'),
    unitModel(decodePlan, serving.decode.layout, 'decode'),
  );
  const microBatches = (unit: UnitStepModel) => (unit.layout.overlap === 'none' ? 1 : 2);
  const secondsFromStart = (ms: number) => (ms - window.startMs) / 1000;

  /** Units of the pool's step in force at `atSeconds`, where an autoscaler starts. */
  const startUnits = (pool: PoolPlan, range: { minUnits: number; maxUnits: number }, atSeconds: number): number => {
    let s = 0;
    while (s + 1 < pool.steps.length && secondsFromStart(pool.steps[s + 1].atMs) <= atSeconds) s++;
    const units = pool.unitSteps![s];
    if (units < range.minUnits || units > range.maxUnits) {
      throw new ScenarioError(
        ['fleet', 'pools', pools.indexOf(pool), 'steps', s, 'units'],
        `the autoscaler starts from the step in force when the replay starts: expected ${range.minUnits} to ${range.maxUnits} units`,
      );
    }
    return units;
  };
  const plan = (pool: PoolPlan, phase: 'prefill' | 'decode'): SimPoolPlan => {
    const autoscale = serving[phase].autoscale;
    const units = pool.unitSteps!;
    if (autoscale) {
      if (autoscale.minUnits > autoscale.maxUnits) {
        throw new ScenarioError([...PATH, 'serving', phase, 'autoscale', 'maxUnits'], 'expected maxUnits >= minUnits');
      }
      return { kind: 'autoscale', initialUnits: startUnits(pool, autoscale, 0), ...autoscale };
    }
    units.forEach((count, s) => {
      if (count < 1) throw new ScenarioError(['fleet', 'pools', pools.indexOf(pool), 'steps', s, 'units'], 'the simulator needs at least one unit in service');
    });
    return { kind: 'schedule', steps: pool.steps.map((step, s) => ({ atSeconds: secondsFromStart(step.atMs), units: units[s] })) };
  };

  const config: FleetConfig = {
    startSeconds: 0,
    endSeconds: (window.endMs - window.startMs) / 1000,
    bucketSeconds: window.bucketMs / 1000,
    kvBytesPerToken: kvBytesPerToken(model),
    api: { maxQueuedRequests: serving.api.maxQueuedRequests },
    cache: serving.kvCache
      ? {
          capacityBytes: serving.kvCache.capacityTerabytes * 1e12,
          readBytesPerSecondPerGpu: serving.kvCache.readGigabytesPerSecondPerGpu * 1e9,
          overlapLoad: serving.kvCache.overlapLoad,
        }
      : null,
    kvTransfer: { bytesPerSecondPerGpu: serving.kvTransfer.gigabytesPerSecondPerGpu * 1e9, overlapped: serving.kvTransfer.overlapped },
    prefill: {
      nodesPerUnit: prefillPlan.nodesPerUnit!,
      gpusPerUnit: stepModel.prefill.layout.gpus,
      microBatches: microBatches(stepModel.prefill),
      tokenBudgetPerGpu: serving.prefill.tokenBudgetPerGpu,
      balancer: serving.prefill.balancer,
      attentionEquivalentContextTokens: stepModel.attentionEquivalentContextTokens(serving.prefill.tokenBudgetPerGpu),
      plan: plan(prefillPlan, 'prefill'),
    },
    decode: {
      nodesPerUnit: decodePlan.nodesPerUnit!,
      gpusPerUnit: stepModel.decode.layout.gpus,
      microBatches: microBatches(stepModel.decode),
      maxSequencesPerGpu: serving.decode.maxSequencesPerGpu,
      kvCapacityTokensPerGpu: stepModel.decode.kvCapacityTokensPerGpu,
      balancer: serving.decode.balancer,
      // Runs of identical decode steps are priced at their middle; 64 steps keep that within a few ms.
      maxStrideSteps: 64,
      tokensPerStep: stepModel.decode.decodeTokensPerSequenceStep,
      plan: plan(decodePlan, 'decode'),
    },
  };
  const planFrom = (p: SimPoolPlan, pool: PoolPlan, startSeconds: number): SimPoolPlan =>
    p.kind === 'autoscale' ? { ...p, initialUnits: startUnits(pool, p, startSeconds) } : p;
  return {
    modelId: model.id,
    seed: file.seed,
    config,
    configFor: (startSeconds, endSeconds) => ({
      ...config,
      startSeconds,
      endSeconds,
      prefill: { ...config.prefill, plan: planFrom(config.prefill.plan, prefillPlan, startSeconds) },
      decode: { ...config.decode, plan: planFrom(config.decode.plan, decodePlan, startSeconds) },
    }),
    stepModel,
    workload: buildWorkloadSpec(file.workload, window, [...PATH, 'workload']),
    prefillPool,
    decodePool,
  };
}

function findPool(pools: readonly PoolPlan[], name: string | undefined, serves: 'input' | 'output', path: KeyPath): number {
  const index = name === undefined ? pools.findIndex((pool) => pool.serves === serves) : pools.findIndex((pool) => pool.name === name);
  if (index < 0) {
    const what = name === undefined ? `pool that serves ${serves} (name one with "pool:")` : `pool named "${name}"`;
    throw new ScenarioError(path, `the fleet has no ${what} (pools: ${pools.map((p) => p.name).join(', ')})`);
  }
  if (pools[index].unitSteps === null || pools[index].nodesPerUnit === null) {
    throw new ScenarioError(['fleet', 'pools', index, 'steps'], 'the simulator needs the pool\'s steps in units (with nodesPerUnit)');
  }
  return index;
}
