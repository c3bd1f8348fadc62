import { readFileSync } from 'node:fs';
import { main } from '../src/cli/main.js';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** shared/ sits beside the clone, for developers and in CI alike. */
export const sharedRoot = resolve(repoRoot, '../shared');

export const DEEPSEEK_SCENARIO = resolve(repoRoot, 'scenarios/deepseek-v3-r1-2025-02-27.yaml');
export const DEEPSEEK_REALIZED_SCENARIO = resolve(repoRoot, 'scenarios/deepseek-v3-r1-2025-02-27-realized.yaml');

export function readReference(): {
  fleet: { averageNodes: number; peakNodes: number; dailyCostUsd: number };
  economics: { theoreticalRevenueUsd: number; costProfitMargin: number };
  traffic: { inputTokens: number; cacheHitInputTokens: number; outputTokens: number };
  hourly: { costUsd: number[]; theoreticalIncomeUsd: number[] };
} {
  return JSON.parse(readFileSync(resolve(sharedRoot, 'reference/deepseek-2025-02-27.json'), 'utf8'));
}

/** Runs the CLI in-process and captures what it prints. */
export async function runCli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}
