import { add, compare, div, mul, ratio, sub, ZERO, type Ratio } from '../econ/exact.js';
import type { TokenTotals } from '../econ/totals.js';
import { ScenarioError, type KeyPath } from './scenario-error.js';
import type { VolumeFile } from './schema.js';

/** Hit, miss and output tokens from any of the accepted forms; hits may not exceed inputs. */
export function resolveVolume(volume: VolumeFile, path: KeyPath): TokenTotals {
  const { input, inputCacheHit, inputCacheMiss, output = 0 } = volume;
  if (input === undefined) return { inputCacheHit: inputCacheHit ?? 0, inputCacheMiss: inputCacheMiss ?? 0, output };
  const hit = inputCacheHit ?? (inputCacheMiss !== undefined ? input - inputCacheMiss : 0);
  if (hit > input) throw new ScenarioError([...path, 'inputCacheHit'], `cache hits (${hit}) above inputs (${input})`);
  if (hit < 0) throw new ScenarioError([...path, 'inputCacheMiss'], `cache misses (${inputCacheMiss}) above inputs (${input})`);
  const miss = input - hit;
  if (inputCacheMiss !== undefined && inputCacheMiss !== miss) {
    throw new ScenarioError(path, `input (${input}) is not cache hits (${hit}) + cache misses (${inputCacheMiss})`);
  }
  return { inputCacheHit: hit, inputCacheMiss: miss, output };
}

/**
 * Splits a whole `total` in proportion to `weights`, to the unit, so the parts sum to the total exactly
 * (largest remainder; ties go to the earlier part, so the split is deterministic).
 */
export function apportion(total: number, weights: readonly Ratio[]): number[] {
  const weightSum = weights.reduce(add, ZERO);
  if (weightSum.num === 0n) {
    if (total === 0) return weights.map(() => 0);
    throw new RangeError('cannot spread a non-zero total over zero weights');
  }
  const exact = weights.map((w) => mul(ratio(total), div(w, weightSum)));
  const parts = exact.map((e) => e.num / e.den); // floor: every part is >= 0
  let left = BigInt(total) - parts.reduce((a, b) => a + b, 0n);
  const byRemainder = exact
    .map((e, i) => ({ i, remainder: sub(e, ratio(parts[i])) }))
    .sort((a, b) => compare(b.remainder, a.remainder) || a.i - b.i);
  for (const { i } of byRemainder) {
    if (left === 0n) break;
    parts[i] += 1n;
    left -= 1n;
  }
  return parts.map(Number);
}
