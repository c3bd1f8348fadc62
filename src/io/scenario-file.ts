import type { Scenario } from '../scenario/build.js';
import { loadScenario } from '../scenario/load.js';
import { readTextFile } from './files.js';

export function readScenarioFile(path: string): Scenario {
  return loadScenario(readTextFile(path), path);
}
