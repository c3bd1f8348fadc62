import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers.js';

const DECODE = ['perf', '--model', 'deepseek-v3', '--gpu', 'h800', '--nodes', '18', '--ep', '144'];
const PREFILL = ['perf', '--model', 'deepseek-v3', '--gpu', 'h800', '--phase', 'prefill', '--nodes', '4', '--ep', '32'];

/** The one line `perf` fails with, after checking it fails cleanly. */
async function perfError(...args: string[]): Promise<string> {
  const { code, stdout, stderr } = await runCli(...args);
  expect(code).toBe(1);
  expect(stdout).toBe('');
  expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  return stderr.trimEnd();
}

describe('perf rejects flags it would ignore or override', () => {
  it('--eplb without --expert-skew', async () => {
    expect(await perfError(...DECODE, '--eplb')).toBe(
      'tokenfleet: --eplb places the experts of --expert-skew: give --expert-skew too, or --imbalance alone',
    );
    expect(await perfError(...DECODE, '--eplb', '--imbalance', '1.2')).toMatch(/--eplb places the experts of --expert-skew/);
  });

  it('--imbalance with --expert-skew', async () => {
    expect(await perfError(...DECODE, '--imbalance', '1.3', '--expert-skew', '1')).toBe(
      'tokenfleet: --imbalance and --expert-skew both set the expert imbalance: give one',
    );
  });

  it('--batch-per-gpu with --target-tps-per-user or --sweep', async () => {
    expect(await perfError(...DECODE, '--batch-per-gpu', '64', '--target-tps-per-user', '20')).toBe(
      'tokenfleet: --batch-per-gpu and --target-tps-per-user both choose the batch: give one',
    );
    expect(await perfError(...DECODE, '--batch-per-gpu', '64', '--sweep')).toBe('tokenfleet: --sweep runs through every batch size: drop --batch-per-gpu');
  });

  it('--mtp-acceptance without --mtp', async () => {
    expect(await perfError(...DECODE, '--mtp-acceptance', '0.7')).toBe(
      'tokenfleet: --mtp-acceptance applies to the draft tokens of --mtp: give --mtp too',
    );
  });

  it('prefill flags in decode, and decode flags in prefill', async () => {
    expect(await perfError(...DECODE, '--input-len', '2000')).toBe('tokenfleet: --input-len applies to --phase prefill only, not decode');
    expect(await perfError(...DECODE, '--tokens-per-gpu', '8192', '--cached-len', '0')).toBe(
      'tokenfleet: --tokens-per-gpu, --cached-len apply to --phase prefill only, not decode',
    );
    expect(await perfError(...PREFILL, '--kv-len', '1000')).toBe('tokenfleet: --kv-len applies to --phase decode only, not prefill');
    expect(await perfError(...PREFILL, '--sweep', '--batch-per-gpu', '8', '--mtp', '1')).toBe(
      'tokenfleet: --sweep, --batch-per-gpu, --mtp apply to --phase decode only, not prefill',
    );
  });

  it('expert flags on a dense model', async () => {
    expect(await perfError('perf', '--model', 'llama-3.1-8b', '--gpu', 'h100-sxm', '--imbalance', '2', '--routing-noise')).toBe(
      'tokenfleet: llama-3.1-8b has no experts: --imbalance, --routing-noise apply to MoE models only',
    );
  });

  it('still takes each flag where it applies, and the defaults are unchanged', async () => {
    const json = async (...args: string[]) => {
      const { code, stdout } = await runCli(...args, '--json');
      expect(code).toBe(0);
      return JSON.parse(stdout);
    };
    const decode = await json(...DECODE, '--expert-skew', '1', '--eplb', '--mtp', '1', '--mtp-acceptance', '0.8');
    expect(decode.layout.acceptanceRate).toBe(0.8);
    expect(await json(...DECODE)).toEqual(await json(...DECODE, '--batch-per-gpu', '128', '--kv-len', '4096'));
    expect(await json(...PREFILL)).toEqual(await json(...PREFILL, '--tokens-per-gpu', '16384', '--input-len', '4096', '--cached-len', '0'));
    const sweep = await json(...DECODE, '--sweep', '--target-tps-per-user', '20');
    expect(sweep.target.tokensPerSecondPerUser).toBeGreaterThanOrEqual(20);
  });
});
