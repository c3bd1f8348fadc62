import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DEEPSEEK_SCENARIO, repoRoot } from '../helpers.js';

// Two hours of the simulated DeepSeek day (the night's smallest fleet and the busy morning), pinned to
// the last digit: a change that moves any figure of docs/deepseek-day.md moves these first. When the
// move is meant, `npx vitest run -u test/scenario/deepseek-simulated-hours.test.ts` rewrites the files
// and the diff shows what moved. They run the built command (npm test builds first), worker threads
// and all, as users do.
async function simulatedHour(from: string, to: string): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [resolve(repoRoot, 'bin/tokenfleet.js'), 'simulate', DEEPSEEK_SCENARIO, '--from', from, '--to', to, '--no-progress', '--json'],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  const { wallSeconds: _wallSeconds, ...result } = JSON.parse(stdout) as Record<string, unknown>;
  return `${JSON.stringify(result, null, 2)}\n`;
}

describe('the simulated DeepSeek day, two hours of it (golden)', () => {
  it.each([
    ['04:00', '05:00'],
    ['10:00', '11:00'],
  ])('%s to %s gives exactly the pinned result', async (from, to) => {
    await expect(await simulatedHour(from, to)).toMatchFileSnapshot(`__snapshots__/deepseek-${from.slice(0, 2)}-${to.slice(0, 2)}.json`);
  }, 180_000); // the busy hour takes ~10 s alone, several times that beside other tests on a slow machine
});
