/** Small readers for the SVG that echarts renders, so tests can check shapes rather than bytes. */

/** Every `<path …>` element's opening tag. */
export function pathTags(svg: string): string[] {
  return svg.match(/<path\b[^>]*>/g) ?? [];
}

export function attribute(tag: string, name: string): string | undefined {
  return new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
}

/** Bars of one colour that echarts drew as chart data (not legend swatches). */
export function barTags(svg: string, fill: string): string[] {
  return pathTags(svg).filter(
    (tag) => attribute(tag, 'fill') === fill && attribute(tag, 'ecmeta_ssr_type') === 'chart',
  );
}

/** Points of an absolute M/L path ("M64 68.2L546 68.2…"). */
export function pathPoints(d: string): Array<[number, number]> {
  return [...d.matchAll(/[ML]\s*(-?[\d.]+)[ ,](-?[\d.]+)/g)].map((match) => [Number(match[1]), Number(match[2])]);
}
