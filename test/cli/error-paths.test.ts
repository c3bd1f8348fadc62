import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simulationSummary } from '../../src/cli/simulate.js';
import { readScenarioFile } from '../../src/io/scenario-file.js';
import { workloadEnvironment } from '../../src/io/workload-env.js';
import { simulate } from '../../src/scenario/simulate.js';
import { workloadStats } from '../../src/scenario/workload-stats.js';
import { DEEPSEEK_REALIZED_SCENARIO, repoRoot, runCli, sharedRoot } from '../helpers.js';
import { SMALL_SYNTHETIC } from '../scenario/small-synthetic.js';

const MOONCAKE = resolve(repoRoot, 'scenarios/mooncake-conversation.yaml');
const AZURE = resolve(repoRoot, 'scenarios/azure-conversation-2023.yaml');
const MOONCAKE_TRACE = '../../shared/traces/mooncake_fast25/conversation_trace.jsonl';

/** The Mooncake scenario with its trace path replaced, in a folder of its own; returns the folder and the scenario's path. */
function mooncakeWithTrace(tracePath: string): { dir: string; scenario: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tokenfleet-'));
  const scenario = join(dir, 'scenario.yaml');
  writeFileSync(scenario, readFileSync(MOONCAKE, 'utf8').replace(MOONCAKE_TRACE, tracePath));
  return { dir, scenario };
}

/** 1-based line of the first line of `file` that contains `text`. */
function lineOf(file: string, text: string): number {
  return readFileSync(file, 'utf8').split('\n').findIndex((line) => line.includes(text)) + 1;
}

/** One line on stderr, nothing on stdout, exit 1. */
function expectOneLineError(result: { code: number; stdout: string; stderr: string }): string {
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
  expect(result.stderr.endsWith('\n')).toBe(true);
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  return result.stderr;
}

describe('a trace file the scenario names is checked as the scenario is read', () => {
  it('a missing trace is named at its key and line, as written and resolved, before the run starts', async () => {
    const { dir, scenario } = mooncakeWithTrace('traces/x.jsonl');
    const line = lineOf(scenario, 'path: traces/x.jsonl');
    const expected =
      `tokenfleet: ${scenario}:${line}: simulation.workload.trace.path: no such file: traces/x.jsonl ` +
      `(resolved relative to the scenario's folder: ${join(dir, 'traces/x.jsonl')})\n`;
    for (const args of [['simulate', scenario], ['simulate', scenario, '--single-thread', '--json'], ['workload', scenario]]) {
      expect(expectOneLineError(await runCli(...args))).toBe(expected);
    }
  });

  it('an absolute path is named once, a folder and a name without a format are named too', async () => {
    const absolute = mooncakeWithTrace('/no/such/trace.jsonl');
    expect(expectOneLineError(await runCli('simulate', absolute.scenario))).toMatch(
      /^tokenfleet: .*scenario\.yaml:\d+: simulation\.workload\.trace\.path: no such file: \/no\/such\/trace\.jsonl\n$/,
    );
    const folder = mooncakeWithTrace('traces');
    mkdirSync(join(folder.dir, 'traces'));
    expect(expectOneLineError(await runCli('workload', folder.scenario))).toMatch(/trace\.path: is a directory: traces \(resolved relative/);
    const text = mooncakeWithTrace('trace.txt');
    writeFileSync(join(text.dir, 'trace.txt'), '');
    expect(expectOneLineError(await runCli('simulate', text.scenario))).toMatch(
      /trace\.path: cannot tell the trace format: expected a \.csv \(Azure 2023\) or \.jsonl \(Mooncake\) file, got trace\.txt\n$/,
    );
  });

  it('a missing lengthsFromTrace file is named at its stream', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokenfleet-'));
    const scenario = join(dir, 'lengths.yaml');
    writeFileSync(scenario, SYNTHETIC_FROM_TRACE('lengths/none.csv'));
    const line = lineOf(scenario, 'lengthsFromTrace:');
    expect(expectOneLineError(await runCli('workload', scenario))).toBe(
      `tokenfleet: ${scenario}:${line}: simulation.workload.synthetic.streams[0].lengthsFromTrace: no such file: lengths/none.csv ` +
        `(resolved relative to the scenario's folder: ${join(dir, 'lengths/none.csv')})\n`,
    );
    // The same scenario with a trace that is there draws its lengths from it.
    writeFileSync(scenario, SYNTHETIC_FROM_TRACE(resolve(sharedRoot, 'traces/azure_llm_2023/AzureLLMInferenceTrace_conv.csv')));
    const { code, stdout } = await runCli('workload', scenario, '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout).requests).toBeGreaterThan(0);
  });

  it('report, which ignores the simulation section, does not look for its traces', async () => {
    const { scenario } = mooncakeWithTrace('x.jsonl');
    expect(expectOneLineError(await runCli('report', scenario))).toMatch(/has no traffic to price/);
  });
});

describe('a scenario without a simulation section', () => {
  it('is named with its file by simulate and workload', async () => {
    for (const command of ['simulate', 'workload']) {
      expect(expectOneLineError(await runCli(command, DEEPSEEK_REALIZED_SCENARIO))).toBe(
        `tokenfleet: ${DEEPSEEK_REALIZED_SCENARIO}: simulation: expected a simulation section ` +
          '(the workload and serving policies to replay; `tokenfleet report` prices given traffic)\n',
      );
    }
  });

  it('is refused by the library functions too, at the key path, for callers that skip the file check', () => {
    const scenario = readScenarioFile(DEEPSEEK_REALIZED_SCENARIO);
    const env = workloadEnvironment(DEEPSEEK_REALIZED_SCENARIO);
    expect(() => simulate(scenario, { env })).toThrow(
      /^simulation: the scenario has no simulation section \(a workload and serving policies\)$/,
    );
    expect(() => workloadStats(scenario, env)).toThrow(
      /^simulation: the scenario has no simulation section \(a workload to draw\)$/,
    );
  });
});

describe('--seed', () => {
  it('rejects what is not a whole number the generators take exactly', async () => {
    for (const seed of ['99999999999999999999', '9007199254740992', '-1', '1e3', '']) {
      expect(expectOneLineError(await runCli('simulate', AZURE, '--seed', seed))).toBe(
        `tokenfleet: --seed: expected a whole number from 0 to 9007199254740991, got "${seed}"\n`,
      );
    }
  });
});

describe('skipped trace rows', () => {
  /** The Mooncake scenario over 200 rows of its trace, two of them broken, skipped. */
  function skipping(): string {
    const { dir, scenario } = mooncakeWithTrace('trace.jsonl\n      skipMalformed: true');
    const rows = readFileSync(resolve(sharedRoot, 'traces/mooncake_fast25/conversation_trace.jsonl'), 'utf8').split('\n').slice(0, 200);
    rows[3] = '{"timestamp": 1, "input_length": "x"}';
    rows[99] = 'not json';
    writeFileSync(join(dir, 'trace.jsonl'), rows.join('\n'));
    return scenario;
  }
  const line = 'skipped    2 malformed trace rows (first: trace.jsonl:4: expected "input_length" to be a whole number ≥ 0)';

  it('simulate prints how many and the first; --json keeps the count', async () => {
    const scenario = skipping();
    const text = await runCli('simulate', scenario, '--no-progress');
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n')).toContain(line);
    const json = await runCli('simulate', scenario, '--json');
    expect(JSON.parse(json.stdout).skippedTraceRows).toBe(2);
  });

  it('workload prints them too', async () => {
    const scenario = skipping();
    const { code, stdout } = await runCli('workload', scenario);
    expect(code).toBe(0);
    expect(stdout).toContain(line.replace('skipped    ', 'skipped                           '));
    const json = JSON.parse((await runCli('workload', scenario, '--json')).stdout);
    expect(json).toMatchObject({ skippedTraceRows: 2, firstSkippedTraceRow: 'trace.jsonl:4: expected "input_length" to be a whole number ≥ 0' });
  });

  it('a run that skipped nothing says nothing about it', async () => {
    const { stdout } = await runCli('simulate', AZURE, '--from', '18:45', '--to', '18:50');
    expect(stdout).not.toMatch(/skipped|warning/);
  });
});

describe('the simulate summary', () => {
  const report = simulate(readScenarioFile(AZURE), { env: workloadEnvironment(AZURE), fromBucket: 6, toBucket: 7 });

  it('prints end-to-end latency percentiles', () => {
    const e2e = report.latency.e2eSeconds;
    const line = simulationSummary(report).split('\n').find((l) => l.startsWith('e2e'));
    expect(line).toMatch(/^e2e {8}p50 [\d.]+ s, p90 [\d.]+ s, p99 [\d.]+ s$/);
    expect(Number(line!.match(/p50 ([\d.]+) s/)![1])).toBeCloseTo(e2e.p50!, 1);
  });

  it('warns of requests still in flight when the run ended', () => {
    expect(report.fleet.requests.inFlightAtEnd).toBe(0);
    expect(simulationSummary(report)).not.toContain('warning');
    const stalled = { ...report, fleet: { ...report.fleet, requests: { ...report.fleet.requests, inFlightAtEnd: 3 } } };
    const lines = simulationSummary(stalled).split('\n');
    expect(lines[2]).toBe('warning    3 requests were still in flight when the run ended: the fleet stalled and never finished them');
  });

  it('says how many rejections were requests too long for one decode GPU', () => {
    expect(simulationSummary(report).split('\n')[1]).toMatch(/\(\d[\d,]* completed, 0 rejected\) in/);
    const tooLong = { ...report, rejected: 2, fleet: { ...report.fleet, requests: { ...report.fleet.requests, rejected: 2, rejectedTooLongForDecode: 2 } } };
    expect(simulationSummary(tooLong).split('\n')[1]).toMatch(/, 2 rejected, 2 of them too long for one decode GPU's KV\) in/);
  });
});

/** The small synthetic scenario with its lengths drawn from `trace`. */
const SYNTHETIC_FROM_TRACE = (trace: string): string => {
  const lengths = /^( +)inputTokens: .*\n.*outputTokens: .*\n.*conversation: .*$/m;
  expect(SMALL_SYNTHETIC).toMatch(lengths);
  return SMALL_SYNTHETIC.replace(lengths, `$1lengthsFromTrace: ${trace}`);
};
