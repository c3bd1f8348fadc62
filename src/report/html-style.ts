/** The report's stylesheet: inline, no web fonts, readable on screen and on paper. */
import { CHART_FONT_FAMILY, INK, MUTED_INK, RULE, SERIES_COLORS } from './charts/style.js';

export const REPORT_CSS = `
:root {
  --ink: ${INK};
  --muted: ${MUTED_INK};
  --rule: ${RULE};
  --panel: #f6f7f9;
  --cost: ${SERIES_COLORS.cost};
  --theoretical: ${SERIES_COLORS.theoreticalRevenue};
  --realized: ${SERIES_COLORS.realizedRevenue};
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0;
  color: var(--ink);
  background: #fff;
  font-family: ${CHART_FONT_FAMILY};
  font-size: 15px;
  line-height: 1.5;
}
main { max-width: 1120px; margin: 0 auto; padding: 32px 28px 48px; }
header.masthead { border-bottom: 2px solid var(--ink); padding-bottom: 14px; margin-bottom: 20px; }
.kicker { margin: 0; color: var(--muted); font-size: 12px; letter-spacing: .08em; text-transform: uppercase; }
h1 { margin: 4px 0 6px; font-size: 28px; line-height: 1.2; font-weight: 650; }
.window { margin: 0; color: var(--muted); }
.lede { font-size: 18px; line-height: 1.55; margin: 0 0 22px; max-width: 62em; }
.lede b { font-weight: 650; }
h2 { font-size: 19px; margin: 34px 0 4px; font-weight: 650; }
h3 { font-size: 13px; margin: 0 0 8px; color: var(--muted); font-weight: 600; letter-spacing: .06em; text-transform: uppercase; }
.caption { margin: 0 0 8px; color: var(--muted); font-size: 14px; }
.kpi-groups { display: grid; grid-template-columns: 3fr 2fr; gap: 16px; }
.kpi-group { background: var(--panel); border-radius: 8px; padding: 14px 16px 10px; }
.kpis { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 4px 16px; margin: 0; }
.kpis.two { grid-template-columns: repeat(2, minmax(0, 1fr)); }
.kpi { margin: 0 0 10px; }
.kpi dt { color: var(--muted); font-size: 13px; }
.kpi dd { margin: 0; font-size: 24px; font-weight: 650; font-variant-numeric: tabular-nums; line-height: 1.25; }
.kpi dd small { display: block; font-size: 13px; font-weight: 400; color: var(--muted); }
.kpi.cost dd { color: var(--cost); }
.kpi.theoretical dd { color: var(--theoretical); }
.kpi.realized dd { color: var(--realized); }
.note { color: var(--muted); font-size: 13px; margin: 8px 0 0; }
.scenario-flag { display: inline-block; font-size: 11px; font-weight: 600; letter-spacing: .04em; text-transform: uppercase;
  color: var(--realized); border: 1px solid var(--realized); border-radius: 3px; padding: 0 4px; margin-right: 2px; vertical-align: 1px; }
figure { margin: 0; }
figure svg { display: block; width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; font-size: 14px; }
th, td { padding: 5px 10px; border-bottom: 1px solid var(--rule); text-align: right; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
thead th { color: var(--muted); font-weight: 600; font-size: 13px; border-bottom: 1px solid var(--ink); vertical-align: bottom; white-space: normal; }
tfoot td { font-weight: 650; border-top: 1px solid var(--ink); border-bottom: none; }
tbody tr:nth-child(even) td { background: #fafbfc; }
td.negative { color: #b23a3a; }
.tables { display: grid; grid-template-columns: 1fr; gap: 8px; }
.scroll { overflow-x: auto; }
dl.books { margin: 0; }
dl.books dt { font-weight: 650; margin-top: 10px; }
dl.books dd { margin: 2px 0 0; }
footer { margin-top: 40px; padding-top: 10px; border-top: 1px solid var(--rule); color: var(--muted); font-size: 12px; }
@media (max-width: 820px) {
  .kpi-groups { grid-template-columns: 1fr; }
  .kpis { grid-template-columns: repeat(2, minmax(0, 1fr)); }
}
@media print {
  @page { size: A4; margin: 14mm; }
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  .kpi-group { background: none; border: 1px solid var(--rule); }
  .lede { font-size: 13pt; }
  section, figure, table { break-inside: avoid; }
  .hourly { break-inside: auto; }
  .scroll { overflow: visible; }
  tbody tr:nth-child(even) td { background: none; }
}
`;
