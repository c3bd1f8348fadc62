import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DEEPSEEK_SCENARIO, repoRoot } from '../helpers.js';

// The readers block (Atomics.wait), so they run in a child process, from the build (npm test builds
// first): one that hangs is killed after `timeout` and the test fails, instead of the runner hanging.
const readUntilEnd = async (...args: string[]): Promise<{ records: number; name?: string; message?: string }> => {
  const script = resolve(repoRoot, 'test/io/fixtures/read-until-end.mjs');
  const { stdout } = await promisify(execFile)(process.execPath, [script, ...args], { timeout: 20_000, killSignal: 'SIGKILL' });
  return JSON.parse(stdout);
};

describe('threads under a supervisor', () => {
  it.each([
    ['exit', 'test thread exited with code 3 before finishing'],
    ['return', 'test thread exited with code 0 before finishing'],
    ['throw', 'test thread failed: boom'],
  ])('a thread that ends mid-stream (%s) fails its reader after the records it published', async (how, message) => {
    expect(await readUntilEnd('thread', how)).toEqual({ records: 10_000, name: 'Error', message });
  }, 30_000);

  it.each(['generation', 'cache'])('the workload %s thread out of memory fails the simulating thread with one line', async (thread) => {
    // 2 MB, far below what either thread needs to load: it runs out before any record. The cache
    // thread's echo of a failed generation thread gives way to the supervisor's word.
    expect(await readUntilEnd('workload', DEEPSEEK_SCENARIO, thread, '2')).toEqual({
      records: 0,
      name: 'InputError',
      message: `workload ${thread} thread ran out of memory (NODE_OPTIONS=--max-old-space-size=<MB> gives it more)`,
    });
  }, 30_000);
});
