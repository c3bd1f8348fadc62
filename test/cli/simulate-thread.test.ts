import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repoRoot, sharedRoot } from '../helpers.js';

// The worker threads only exist in the build (npm test builds first), so these run the command itself.
const run = async (...args: string[]) => {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [resolve(repoRoot, 'bin/tokenfleet.js'), ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};
const withoutWallTime = (json: string) => json.replace(/"wallSeconds": [^,]+,/, '');

/** The Mooncake scenario over the first 300 rows of its trace, edited; returns the scenario's path. */
function mooncakeScenarioWith(editRows: (rows: string[]) => void, skipMalformed = false): string {
  const dir = mkdtempSync(join(tmpdir(), 'tokenfleet-'));
  const rows = readFileSync(resolve(sharedRoot, 'traces/mooncake_fast25/conversation_trace.jsonl'), 'utf8').split('\n').slice(0, 300);
  editRows(rows);
  writeFileSync(join(dir, 'trace.jsonl'), rows.join('\n'));
  const trace = `trace.jsonl${skipMalformed ? '\n      skipMalformed: true' : ''}`;
  const scenario = readFileSync(resolve(repoRoot, 'scenarios/mooncake-conversation.yaml'), 'utf8').replace('../../shared/traces/mooncake_fast25/conversation_trace.jsonl', trace);
  writeFileSync(join(dir, 'scenario.yaml'), scenario);
  return join(dir, 'scenario.yaml');
}

describe('simulate with the workload on worker threads', () => {
  it('gives exactly the single-thread result', async () => {
    const scenario = resolve(repoRoot, 'scenarios/mooncake-conversation.yaml');
    const [threaded, single] = await Promise.all([run('simulate', scenario, '--json'), run('simulate', scenario, '--json', '--single-thread')]);
    expect(threaded.code).toBe(0);
    expect(JSON.parse(threaded.stdout).cacheHitShare).toBeCloseTo(0.3736, 4);
    expect(withoutWallTime(threaded.stdout)).toBe(withoutWallTime(single.stdout));
  });

  it('rows with more block keys than a ring chunk holds, and a skipped row, give the single-thread result', async () => {
    const scenario = mooncakeScenarioWith((rows) => {
      // Keys past the row's input length do not change its hit, only what the cache holds; the second
      // long row repeats the first one's keys, so its hit depends on every one of them.
      const spread = Array.from({ length: 50_000 }, (_, i) => 1e9 + ((i * i) % 1_000_003)); // no steps: a literal list
      const run = Array.from({ length: 30_000 }, (_, i) => 2e9 + i);
      for (const at of [100, 200]) {
        const row = JSON.parse(rows[at]) as { hash_ids: number[] };
        rows[at] = JSON.stringify({ ...row, hash_ids: [...row.hash_ids, ...spread, ...run] });
      }
      rows[150] = '{"timestamp": 1, "input_length": "x"}';
    }, true);
    const [threaded, single] = await Promise.all([run('simulate', scenario, '--json'), run('simulate', scenario, '--json', '--single-thread')]);
    expect(threaded.code).toBe(0);
    expect(JSON.parse(threaded.stdout).skippedTraceRows).toBe(1);
    expect(withoutWallTime(threaded.stdout)).toBe(withoutWallTime(single.stdout));
  });

  it('the rows the generation thread skipped are summed up as on one thread, with the first of them', async () => {
    const scenario = mooncakeScenarioWith((rows) => {
      rows[41] = '{"timestamp": 1, "input_length": "x"}';
      rows[120] = 'not json';
    }, true);
    const [threaded, single] = await Promise.all([run('simulate', scenario, '--no-progress'), run('simulate', scenario, '--single-thread', '--no-progress')]);
    expect(threaded.code).toBe(0);
    expect(threaded.stdout.split('\n')).toContain('skipped    2 malformed trace rows (first: trace.jsonl:42: expected "input_length" to be a whole number ≥ 0)');
    const withoutWall = (text: string) => text.replace(/ in [\d.]+ s wall/, '');
    expect(withoutWall(threaded.stdout)).toBe(withoutWall(single.stdout));
  });

  it('a malformed trace row read by the generation thread is the same one-line error', async () => {
    const scenario = mooncakeScenarioWith((rows) => {
      rows[249] = '{"timestamp": 1, "input_length": "x"}';
    });
    const bad = await run('simulate', scenario, '--json');
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toBe('tokenfleet: trace.jsonl:250: expected "input_length" to be a whole number ≥ 0\n');
  });
});
