import { InputError } from '../errors.js';
import type { SimulationSpec } from '../scenario/build-simulation.js';
import type { Scenario } from '../scenario/build.js';
import { loadScenario } from '../scenario/load.js';
import { readTextFile } from './files.js';
import { traceFileProblem } from './workload-env.js';

export function readScenarioFile(path: string): Scenario {
  return loadScenario(readTextFile(path), path);
}

/**
 * A scenario to draw a workload from (`simulate`, `workload`): it must have a simulation section, and
 * every trace file that section names must be readable, each problem reported at its key before any
 * work starts.
 */
export function readSimulationScenarioFile(path: string): Scenario & { simulation: SimulationSpec } {
  const scenario = loadScenario(readTextFile(path), path, { traceFileProblem: traceFileProblem(path) });
  if (!scenario.simulation) {
    throw new InputError('simulation: expected a simulation section (the workload and serving policies to replay; `tokenfleet report` prices given traffic)', path);
  }
  return scenario as Scenario & { simulation: SimulationSpec };
}
