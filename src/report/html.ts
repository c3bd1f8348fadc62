/**
 * The self-contained HTML report of a statement: one string with inline CSS and inline SVG charts, no
 * scripts and no external resources, so it can be mailed, archived or printed as is. Pure: it returns
 * the page and never writes it.
 */
import {
  bucketLengthLabel,
  buildCostIncomeOption,
  buildNodeCountOption,
  hasRealizedRevenue,
  poolNames,
} from './charts/statement-charts.js';
import { renderChartSvg } from './charts/render.js';
import { formatNumber, formatPercent, formatTokens, formatUsd } from './format.js';
import { REPORT_CSS } from './html-style.js';
import type { StatementJson, TokenBreakdown } from './statement.js';
import { formatOffset, hoursBetween, parseIsoWithOffset, toEpochMs } from './time.js';

export interface StatementHtmlOptions {
  /** Width the charts are drawn at; they scale to the page. Default 1060. */
  chartWidthPx?: number;
  /** A line for the footer, e.g. "tokenfleet 0.1.0, scenario deepseek.yaml". No clock time, to stay reproducible. */
  generatedBy?: string;
  /** Trusted HTML sections placed after the money chart (e.g. the simulator's latency and throughput). */
  extraSectionsHtml?: string;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "27 Feb 2025 12:00" from the ISO string's own wall clock. */
function readableInstant(iso: string): string {
  const { date, time } = parseIsoWithOffset(iso);
  const [year, month, day] = date.split('-');
  return `${Number(day)} ${MONTHS[Number(month) - 1]} ${year} ${time}`;
}

/** "27 Feb 2025 12:00 – 28 Feb 2025 12:00 · Asia/Shanghai (UTC+08:00) · 24 h" */
export function describeWindow(window: StatementJson['window']): string {
  const start = parseIsoWithOffset(window.start);
  const offset = formatOffset(start.offsetMinutes);
  const zone = window.timeZone === '' || window.timeZone === offset ? offset : `${window.timeZone} (${offset})`;
  const hours = hoursBetween(start.epochMs, toEpochMs(window.end));
  return `${readableInstant(window.start)} – ${readableInstant(window.end)} · ${zone} · ${formatNumber(hours)} h`;
}

/** Where the fleet was smallest, e.g. { nodes: 68, from: "03:30", to: "06:30" } (the first such stretch). */
export function findTrough(statement: StatementJson): { nodes: number; from: string; to: string } | null {
  const steps = statement.nodeSteps;
  if (steps.length === 0) return null;
  const nodes = Math.min(...steps.map((step) => step.nodes));
  const first = steps.findIndex((step) => step.nodes === nodes);
  let after = first + 1;
  while (after < steps.length && steps[after].nodes === nodes) after++;
  const end = after < steps.length ? steps[after].at : statement.window.end;
  return { nodes, from: parseIsoWithOffset(steps[first].at).time, to: parseIsoWithOffset(end).time };
}

function share(part: number, whole: number): string {
  return whole === 0 ? '–' : formatPercent(part / whole);
}

function kpi(label: string, value: string, detail: string | null, kind = ''): string {
  const small = detail === null ? '' : `<small>${detail}</small>`;
  return `<div class="kpi${kind === '' ? '' : ` ${kind}`}"><dt>${label}</dt><dd>${value}${small}</dd></div>`;
}

const SCENARIO_FLAG = '<span class="scenario-flag" title="a result of the scenario’s assumptions, not a published figure">scenario</span>';

function lede(statement: StatementJson): string {
  const totals = statement.totals;
  const trough = findTrough(statement);
  const revenuePerCostUsd = totals.costUsd === 0 ? null : totals.theoreticalRevenueUsd / totals.costUsd;
  const money =
    `At list prices the day’s tokens would earn <b>${formatUsd(totals.theoreticalRevenueUsd)}</b> against ` +
    `<b>${formatUsd(totals.costUsd)}</b> of GPU cost: a cost-profit margin of <b>${formatPercent(totals.costProfitMargin)}</b>` +
    (revenuePerCostUsd === null ? '.' : `, or ${formatUsd(revenuePerCostUsd)} of theoretical revenue per dollar of cost.`);
  const realized =
    totals.realizedRevenueUsd === null
      ? ''
      : ` Under the scenario’s realized price book it earns <b>${formatUsd(totals.realizedRevenueUsd)}</b>` +
        (totals.realizedCostProfitMargin === null ? '.' : ` (cost-profit margin ${formatPercent(totals.realizedCostProfitMargin)}).`);
  const fleet =
    ` The fleet averaged <b>${formatNumber(totals.averageNodes)}</b> nodes, peaking at <b>${formatNumber(totals.peakNodes)}</b>` +
    (trough === null || trough.nodes === totals.peakNodes
      ? '.'
      : ` and shrinking to <b>${formatNumber(trough.nodes)}</b> from ${trough.from} to ${trough.to}.`);
  return `<p class="lede">${money}${realized}${fleet}</p>`;
}

function headline(statement: StatementJson): string {
  const totals = statement.totals;
  const perMillion = (usd: number | null) => (usd === null ? '–' : formatUsd(usd));
  const money = [
    kpi('Cost', formatUsd(totals.costUsd), `${formatNumber(totals.nodeHours)} node-hours`, 'cost'),
    kpi('Theoretical revenue', formatUsd(totals.theoreticalRevenueUsd), `profit ${formatUsd(totals.theoreticalProfitUsd)}`, 'theoretical'),
    kpi('Cost-profit margin', formatPercent(totals.costProfitMargin), `gross margin ${formatPercent(totals.grossMargin)}`),
  ];
  if (totals.realizedRevenueUsd !== null) {
    money.push(
      kpi('Realized revenue', formatUsd(totals.realizedRevenueUsd),
        `${SCENARIO_FLAG} profit ${totals.realizedProfitUsd === null ? '–' : formatUsd(totals.realizedProfitUsd)}`, 'realized'),
      kpi('Realized cost-profit margin',
        totals.realizedCostProfitMargin === null ? '–' : formatPercent(totals.realizedCostProfitMargin),
        `${SCENARIO_FLAG} gross margin ${totals.realizedGrossMargin === null ? '–' : formatPercent(totals.realizedGrossMargin)}`),
      '<div class="kpi"></div>',
    );
  }
  money.push(
    kpi('Cost per M input tokens', perMillion(totals.costPerMillionInputTokensUsd), null),
    kpi('Cost per M output tokens', perMillion(totals.costPerMillionOutputTokensUsd), null),
  );
  const fleet = [
    kpi('Average nodes', formatNumber(totals.averageNodes), `peak ${formatNumber(totals.peakNodes)}`),
    kpi('Node-hours', formatNumber(totals.nodeHours), null),
    kpi('Input tokens', formatTokens(totals.inputTokens), `${share(totals.cacheHitInputTokens, totals.inputTokens)} cache hits`),
    kpi('Output tokens', formatTokens(totals.outputTokens), null),
  ];
  return (
    `<section class="kpi-groups" aria-label="Headline figures">` +
    `<div class="kpi-group"><h3>Money</h3><dl class="kpis">${money.join('')}</dl>` +
    `<p class="note">${escapeHtml(totals.costAttribution)}</p></div>` +
    `<div class="kpi-group"><h3>Fleet and traffic</h3><dl class="kpis two">${fleet.join('')}</dl></div></section>`
  );
}

function table(head: readonly string[], rows: readonly string[][], foot: readonly string[] | null, className = ''): string {
  const cells = (row: readonly string[], tag: 'td' | 'th') => row.map((cell) => `<${tag}>${cell}</${tag}>`).join('');
  const body = rows.map((row) => `<tr>${cells(row, 'td')}</tr>`).join('');
  const footer = foot === null ? '' : `<tfoot><tr>${cells(foot, 'td')}</tr></tfoot>`;
  return `<div class="scroll${className === '' ? '' : ` ${className}`}"><table><thead><tr>${cells(head, 'th')}</tr></thead><tbody>${body}</tbody>${footer}</table></div>`;
}

function poolsTable(statement: StatementJson): string {
  const totals = statement.totals;
  const rows = Object.entries(totals.pools).map(([pool, figures]) => [
    escapeHtml(pool),
    formatNumber(figures.averageNodes),
    formatNumber(figures.peakNodes),
    formatNumber(figures.nodeHours),
    formatUsd(figures.costUsd, 0),
    share(figures.costUsd, totals.costUsd),
  ]);
  const foot = ['All pools', formatNumber(totals.averageNodes), formatNumber(totals.peakNodes), formatNumber(totals.nodeHours), formatUsd(totals.costUsd, 0), share(totals.costUsd, totals.costUsd)];
  return table(['Pool', 'Average nodes', 'Peak nodes', 'Node-hours', 'Cost', 'Share of cost'], rows, foot);
}

function breakdownTable(firstColumn: string, breakdown: Record<string, TokenBreakdown>, showRealized: boolean): string {
  const head = [firstColumn, 'Input tokens', 'Cache-hit share', 'Output tokens', 'Theoretical revenue'];
  if (showRealized) head.push(`Realized revenue ${SCENARIO_FLAG}`);
  const rows = Object.entries(breakdown).map(([name, figures]) => {
    const row = [
      escapeHtml(name),
      formatTokens(figures.inputTokens),
      share(figures.cacheHitInputTokens, figures.inputTokens),
      formatTokens(figures.outputTokens),
      formatUsd(figures.theoreticalRevenueUsd, 0),
    ];
    if (showRealized) row.push(figures.realizedRevenueUsd === null ? '–' : formatUsd(figures.realizedRevenueUsd, 0));
    return row;
  });
  return table(head, rows, null);
}

function hourlyTable(statement: StatementJson, showRealized: boolean): string {
  const pools = poolNames(statement);
  const head = ['Hour', 'Average nodes', ...pools.map((pool) => `${escapeHtml(pool)} nodes`), 'Cost', 'Theoretical revenue'];
  if (showRealized) head.push(`Realized revenue ${SCENARIO_FLAG}`);
  head.push('Cost-profit margin', 'Input tokens', 'Cache-hit share', 'Output tokens');
  const rows = statement.hourly.map((bucket) => {
    const row = [
      `${parseIsoWithOffset(bucket.start).time}–${parseIsoWithOffset(bucket.end).time}`,
      formatNumber(bucket.averageNodes),
      ...pools.map((pool) => formatNumber(bucket.nodesByPool[pool] ?? 0)),
      formatUsd(bucket.costUsd, 0),
      formatUsd(bucket.theoreticalRevenueUsd, 0),
    ];
    if (showRealized) row.push(bucket.realizedRevenueUsd === null ? '–' : formatUsd(bucket.realizedRevenueUsd, 0));
    row.push(
      bucket.costUsd === 0 ? '–' : formatPercent((bucket.theoreticalRevenueUsd - bucket.costUsd) / bucket.costUsd),
      formatTokens(bucket.inputTokens),
      share(bucket.cacheHitInputTokens, bucket.inputTokens),
      formatTokens(bucket.outputTokens),
    );
    return row;
  });
  return table(head, rows, null, 'hourly');
}

function priceBooks(statement: StatementJson): string {
  const realized =
    statement.realizedPriceBook === null
      ? '<dd>None. This scenario sets no realized price book, so only theoretical revenue is shown.</dd>'
      : `<dd>${escapeHtml(statement.realizedPriceBook)}</dd>` +
        '<dd class="note">Realized figures are results of this scenario’s assumptions (discounts, free channels, model mix), not published facts.</dd>';
  return (
    `<dl class="books"><dt>Theoretical (every token at list price)</dt><dd>${escapeHtml(statement.theoreticalPriceBook)}</dd>` +
    `<dt>Realized ${SCENARIO_FLAG}</dt>${realized}</dl>`
  );
}

export function chartSection(heading: string, caption: string, svg: string): string {
  return `<section><h2>${heading}</h2><p class="caption">${caption}</p><figure>${svg}</figure></section>`;
}

/** The statement as one self-contained HTML page. */
export function renderStatementHtml(statement: StatementJson, options: StatementHtmlOptions = {}): string {
  const widthPx = options.chartWidthPx ?? 1060;
  const showRealized = hasRealizedRevenue(statement);
  const zone = escapeHtml(statement.window.timeZone || formatOffset(parseIsoWithOffset(statement.window.start).offsetMinutes));
  const nodeSvg = renderChartSvg(buildNodeCountOption(statement), { widthPx, heightPx: 360, idPrefix: 'tf-nodes' });
  const moneySvg = renderChartSvg(buildCostIncomeOption(statement), { widthPx, heightPx: 380, idPrefix: 'tf-money' });
  const scenario = escapeHtml(statement.scenario);
  const footer = options.generatedBy === undefined ? 'Generated by tokenfleet.' : `Generated by ${escapeHtml(options.generatedBy)}.`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${scenario} · tokenfleet statement</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<main>
<header class="masthead"><p class="kicker">tokenfleet · inference statement</p><h1>${scenario}</h1><p class="window">${escapeHtml(describeWindow(statement.window))}</p></header>
${lede(statement)}
${headline(statement)}
${chartSection('Node count over the day', `Nodes in service${poolNames(statement).length >= 2 ? ', stacked by pool, with the total as a line' : ''}; ${zone} time. Each level holds until the next change.`, nodeSvg)}
${chartSection(showRealized ? 'Cost, theoretical and realized revenue' : 'Cost and theoretical income', `Per ${bucketLengthLabel(statement)} in USD; ${zone} time. Theoretical revenue prices every token at list price${showRealized ? '; realized revenue applies the scenario’s price book' : ''}.`, moneySvg)}
${options.extraSectionsHtml ?? ''}
<section><h2>Pools</h2>${poolsTable(statement)}</section>
<section><h2>By model</h2>${breakdownTable('Model', statement.totals.byModel, showRealized)}</section>
<section><h2>By channel</h2>${breakdownTable('Channel', statement.totals.byChannel, showRealized)}</section>
<section><h2>Hour by hour</h2>${hourlyTable(statement, showRealized)}</section>
<section><h2>Price books</h2>${priceBooks(statement)}</section>
<footer>${footer} Cost is node-hours × GPU price; cost-profit margin is (revenue − cost) / cost, gross margin (revenue − cost) / revenue.</footer>
</main>
</body>
</html>
`;
}
