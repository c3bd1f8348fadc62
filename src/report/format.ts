/**
 * Number formatting for people, shared by the terminal statement, the HTML report and the charts.
 * Pure and locale-independent (always `1,234.5`), so the same input gives the same text in Node and
 * in every browser.
 */

const MINUS = '−';

/** Groups the integer part in thousands: 1234567.5 -> "1,234,567.5". Expects a non-negative finite number. */
function groupThousands(fixed: string): string {
  const [integerPart, fractionPart] = fixed.split('.');
  const grouped = integerPart.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fractionPart === undefined ? grouped : `${grouped}.${fractionPart}`;
}

/** Drops trailing fraction zeros, keeping at least `minDecimals` of them: "0.1400" -> "0.14". */
function trimZeros(fixed: string, minDecimals: number): string {
  const dot = fixed.indexOf('.');
  if (dot < 0) return fixed;
  let end = fixed.length;
  while (end > dot + 1 + minDecimals && fixed[end - 1] === '0') end--;
  if (end === dot + 1) end = dot;
  return fixed.slice(0, end);
}

function signed(value: number, body: (magnitude: number) => string): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? '–' : value > 0 ? '∞' : `${MINUS}∞`;
  const text = body(Math.abs(value));
  // Rounding can turn a tiny negative into zero; no "−0".
  return value < 0 && /[1-9]/.test(text) ? `${MINUS}${text}` : text;
}

/**
 * A plain number with thousands separators and at most `maxDecimals` decimals, trailing zeros dropped:
 * 226.75 -> "226.75", 278 -> "278", 1234.5 -> "1,234.5".
 */
export function formatNumber(value: number, maxDecimals = 2): string {
  return signed(value, (magnitude) => groupThousands(trimZeros(magnitude.toFixed(maxDecimals), 0)));
}

/**
 * US dollars for a reader: whole dollars from $1,000 up ("$87,072"), cents from $1 ("$4.25"), and up to
 * four decimals below $1 so per-million-token prices keep their meaning ("$0.14", "$0.0606").
 * `decimals` forces a fixed number of decimals.
 */
export function formatUsd(amountUsd: number, decimals?: number): string {
  return signed(amountUsd, (magnitude) => {
    if (decimals !== undefined) return `$${groupThousands(magnitude.toFixed(decimals))}`;
    if (magnitude >= 1000) return `$${groupThousands(magnitude.toFixed(0))}`;
    if (magnitude >= 1) return `$${magnitude.toFixed(2)}`;
    return `$${trimZeros(magnitude.toFixed(4), 2)}`;
  });
}

const COMPACT_STEPS: ReadonlyArray<{ factor: number; suffix: string }> = [
  { factor: 1e12, suffix: 'T' },
  { factor: 1e9, suffix: 'B' },
  { factor: 1e6, suffix: 'M' },
  { factor: 1e3, suffix: 'k' },
];

function compact(value: number, dropZeros: boolean): string {
  const tidy = (fixed: string) => (dropZeros ? trimZeros(fixed, 0) : fixed);
  return signed(value, (magnitude) => {
    for (let index = 0; index < COMPACT_STEPS.length; index++) {
      const { factor, suffix } = COMPACT_STEPS[index];
      if (magnitude < factor) continue;
      const scaled = magnitude / factor;
      const decimals = scaled >= 99.95 ? 0 : scaled >= 9.995 ? 1 : 2;
      const fixed = scaled.toFixed(decimals);
      // 999.6k rounds to "1000k": move up to the next suffix instead.
      if (fixed === '1000' && index > 0) return `${tidy('1.00')}${COMPACT_STEPS[index - 1].suffix}`;
      return `${tidy(fixed)}${suffix}`;
    }
    return trimZeros(magnitude.toFixed(magnitude >= 99.95 ? 0 : magnitude >= 9.995 ? 1 : 2), 0);
  });
}

/** Three significant digits with a k/M/B/T suffix, zeros kept so columns line up: 608e9 -> "608B", 33e9 -> "33.0B". */
export function formatCompact(value: number): string {
  return compact(value, false);
}

/** Dollars for axis labels and tight spaces: 30000 -> "$30k", 4448 -> "$4.45k", 0 -> "$0". */
export function formatUsdCompact(amountUsd: number): string {
  const text = compact(amountUsd, true);
  return text.startsWith(MINUS) ? `${MINUS}$${text.slice(1)}` : `$${text}`;
}

/** A fraction as a percentage: 5.4548 -> "545.5%", 0.563 -> "56.3%". */
export function formatPercent(fraction: number | null, decimals = 1): string {
  if (fraction === null) return '–'; // undefined, e.g. a margin on zero cost
  return signed(fraction, (magnitude) => `${groupThousands((magnitude * 100).toFixed(decimals))}%`);
}

/** Token counts: exact below ten thousand ("9,876"), compact above ("608B", "56.3M"). */
export function formatTokens(tokens: number): string {
  return Math.abs(tokens) < 1e4 ? formatNumber(tokens, 0) : formatCompact(tokens);
}
