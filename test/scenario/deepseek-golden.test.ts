import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildStatement } from '../../src/report/build-statement.js';
import { scenarioLedger } from '../../src/scenario/ledger.js';
import { formatPercent } from '../../src/report/format.js';
import { loadScenario } from '../../src/scenario/load.js';
import { DEEPSEEK_REALIZED_SCENARIO, DEEPSEEK_SCENARIO, readReference } from '../helpers.js';

function statementOf(path: string) {
  const scenario = loadScenario(readFileSync(path, 'utf8'), path);
  return buildStatement(scenario, scenarioLedger(scenario));
}

describe('DeepSeek published day (golden)', () => {
  const reference = readReference();
  const statement = statementOf(DEEPSEEK_SCENARIO);
  const t = statement.totals;

  it('costs exactly the published $87,072 with 278 peak and 226.75 average nodes', () => {
    expect(t.costUsd).toBe(reference.fleet.dailyCostUsd);
    expect(t.peakNodes).toBe(reference.fleet.peakNodes);
    expect(t.averageNodes).toBe(reference.fleet.averageNodes);
    expect(t.nodeHours).toBe(5442);
  });

  it('matches the published hourly cost bars exactly', () => {
    expect(statement.hourly.map((h) => h.costUsd)).toEqual(reference.hourly.costUsd);
  });

  it('carries the published token totals to the token', () => {
    expect(t.inputTokens).toBe(reference.traffic.inputTokens);
    expect(t.cacheHitInputTokens).toBe(reference.traffic.cacheHitInputTokens);
    expect(t.outputTokens).toBe(reference.traffic.outputTokens);
  });

  it('earns the published theoretical revenue within 0.1% and the 545% margin within 0.01', () => {
    expect(Math.abs(t.theoreticalRevenueUsd / reference.economics.theoreticalRevenueUsd - 1)).toBeLessThan(0.001);
    expect(Math.abs((t.costProfitMargin ?? Number.NaN) - reference.economics.costProfitMargin)).toBeLessThan(0.01);
    expect(t.grossMargin).toBeCloseTo(0.845, 3);
    expect(t.realizedRevenueUsd).toBeNull();
  });

  it('shapes the hours like the published hourly income (within the chart-reading error)', () => {
    statement.hourly.forEach((hour, h) => {
      expect(Math.abs(hour.theoreticalRevenueUsd - reference.hourly.theoreticalIncomeUsd[h])).toBeLessThan(150);
    });
  });

  it('the realized variant keeps the published cost and theoretical figures, and earns less', () => {
    const variant = statementOf(DEEPSEEK_REALIZED_SCENARIO).totals;
    expect(variant.costUsd).toBe(t.costUsd);
    // Each posted line rounds to the micro-dollar once; six lines per hour instead of one differ by µ$.
    expect(Math.abs(variant.theoreticalRevenueUsd - t.theoreticalRevenueUsd)).toBeLessThan(0.0001);
    expect(variant.inputTokens).toBe(t.inputTokens);
    expect(variant.realizedRevenueUsd).not.toBeNull();
    expect(variant.realizedRevenueUsd!).toBeGreaterThan(0);
    expect(variant.realizedRevenueUsd!).toBeLessThan(variant.theoreticalRevenueUsd / 3);
    expect(variant.byChannel.web.realizedRevenueUsd).toBe(0);
    expect(variant.byChannel.app.realizedRevenueUsd).toBe(0);
  });
});

describe('margins without a divisor', () => {
  it('are null, not 0, when there is no revenue or no cost, and print as a dash', () => {
    const text = readFileSync(DEEPSEEK_SCENARIO, 'utf8').replace('inputCacheHit: 0.14, inputCacheMiss: 0.55, output: 2.19', 'inputCacheHit: 0, inputCacheMiss: 0, output: 0');
    const free = loadScenario(text, 'free.yaml');
    const totals = buildStatement(free, scenarioLedger(free)).totals;
    expect(totals.theoreticalRevenueUsd).toBe(0);
    expect(totals.grossMargin).toBeNull();
    expect(totals.costProfitMargin).toBe(-1);
    expect(formatPercent(totals.grossMargin)).toBe('–');
  });
});
