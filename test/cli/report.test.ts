import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEEPSEEK_SCENARIO, runCli } from '../helpers.js';

const run = runCli;

describe('tokenfleet report', () => {
  it('--json prints one object with the statement keys', async () => {
    const { code, stdout } = await run('report', DEEPSEEK_SCENARIO, '--json');
    expect(code).toBe(0);
    const statement = JSON.parse(stdout);
    for (const key of ['costUsd', 'theoreticalRevenueUsd', 'realizedRevenueUsd', 'costProfitMargin', 'grossMargin', 'inputTokens', 'cacheHitInputTokens', 'outputTokens', 'averageNodes', 'peakNodes', 'nodeHours']) {
      expect(statement.totals).toHaveProperty(key);
    }
    expect(statement.hourly).toHaveLength(24);
    expect(Object.keys(statement.hourly[0])).toEqual(
      expect.arrayContaining(['start', 'averageNodes', 'costUsd', 'theoreticalRevenueUsd', 'realizedRevenueUsd', 'inputTokens', 'cacheHitInputTokens', 'outputTokens']),
    );
  });

  it('prints a readable statement and writes hourly CSV', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokenfleet-'));
    const csvPath = join(dir, 'hours.csv');
    const { code, stdout } = await run('report', DEEPSEEK_SCENARIO, '--csv', csvPath);
    expect(code).toBe(0);
    expect(stdout).toContain('$87,072.00');
    expect(stdout).toMatch(/cost-profit 545\.\d%/);
    const csv = readFileSync(csvPath, 'utf8').trim().split('\n');
    expect(csv).toHaveLength(25);
    expect(csv[0]).toMatch(/^start,end,averageNodes,costUsd/);
    const costs = csv.slice(1).map((row) => Number(row.split(',')[3]));
    expect(costs.reduce((a, b) => a + b, 0)).toBe(87072);
  });

  it('fails with one line, exit 1, and no output file for a bad scenario', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokenfleet-'));
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, readFileSync(DEEPSEEK_SCENARIO, 'utf8').replace('gpusPerNode: 8', 'gpusPerNode: -8'));
    const csvPath = join(dir, 'out.csv');
    const { code, stderr, stdout } = await run('report', bad, '--csv', csvPath);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/bad\.yaml:\d+: fleet\.gpusPerNode: expected GPUs per node > 0/);
    expect(existsSync(csvPath)).toBe(false);
  });

  it('names a missing file', async () => {
    const { code, stderr } = await run('report', 'no/such/scenario.yaml');
    expect(code).toBe(1);
    expect(stderr).toBe('tokenfleet: no/such/scenario.yaml: cannot read: no such file\n');
  });
});

describe('tokenfleet report --html', () => {
  it('writes one self-contained page with both charts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokenfleet-'));
    const htmlPath = join(dir, 'report.html');
    const { code } = await run('report', DEEPSEEK_SCENARIO, '--html', htmlPath);
    expect(code).toBe(0);
    const html = readFileSync(htmlPath, 'utf8');
    expect(html.match(/<svg[\s>]/g)?.length).toBeGreaterThanOrEqual(2);
    expect(html).toContain('$87,072');
    expect(html).not.toMatch(/<script|<link|src="http/);
  });
});

describe('output paths', () => {
  it('a folder that does not exist fails before any work, naming the path', async () => {
    const { code, stderr } = await run('report', DEEPSEEK_SCENARIO, '--html', '/no/such/folder/report.html');
    expect(code).toBe(1);
    expect(stderr).toBe('tokenfleet: /no/such/folder/report.html: cannot write: no folder /no/such/folder\n');
  });
});

describe('report on a simulation-only scenario', () => {
  it('says to simulate instead', async () => {
    const { code, stderr } = await run('report', 'scenarios/mooncake-conversation.yaml');
    expect(code).toBe(1);
    expect(stderr).toMatch(/^tokenfleet: scenarios\/mooncake-conversation\.yaml: has no traffic to price: .*tokenfleet simulate/);
  });
});
