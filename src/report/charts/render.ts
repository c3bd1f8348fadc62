/**
 * Server-side SVG rendering of a chart option. echarts draws without a DOM when asked for `ssr: true`;
 * only this file loads the echarts runtime, so option builders stay plain data for the dashboard.
 */
import type { EChartsOption } from 'echarts';
import { BarChart, LineChart } from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
} from 'echarts/components';
import { init, use } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

use([LineChart, BarChart, GridComponent, LegendComponent, MarkLineComponent, TitleComponent, TooltipComponent, SVGRenderer]);

export interface SvgSize {
  widthPx: number;
  heightPx: number;
  /**
   * Prefix for the SVG's ids and class names. Several SVGs inlined in one page share one id space, so
   * give each chart of a page its own prefix. Default "chart".
   */
  idPrefix?: string;
}

// zrender names ids and classes after a process-wide instance counter ("zr3-c0", "zr3-cls-17"), which
// makes the second render of the same chart differ from the first. Renumber them by first appearance.
const ZRENDER_ID = /\bzr\d+-(cls-|ani-|[csgp])(\d+)\b/g;

export function stableSvgIds(svg: string, idPrefix: string): string {
  const renamed = new Map<string, string>();
  const countByKind = new Map<string, number>();
  return svg.replace(ZRENDER_ID, (id: string, kind: string) => {
    const known = renamed.get(id);
    if (known !== undefined) return known;
    const index = countByKind.get(kind) ?? 0;
    countByKind.set(kind, index + 1);
    const stable = `${idPrefix}-${kind}${index}`;
    renamed.set(id, stable);
    return stable;
  });
}

/** Renders `option` to an SVG string; the same option and size give byte-identical output. */
export function renderChartSvg(option: EChartsOption, size: SvgSize): string {
  const idPrefix = size.idPrefix ?? 'chart';
  if (!/^[A-Za-z][\w-]*$/.test(idPrefix)) throw new RangeError(`idPrefix must be a plain identifier, got "${idPrefix}"`);
  const chart = init(null, null, { renderer: 'svg', ssr: true, width: size.widthPx, height: size.heightPx });
  try {
    chart.setOption({ ...option, animation: false });
    return stableSvgIds(chart.renderToSVGString(), idPrefix);
  } finally {
    chart.dispose();
  }
}
