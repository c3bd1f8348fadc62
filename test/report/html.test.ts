import { describe, expect, it } from 'vitest';
import { SERIES_COLORS } from '../../src/report/charts/index.js';
import { describeWindow, escapeHtml, findTrough, renderStatementHtml } from '../../src/report/html.js';
import { statementFromReference } from './fixture.js';
import { barTags } from './svg-helpers.js';

describe('renderStatementHtml', () => {
  const statement = statementFromReference();
  const html = renderStatementHtml(statement);

  it('is one self-contained page: inline CSS and SVG, no scripts, no external resources', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<style>');
    expect(html).not.toMatch(/<script\b/i);
    expect(html).not.toMatch(/\b(src|href)=/i);
    expect(html).not.toMatch(/url\((?!#)/); // only in-page references such as clip paths
    expect(html.match(/<svg\b/g)).toHaveLength(2);
  });

  it('shows the headline numbers formatted for people', () => {
    expect(html).toContain('$87,072');
    expect(html).toContain('$562,027');
    expect(html).toMatch(/545\.\d%/);
    expect(html).toContain('84.5%'); // gross margin
    expect(html).toContain('56.3% cache hits');
    expect(html).toContain('608B');
    expect(html).toContain('168B');
    expect(html).toContain('226.75');
    expect(html).toContain('5,442'); // node-hours
    expect(html).toContain(escapeHtml(statement.totals.costAttribution));
    expect(html).toContain('shrinking to <b>68</b> from 03:30 to 06:30');
  });

  it('contains both charts and the tables', () => {
    expect(html).toContain('Node count over the day');
    expect(html).toContain('Cost and theoretical income');
    expect(barTags(html, SERIES_COLORS.cost)).toHaveLength(24);
    expect(html).toContain('12:00–13:00');
    expect(html).toContain('11:00–12:00');
    expect(html.match(/<tbody>/g)).toHaveLength(4); // pools, models, channels, hours
    expect(html).toContain(escapeHtml(statement.theoreticalPriceBook));
  });

  it('keeps the two charts’ SVG ids apart', () => {
    const ids = [...html.matchAll(/\bid="([^"]+)"/g)].map((match) => match[1]);
    expect(ids.length).toBeGreaterThan(0);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('shows realized revenue only when the scenario has a realized price book', () => {
    expect(html).not.toContain('Realized revenue');
    expect(html).toContain('This scenario sets no realized price book');
    const realized = statementFromReference({ realized: true });
    const withRealized = renderStatementHtml(realized);
    expect(withRealized).toContain('Realized revenue');
    expect(withRealized).toContain('not published facts');
    expect(withRealized).toContain(escapeHtml(realized.realizedPriceBook ?? 'missing'));
    expect(barTags(withRealized, SERIES_COLORS.realizedRevenue)).toHaveLength(24);
  });

  it('escapes every piece of scenario text', () => {
    const hostile = statementFromReference({ scenario: '<script>alert("x")</script> & co' });
    hostile.totals.byChannel = { '<img src=x onerror=alert(1)>': hostile.totals.byChannel['web + app + API'] };
    hostile.theoreticalPriceBook = '</style><script>bad()</script>';
    const page = renderStatementHtml(hostile);
    expect(page).not.toMatch(/<script\b/i);
    expect(page).not.toContain('<img');
    expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co');
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('renders an empty day without failing', () => {
    const empty = statementFromReference();
    empty.nodeSteps = [];
    empty.hourly = [];
    empty.totals.pools = {};
    empty.totals.byModel = {};
    empty.totals.byChannel = {};
    const page = renderStatementHtml(empty);
    expect(page.match(/<svg\b/g)).toHaveLength(2);
    expect(page).not.toContain('shrinking to');
  });

  it('is deterministic', () => {
    expect(renderStatementHtml(statementFromReference())).toBe(html);
  });
});

describe('report helpers', () => {
  it('describes the window in the scenario zone', () => {
    expect(describeWindow(statementFromReference().window)).toBe(
      '27 Feb 2025 12:00 – 28 Feb 2025 12:00 · Asia/Shanghai (UTC+08:00) · 24 h',
    );
  });

  it('finds the trough', () => {
    expect(findTrough(statementFromReference())).toEqual({ nodes: 68, from: '03:30', to: '06:30' });
  });
});

describe('fixture', () => {
  it('reproduces the published day', () => {
    const statement = statementFromReference();
    const costUsd = statement.hourly.reduce((sum, bucket) => sum + bucket.costUsd, 0);
    expect(costUsd).toBe(87072);
    const nodeHours = statement.hourly.reduce((sum, bucket) => sum + bucket.averageNodes, 0);
    expect(nodeHours).toBeCloseTo(226.75 * 24, 6);
    for (const bucket of statement.hourly) expect(bucket.averageNodes * 16).toBeCloseTo(bucket.costUsd, 6);
  });
});
