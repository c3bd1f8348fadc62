import { describe, expect, it } from 'vitest';
import {
  SERIES_COLORS,
  buildBarOption,
  buildCostIncomeOption,
  buildNodeCountOption,
  buildTimeSeriesOption,
  renderChartSvg,
  stableSvgIds,
  wallClockAxisLabel,
} from '../../src/report/charts/index.js';
import { statementFromReference } from './fixture.js';
import { attribute, barTags, pathPoints, pathTags } from './svg-helpers.js';

const SIZE = { widthPx: 1000, heightPx: 360 };

/** The total's step line: the one 2-px line drawn in ink. */
function totalLinePoints(svg: string): Array<[number, number]> {
  const lines = pathTags(svg).filter(
    (tag) => attribute(tag, 'stroke') === SERIES_COLORS.total && attribute(tag, 'stroke-width') === '2',
  );
  expect(lines).toHaveLength(1);
  return pathPoints(attribute(lines[0], 'd') ?? '');
}

describe('node count chart', () => {
  const statement = statementFromReference();
  const svg = renderChartSvg(buildNodeCountOption(statement), SIZE);

  it('draws the total as a step line: only horizontal and vertical segments', () => {
    const points = totalLinePoints(svg);
    expect(points.length).toBeGreaterThanOrEqual(2 * statement.nodeSteps.length);
    for (let index = 1; index < points.length; index++) {
      const [x0, y0] = points[index - 1];
      const [x1, y1] = points[index];
      expect(x0 === x1 || y0 === y1, `segment ${index} is diagonal`).toBe(true);
    }
  });

  it('shows the night trough of 68 nodes from 03:30 to 06:30 and runs to the window end', () => {
    const points = totalLinePoints(svg);
    const left = points[0][0];
    const right = points[points.length - 1][0];
    const hourAt = (x: number) => ((x - left) / (right - left)) * 24;
    const lowestY = Math.max(...points.map(([, y]) => y));
    const trough = points.filter(([, y]) => y === lowestY);
    expect(trough).toHaveLength(2);
    expect(hourAt(trough[0][0])).toBeCloseTo(15.5, 1); // 12:00 + 15.5 h = 03:30
    expect(hourAt(trough[1][0])).toBeCloseTo(18.5, 1); // 06:30
    expect(right - left).toBeGreaterThan(SIZE.widthPx * 0.8);
  });

  it('stacks prefill and decode under the total, with the window end appended', () => {
    const option = buildNodeCountOption(statement);
    const series = option.series as Array<{ name: string; stack?: string; step?: unknown; data: number[][] }>;
    expect(series.map((line) => line.name)).toEqual(['prefill', 'decode', 'total']);
    expect(series[0].stack).toBe('pools');
    expect(series[2].stack).toBeUndefined();
    expect(series.every((line) => line.step === 'end')).toBe(true);
    expect(series[2].data.at(-1)).toEqual([24, 278]);
    expect(series[2].data).toContainEqual([15.5, 68]);
  });

  it('labels the x axis with wall-clock time in the scenario zone, every two hours', () => {
    const labels = [...svg.matchAll(/>(\d\d:\d\d)<\/text>/g)].map((match) => match[1]);
    expect(labels).toEqual([
      '12:00', '14:00', '16:00', '18:00', '20:00', '22:00', '00:00', '02:00', '04:00', '06:00', '08:00', '10:00', '12:00',
    ]);
    expect(svg).toContain('>nodes</text>');
  });

  it('falls back to the start offset when the zone is unknown to the runtime', () => {
    const label = wallClockAxisLabel({ ...statement.window, timeZone: '+08:00' });
    expect(label(15.5)).toBe('03:30');
    expect(wallClockAxisLabel({ ...statement.window, timeZone: 'UTC' })(0)).toBe('04:00');
  });

  it('follows daylight-saving changes in the zone', () => {
    const label = wallClockAxisLabel({
      start: '2025-03-09T00:00:00-05:00',
      end: '2025-03-10T00:00:00-04:00',
      timeZone: 'America/New_York',
    });
    expect(label(1)).toBe('01:00');
    expect(label(3)).toBe('04:00'); // clocks jump from 02:00 to 03:00
  });

  it('draws a single pool as one filled total', () => {
    const single = { ...statement, nodeSteps: statement.nodeSteps.map((step) => ({ ...step, byPool: { all: step.nodes } })) };
    const series = buildNodeCountOption(single).series as Array<{ name: string }>;
    expect(series.map((line) => line.name)).toEqual(['total']);
  });
});

describe('cost and income chart', () => {
  it('draws one cost and one theoretical bar per hour, and no realized bars without a realized book', () => {
    const svg = renderChartSvg(buildCostIncomeOption(statementFromReference()), SIZE);
    expect(barTags(svg, SERIES_COLORS.cost)).toHaveLength(24);
    expect(barTags(svg, SERIES_COLORS.theoreticalRevenue)).toHaveLength(24);
    expect(barTags(svg, SERIES_COLORS.realizedRevenue)).toHaveLength(0);
    expect(svg).not.toContain('Realized');
    expect(svg).toContain('>$30k</text>');
    expect(svg).toContain('>USD per hour</text>');
  });

  it('adds realized revenue bars when the statement has them', () => {
    const svg = renderChartSvg(buildCostIncomeOption(statementFromReference({ realized: true })), SIZE);
    expect(barTags(svg, SERIES_COLORS.realizedRevenue)).toHaveLength(24);
    expect(svg).toContain('Realized revenue (scenario)');
  });

  it('makes taller bars for bigger amounts', () => {
    const svg = renderChartSvg(buildCostIncomeOption(statementFromReference()), SIZE);
    const heights = barTags(svg, SERIES_COLORS.theoreticalRevenue).map((tag) => {
      const ys = pathPoints((attribute(tag, 'd') ?? '').replace(/l/g, 'L')).map(([, y]) => y);
      return Math.abs(Math.min(...ys));
    });
    // Hour 12 (00:00) earns less than hour 10 (22:00), hour 16 (04:00) least of all.
    expect(heights[12]).toBeLessThan(heights[10]);
    expect(Math.min(...heights)).toBe(heights[16]);
  });
});

describe('generic builders', () => {
  const window = { start: '2025-02-27T12:00:00+08:00', end: '2025-02-27T14:00:00+08:00', timeZone: 'Asia/Shanghai' };

  it('draws several named series over time with a unit', () => {
    const option = buildTimeSeriesOption({
      window,
      unitLabel: 'ms',
      series: [
        { name: 'p50', points: [['2025-02-27T12:00:00+08:00', 40], ['2025-02-27T13:00:00+08:00', 45]] },
        { name: 'p99', points: [['2025-02-27T12:00:00+08:00', 90], ['2025-02-27T13:00:00+08:00', 120]], dashed: true },
      ],
    });
    const svg = renderChartSvg(option, SIZE);
    expect(svg).toContain('>p50</text>');
    expect(svg).toContain('>p99</text>');
    expect(svg).toContain('>ms</text>');
    expect(svg).toContain('>12:15</text>'); // two-hour window: quarter-hour ticks
  });

  it('rejects a bar series whose length does not match the categories', () => {
    expect(() => buildBarOption({ categories: ['a', 'b'], unitLabel: 'USD', series: [{ name: 'x', values: [1] }] })).toThrow(
      /1 values for 2 categories/,
    );
  });
});

describe('determinism', () => {
  it('renders the same chart twice to identical bytes', () => {
    const statement = statementFromReference({ realized: true });
    const first = renderChartSvg(buildNodeCountOption(statement), SIZE) + renderChartSvg(buildCostIncomeOption(statement), SIZE);
    const second = renderChartSvg(buildNodeCountOption(statement), SIZE) + renderChartSvg(buildCostIncomeOption(statement), SIZE);
    expect(second).toBe(first);
    expect(first).not.toMatch(/\bzr\d+-/);
  });

  it('renumbers zrender ids by first appearance under the given prefix', () => {
    const svg = '<g clip-path="url(#zr7-c3)" class="zr7-cls-12"><clipPath id="zr7-c3"/><x class="zr7-cls-9 zr7-cls-12"/>';
    expect(stableSvgIds(svg, 'p')).toBe('<g clip-path="url(#p-c0)" class="p-cls-0"><clipPath id="p-c0"/><x class="p-cls-1 p-cls-0"/>');
  });

  it('escapes series names in the SVG text', () => {
    const svg = renderChartSvg(
      buildBarOption({ categories: ['a'], unitLabel: 'USD', series: [{ name: '<script>alert(1)</script>', values: [1] }] }),
      SIZE,
    );
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;');
  });
});
