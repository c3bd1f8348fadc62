import { dirname, isAbsolute, resolve } from 'node:path';
import type { WorkloadEnvironment } from '../scenario/workload-spec.js';
import { newRequestRecord } from '../workload/request.js';
import { openTrace } from './traceReader.js';

/** Trace files for a scenario, with paths taken relative to the scenario file, as written in it. */
export function workloadEnvironment(scenarioPath: string): WorkloadEnvironment {
  const base = dirname(resolve(scenarioPath));
  const at = (path: string) => (isAbsolute(path) ? path : resolve(base, path));
  return {
    openTrace: (path, format, options) => openTrace(at(path), format, { ...options, displayName: path }),
    traceLengths(path) {
      const source = openTrace(at(path), undefined, { displayName: path });
      const inputs: number[] = [];
      const outputs: number[] = [];
      const record = newRequestRecord();
      try {
        while (source.next(record)) {
          inputs.push(record.inputTokens);
          outputs.push(record.outputTokens);
        }
      } finally {
        source.close?.();
      }
      return { inputs, outputs };
    },
  };
}
