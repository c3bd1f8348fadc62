import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repoRoot, sharedRoot } from '../helpers.js';

// The worker thread only exists in the build (npm test builds first), so these run the command itself.
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

describe('simulate with the workload on a worker thread', () => {
  it('gives exactly the single-thread result', async () => {
    const scenario = resolve(repoRoot, 'scenarios/mooncake-conversation.yaml');
    const [threaded, single] = await Promise.all([run('simulate', scenario, '--json'), run('simulate', scenario, '--json', '--single-thread')]);
    expect(threaded.code).toBe(0);
    expect(JSON.parse(threaded.stdout).cacheHitShare).toBeCloseTo(0.3736, 4);
    expect(withoutWallTime(threaded.stdout)).toBe(withoutWallTime(single.stdout));
  });

  it('a malformed trace row read by the worker is the same one-line error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokenfleet-'));
    const rows = readFileSync(resolve(sharedRoot, 'traces/mooncake_fast25/conversation_trace.jsonl'), 'utf8').split('\n').slice(0, 300);
    rows[249] = '{"timestamp": 1, "input_length": "x"}';
    writeFileSync(join(dir, 'trace.jsonl'), rows.join('\n'));
    const scenario = readFileSync(resolve(repoRoot, 'scenarios/mooncake-conversation.yaml'), 'utf8').replace('../../shared/traces/mooncake_fast25/conversation_trace.jsonl', 'trace.jsonl');
    writeFileSync(join(dir, 'bad.yaml'), scenario);
    const bad = await run('simulate', join(dir, 'bad.yaml'), '--json');
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toBe('tokenfleet: trace.jsonl:250: expected "input_length" to be a whole number ≥ 0\n');
  });
});
