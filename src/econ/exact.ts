/**
 * Exact rational arithmetic over bigint, for money. Inputs written as decimals in a scenario
 * (0.14 $/M tokens, 2 $/GPU-hour, a 0.25 price factor) are exact ratios here, so a bucket's amount is
 * exact until it is rounded once, to the micro-dollar, when posted to the ledger.
 */
export interface Ratio {
  readonly num: bigint;
  /** Always positive. */
  readonly den: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

export function ratio(num: bigint | number, den: bigint | number = 1n): Ratio {
  let n = BigInt(num);
  let d = BigInt(den);
  if (d === 0n) throw new RangeError('ratio: zero denominator');
  if (d < 0n) [n, d] = [-n, -d];
  const g = gcd(n, d);
  return g > 1n ? { num: n / g, den: d / g } : { num: n, den: d };
}

export const ZERO: Ratio = { num: 0n, den: 1n };
export const ONE: Ratio = { num: 1n, den: 1n };

/**
 * The exact value of a decimal as written: a string like "0.14" or "1e-3", or a number, read through
 * its shortest round-trip form (so 0.14 is 14/100, not the binary double nearest to it).
 */
export function fromDecimal(value: number | string): Ratio {
  const text = typeof value === 'number' ? String(value) : value.trim();
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) throw new RangeError(`not a decimal: ${text}`);
  const [, sign, whole, fraction = '', exponentText] = match;
  const exponent = Number(exponentText ?? 0) - fraction.length;
  let num = BigInt(`${whole}${fraction}` || '0');
  if (sign === '-') num = -num;
  return exponent >= 0 ? ratio(num * 10n ** BigInt(exponent)) : ratio(num, 10n ** BigInt(-exponent));
}

export function add(a: Ratio, b: Ratio): Ratio {
  return a.den === b.den ? ratio(a.num + b.num, a.den) : ratio(a.num * b.den + b.num * a.den, a.den * b.den);
}

export function sub(a: Ratio, b: Ratio): Ratio {
  return add(a, { num: -b.num, den: b.den });
}

export function mul(a: Ratio, b: Ratio): Ratio {
  return ratio(a.num * b.num, a.den * b.den);
}

export function div(a: Ratio, b: Ratio): Ratio {
  if (b.num === 0n) throw new RangeError('ratio: division by zero');
  return ratio(a.num * b.den, a.den * b.num);
}

export function compare(a: Ratio, b: Ratio): number {
  const left = a.num * b.den;
  const right = b.num * a.den;
  return left < right ? -1 : left > right ? 1 : 0;
}

/** Rounds to the nearest integer, ties to even (banker's rounding: unbiased over many postings). */
export function roundHalfEven(a: Ratio): bigint {
  const floor = a.num >= 0n ? a.num / a.den : -((-a.num + a.den - 1n) / a.den);
  const twiceRemainder = 2n * (a.num - floor * a.den);
  if (twiceRemainder > a.den) return floor + 1n;
  if (twiceRemainder < a.den) return floor;
  return floor % 2n === 0n ? floor : floor + 1n;
}

/**
 * The exact value as text: a decimal when it has one ("0.9999996", "-2.5", "3"), else "num/den".
 * Every sum of decimals read by fromDecimal has one, so error messages can quote it to the last digit.
 */
export function toExactString(a: Ratio): string {
  let den = a.den;
  let digits = 0;
  let scale = 1n; // 10^digits / den, once den divides 10^digits
  while (den % 10n === 0n) [den, digits] = [den / 10n, digits + 1];
  while (den % 2n === 0n) [den, digits, scale] = [den / 2n, digits + 1, scale * 5n];
  while (den % 5n === 0n) [den, digits, scale] = [den / 5n, digits + 1, scale * 2n];
  if (den !== 1n) return `${a.num}/${a.den}`;
  const magnitude = (a.num < 0n ? -a.num : a.num) * scale;
  const text = magnitude.toString().padStart(digits + 1, '0');
  const whole = text.slice(0, text.length - digits);
  const fraction = text.slice(text.length - digits);
  return `${a.num < 0n ? '-' : ''}${whole}${digits > 0 ? `.${fraction}` : ''}`;
}

/** For display and for ratios of money (margins); never for amounts kept in the ledger. */
export function toNumber(a: Ratio): number {
  return Number(a.num) / Number(a.den);
}
