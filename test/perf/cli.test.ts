import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe('tokenfleet perf', () => {
  it('finds the batch for a per-user target and prints the JSON contract', async () => {
    const { code, stdout } = await run(
      'perf', '--model', 'deepseek-v3', '--gpu', 'h800', '--phase', 'decode', '--nodes', '18', '--ep', '144',
      '--redundant-experts', '32', '--target-tps-per-user', '21', '--kv-len', '4989', '--json',
    );
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    for (const key of ['stepSeconds', 'tokensPerSecondPerGpu', 'tokensPerSecondPerNode', 'tokensPerSecondPerUser']) {
      expect(typeof result[key]).toBe('number');
    }
    expect(result.tokensPerSecondPerUser).toBeGreaterThanOrEqual(21);
    expect(result.memory.fits).toBe(true);
    expect(result.breakdown).toHaveProperty('dispatchSeconds');
    expect(result.breakdown).toHaveProperty('boundBy');
  });

  it('prints a readable prefill breakdown', async () => {
    const { code, stdout } = await run('perf', '--model', 'DeepSeek-V3', '--gpu', 'H800', '--phase', 'prefill', '--nodes', '4', '--ep', '32');
    expect(code).toBe(0);
    expect(stdout).toMatch(/tok\/s\/node/);
    expect(stdout).toMatch(/combine/);
    expect(stdout).toMatch(/fits/);
  });

  it('sweeps a decode layout: throughput per node rises as per-user speed falls', async () => {
    const { code, stdout } = await run('perf', '--model', 'llama-3.1-8b', '--gpu', 'h100-sxm', '--tp', '1', '--sweep', '--kv-len', '2048', '--json');
    expect(code).toBe(0);
    const { sweep } = JSON.parse(stdout) as { sweep: { tokensPerSecondPerNode: number; tokensPerSecondPerUser: number }[] };
    expect(sweep.length).toBeGreaterThan(5);
    expect(sweep.at(-1)!.tokensPerSecondPerNode).toBeGreaterThan(sweep[0].tokensPerSecondPerNode);
    expect(sweep.at(-1)!.tokensPerSecondPerUser).toBeLessThan(sweep[0].tokensPerSecondPerUser);
  });

  it('rejects unknown names with one line listing the known ones', async () => {
    const gpu = await run('perf', '--model', 'deepseek-v3', '--gpu', 'h900');
    expect(gpu.code).toBe(1);
    expect(gpu.stderr.trim().split('\n')).toHaveLength(1);
    expect(gpu.stderr).toMatch(/known GPUs: h800, h100-sxm/);
    const model = await run('perf', '--model', 'gpt-9', '--gpu', 'h800');
    expect(model.stderr).toMatch(/known models: deepseek-v3/);
  });

  it('reports a batch that does not fit as an error with the numbers', async () => {
    const { code, stderr } = await run('perf', '--model', 'llama-3.1-70b', '--gpu', 'h100-sxm', '--batch-per-gpu', '4000', '--kv-len', '8192');
    expect(code).toBe(1);
    expect(stderr).toMatch(/KV tokens per GPU .* GB\) but only \d+ fit/);
  });

  it('rejects bad numbers', async () => {
    const { code, stderr } = await run('perf', '--model', 'llama-3.1-8b', '--gpu', 'h100-sxm', '--batch-per-gpu', 'many');
    expect(code).toBe(1);
    expect(stderr).toMatch(/--batch-per-gpu expects an integer/);
  });

  it('models a unit smaller than a node with --gpus', async () => {
    const { code, stdout } = await run('perf', '--model', 'llama-3.1-8b', '--gpu', 'h100-sxm', '--gpus', '1', '--batch-per-gpu', '1', '--kv-len', '1000', '--json');
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.layout.gpus).toBe(1);
    expect(result.layout.tp).toBe(1);
    // Batch 1 is HBM-bound: 16 GB of BF16 weights at ~3.15 TB/s is ~5 ms, plus kernel overheads.
    expect(result.stepSeconds).toBeGreaterThan(0.005);
    expect(result.stepSeconds).toBeLessThan(0.009);
    expect(result.breakdown.boundBy).toBe('hbm');
    const bad = await run('perf', '--model', 'llama-3.1-8b', '--gpu', 'h100-sxm', '--gpus', '9');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/9 GPUs do not fill 1 node/);
  });
});
