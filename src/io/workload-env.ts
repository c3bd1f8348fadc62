import { dirname, isAbsolute, resolve } from 'node:path';
import type { WorkloadEnvironment } from '../scenario/workload-spec.js';
import type { TraceFormat } from '../workload/traceFormats.js';
import { newRequestRecord } from '../workload/request.js';
import { unreadableFileReason } from './files.js';
import { inferTraceFormat, openTrace, UNKNOWN_TRACE_FORMAT } from './traceReader.js';

/** A path as written in the scenario, taken relative to the scenario file's folder. */
function scenarioRelative(scenarioPath: string): (path: string) => string {
  const base = dirname(resolve(scenarioPath));
  return (path) => (isAbsolute(path) ? path : resolve(base, path));
}

/** Trace files for a scenario, with paths taken relative to the scenario file, as written in it. */
export function workloadEnvironment(scenarioPath: string): WorkloadEnvironment {
  const at = scenarioRelative(scenarioPath);
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

/**
 * What is wrong with a trace file the scenario names (its path as written), before any run opens it:
 * missing, unreadable, or a name that tells no format when the scenario gives none.
 */
export function traceFileProblem(scenarioPath: string): (path: string, format: TraceFormat | undefined) => string | undefined {
  const at = scenarioRelative(scenarioPath);
  return (path, format) => {
    const full = at(path);
    const reason = unreadableFileReason(full);
    if (reason !== undefined) return `${reason}: ${path}${full === path ? '' : ` (resolved relative to the scenario's folder: ${full})`}`;
    if (format === undefined && inferTraceFormat(path) === undefined) return `${UNKNOWN_TRACE_FORMAT}, got ${path}`;
    return undefined;
  };
}
