import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { InputError } from '../errors.js';
import { buildScenario, type Scenario } from './build.js';
import { formatKeyPath, ScenarioError, type KeyPath } from './scenario-error.js';
import { scenarioSchema, type ScenarioFile } from './schema.js';
import { workloadTraceFiles } from './workload-spec.js';
import type { TraceFormat } from '../workload/traceFormats.js';

export interface LoadOptions {
  /**
   * What is wrong with a trace file the simulation section names (its path as written), or undefined
   * when it can be read. Given, every such file is checked as the scenario loads, and a problem is
   * reported at its key; the core itself never touches files.
   */
  traceFileProblem?: (path: string, format: TraceFormat | undefined) => string | undefined;
}

/**
 * Reads a scenario from YAML or JSON text (JSON is YAML). Any problem becomes one InputError:
 * `file:line: key.path: what was expected`.
 */
export function loadScenario(text: string, fileName: string, options: LoadOptions = {}): Scenario {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const syntaxError = doc.errors[0];
  if (syntaxError) {
    const { line } = lineCounter.linePos(syntaxError.pos[0]);
    throw new InputError(`not valid YAML or JSON: ${syntaxError.message.split('\n')[0]}`, `${fileName}:${line}`);
  }
  const parsed = scenarioSchema.safeParse(doc.toJS(), { reportInput: true });
  if (!parsed.success) throw schemaError(parsed.error.issues, doc, lineCounter, fileName);
  const file = parsed.data as ScenarioFile;
  try {
    const scenario = buildScenario(file);
    const problemOf = options.traceFileProblem;
    if (problemOf && file.simulation) {
      for (const trace of workloadTraceFiles(file.simulation.workload, ['simulation', 'workload'])) {
        const problem = problemOf(trace.path, trace.format);
        if (problem !== undefined) throw new ScenarioError(trace.key, problem);
      }
    }
    return scenario;
  } catch (error) {
    if (error instanceof ScenarioError) {
      const line = lineOf(doc, lineCounter, error.path);
      throw new InputError(error.message, `${fileName}:${line}`);
    }
    throw error;
  }
}

function schemaError(issues: readonly z.core.$ZodIssue[], doc: Document, lines: LineCounter, fileName: string): InputError {
  const issue = issues[0];
  let path: KeyPath = issue.path.filter((key): key is string | number => typeof key !== 'symbol');
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') path = [...path, issue.keys[0]];
  if (issue.code === 'invalid_type' && issue.input === undefined) message = `missing (expected ${issue.expected})`;
  else if (issue.code === 'invalid_type') message = `expected ${issue.expected}, got ${describe(issue.input)}`;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  const where = `${fileName}:${lineOf(doc, lines, path)}`;
  return new InputError(`${formatKeyPath(path) || '(top level)'}: ${message}${more}`, where);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** The line of the deepest node on `path` that exists (a missing key points at its parent). */
function lineOf(doc: Document, lines: LineCounter, path: KeyPath): number {
  for (let depth = path.length; depth >= 0; depth--) {
    const prefix = path.slice(0, depth);
    const parent = depth > 0 ? doc.getIn(prefix.slice(0, -1), true) : undefined;
    // Point at the key itself when the last step is a mapping key (its value may start lines later).
    if (depth > 0 && isMap(parent)) {
      const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === prefix[depth - 1]);
      const keyNode = pair?.key;
      if (isScalar(keyNode) && keyNode.range) return lines.linePos(keyNode.range[0]).line;
    }
    const node = depth > 0 ? doc.getIn(prefix, true) : doc.contents;
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range) return lines.linePos(range[0]).line;
  }
  return 1;
}
