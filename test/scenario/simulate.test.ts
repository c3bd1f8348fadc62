import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readScenarioFile } from '../../src/io/scenario-file.js';
import { workloadEnvironment } from '../../src/io/workload-env.js';
import { simulate } from '../../src/scenario/simulate.js';
import { repoRoot, sharedRoot, runCli } from '../helpers.js';
import { SMALL_SYNTHETIC } from './small-synthetic.js';

const MOONCAKE = resolve(repoRoot, 'scenarios/mooncake-conversation.yaml');
const AZURE = resolve(repoRoot, 'scenarios/azure-conversation-2023.yaml');

function run(path: string, seed?: number) {
  return simulate(readScenarioFile(path), { env: workloadEnvironment(path), seed });
}

const cli = runCli;

describe('simulate a scenario', () => {
  it('is deterministic: the same scenario and seed give identical JSON', () => {
    const strip = ({ wallSeconds: _w, ...rest }: ReturnType<typeof run>) => JSON.stringify(rest);
    expect(strip(run(MOONCAKE))).toBe(strip(run(MOONCAKE)));
  });

  it('conserves requests and tokens: the ledger prices exactly what the twin served', () => {
    const report = run(AZURE);
    expect(report.requests).toBe(19_366);
    expect(report.completed + report.rejected).toBe(report.requests);
    const served = report.fleet.totals;
    expect(report.totals.inputTokens + 0).toBe(Math.round(served.inputTokens));
    expect(report.totals.outputTokens).toBe(Math.round(served.outputTokens) - report.afterWindow.outputTokens);
    // Every row of the Azure trace, input and output, and nothing else.
    const rows = readFileSync(resolve(sharedRoot, 'traces/azure_llm_2023/AzureLLMInferenceTrace_conv.csv'), 'utf8').trim().split('\n').slice(1);
    const input = rows.reduce((sum, row) => sum + Number(row.split(',')[1]), 0);
    const output = rows.reduce((sum, row) => sum + Number(row.split(',')[2]), 0);
    expect(report.totals.inputTokens).toBe(input);
    expect(report.totals.outputTokens + report.afterWindow.outputTokens).toBe(output);
  });

  it('serves the Mooncake trace with its prefix reuse as cache hits (unbounded cache: 37.36%)', () => {
    const report = run(MOONCAKE);
    expect(report.requests).toBe(12_031);
    expect(report.cacheHitShare).toBeCloseTo(0.3736, 4);
    expect(report.totals.cacheHitInputTokens / report.totals.inputTokens).toBeCloseTo(0.3736, 4);
  });

  it('charts the fleet the twin ran, from the start of the replayed window', () => {
    const report = simulate(readScenarioFile(AZURE), { env: workloadEnvironment(AZURE), fromBucket: 6, toBucket: 9 });
    expect(report.statement.nodeSteps).toEqual([{ at: '2023-11-16T18:45:00Z', nodes: 3, byPool: { prefill: 1, decode: 2 } }]);
    expect(report.totals.peakNodes).toBe(3);
    expect(report.totals.averageNodes).toBe(3);
  });

  it('rounds simulated node time on its running total: the window is its exact node time, rounded once', () => {
    // Units leave every other minute and drain for a fraction of a millisecond past a whole one, so
    // many one-minute buckets carry fractional node-milliseconds: rounding each bucket alone drifts.
    const flapping = Array.from({ length: 20 }, (_, m) => `{ from: "00:${String(m).padStart(2, '0')}", units: ${m % 2 === 0 ? 3 : 1} }`).join(', ');
    const text = SMALL_SYNTHETIC.replace('bucket: 10m', 'bucket: 1m')
      .replaceAll('steps: [{ from: "00:00", units: 1 }]', `steps: [${flapping}]`)
      .replace('requestsPerSecond: [2, 3]', `requestsPerSecond: [${Array(20).fill(8).join(', ')}]`);
    const dir = mkdtempSync(join(tmpdir(), 'tokenfleet-'));
    const path = join(dir, 'flapping.yaml');
    writeFileSync(path, text);
    const report = run(path);
    for (const pool of ['prefill', 'decode'] as const) {
      let exactMs = 0;
      let fractionalBuckets = 0;
      report.hourly.forEach((row, b) => {
        const bucketExactMs = report.fleet.buckets[b].nodeSeconds[pool] * 1000;
        if (!Number.isInteger(bucketExactMs)) fractionalBuckets++;
        exactMs += bucketExactMs;
        // Each bucket is within a millisecond of its exact node time; the running total within half of one.
        expect(Math.abs(row.nodesByPool[pool] * 60_000 - bucketExactMs)).toBeLessThan(1);
      });
      expect(fractionalBuckets).toBeGreaterThan(5);
      expect(Math.round(report.totals.pools[pool].nodeHours * 3_600_000)).toBe(Math.round(exactMs));
    }
  });

  it('different seeds change a synthetic run, the same seed does not', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokenfleet-'));
    const path = join(dir, 'small.yaml');
    writeFileSync(path, SMALL_SYNTHETIC);
    const a = run(path, 1);
    const b = run(path, 2);
    expect(a.requests).toBeGreaterThan(1000);
    expect(a.requests).not.toBe(b.requests);
    expect(run(path, 1).totals).toEqual(a.totals);
  });

  it('an autoscaler starts from the step in force where the replay starts; a step outside its range is named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokenfleet-'));
    const path = join(dir, 'autoscale.yaml');
    const steps = '[{ from: "00:00", units: 1 }, { from: "00:10", units: 3 }]';
    const text = SMALL_SYNTHETIC.replace(
      '{ name: decode, serves: output, nodesPerUnit: 4, steps: [{ from: "00:00", units: 1 }] }',
      `{ name: decode, serves: output, nodesPerUnit: 4, steps: ${steps} }`,
    ).replace('decode: { layout: { ep: 32 } }', 'decode: { layout: { ep: 32 }, autoscale: { minUnits: 1, maxUnits: 4, targetUtilisation: 0.5 } }');
    writeFileSync(path, text);
    const fromStart = simulate(readScenarioFile(path), { env: workloadEnvironment(path) });
    const fromTen = simulate(readScenarioFile(path), { env: workloadEnvironment(path), fromBucket: 1 });
    expect(fromStart.fleet.fleetSteps.decode[0]).toMatchObject({ atSeconds: 0, servingUnits: 1 });
    expect(fromTen.fleet.fleetSteps.decode[0]).toMatchObject({ atSeconds: 600, servingUnits: 3 });
    writeFileSync(path, text.replace('maxUnits: 4', 'maxUnits: 2'));
    expect(() => simulate(readScenarioFile(path), { env: workloadEnvironment(path), fromBucket: 1 })).toThrow(
      /^fleet\.pools\[1\]\.steps\[1\]\.units: the autoscaler starts from the step in force when the replay starts: expected 1 to 2 units$/,
    );
  });
});

describe('tokenfleet simulate', () => {
  it('--json prints the run and the statement totals', async () => {
    const { code, stdout } = await cli('simulate', AZURE, '--json', '--no-progress');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    for (const key of ['requests', 'simulatedSeconds', 'wallSeconds', 'latency', 'throughput', 'cacheHitShare', 'meanKvLengthPerOutputToken', 'rejected', 'totals']) {
      expect(report).toHaveProperty(key);
    }
    for (const key of ['p50', 'p90', 'p99']) {
      expect(report.latency.ttftSeconds[key]).toBeGreaterThan(0);
      expect(report.latency.tpotSeconds[key]).toBeGreaterThan(0);
    }
    expect(report.throughput.prefillTokensPerSecondPerNode).toBeGreaterThan(0);
    expect(report.throughput.decodeTokensPerSecondPerNode).toBeGreaterThan(0);
    expect(report.totals.costUsd).toBe(60); // 3 H100 nodes x 8 GPUs x 1 h x $2.50
  });

  it('--from/--to replays part of the window', async () => {
    const { code, stdout } = await cli('simulate', AZURE, '--json', '--from', '18:45', '--to', '19:00');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.hourly).toHaveLength(3);
    expect(report.totals.costUsd).toBe(15);
  });

  it('a malformed trace row names the file and line; skipMalformed counts it instead', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokenfleet-'));
    const trace = readFileSync(resolve(sharedRoot, 'traces/azure_llm_2023/AzureLLMInferenceTrace_conv.csv'), 'utf8').split('\n');
    trace.splice(5, 1, '2023-11-16 18:16:10.0000000,12x,40');
    writeFileSync(join(dir, 'trace.csv'), trace.slice(0, 200).join('\n'));
    const scenario = readFileSync(AZURE, 'utf8').replace('../../shared/traces/azure_llm_2023/AzureLLMInferenceTrace_conv.csv', 'trace.csv');
    writeFileSync(join(dir, 'bad.yaml'), scenario);
    const bad = await cli('simulate', join(dir, 'bad.yaml'), '--json');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^tokenfleet: trace\.csv:6: /);
    writeFileSync(join(dir, 'skip.yaml'), scenario.replace('channel: api\n', 'channel: api\n      skipMalformed: true\n'));
    const skipped = await cli('simulate', join(dir, 'skip.yaml'), '--json');
    expect(skipped.code).toBe(0);
    expect(JSON.parse(skipped.stdout)).toMatchObject({ requests: 198, skippedTraceRows: 1 });
  });

  it('a scenario without a simulation section is an error', async () => {
    const { code, stderr } = await cli('simulate', resolve(repoRoot, 'scenarios/deepseek-v3-r1-2025-02-27-realized.yaml'));
    expect(code).toBe(1);
    expect(stderr).toMatch(/^tokenfleet: .*deepseek-v3-r1-2025-02-27-realized\.yaml: simulation: expected a simulation section \(/);
  });
});
