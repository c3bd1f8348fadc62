import { nextLocalTime, parseInstant, parseTimeOfDay } from '../econ/clock.js';
import { InputError } from '../errors.js';
import type { Scenario } from '../scenario/build.js';

/** The buckets [fromBucket, toBucket) that --from and --to select (the whole window by default). */
export function bucketRange(scenario: Scenario, flags: { from?: string; to?: string }): { fromBucket: number; toBucket: number } {
  const fromBucket = flags.from === undefined ? 0 : bucketBoundary(scenario, flags.from, '--from');
  const toBucket = flags.to === undefined ? scenario.buckets.length : bucketBoundary(scenario, flags.to, '--to');
  if (toBucket <= fromBucket) throw new InputError('expected --to after --from', '--to');
  return { fromBucket, toBucket };
}

/** "HH:MM" (the next such time from the window's start) or ISO, which must fall on a bucket edge. */
function bucketBoundary(scenario: Scenario, text: string, flag: string): number {
  const { startMs, endMs, bucketMs, zone } = scenario.window;
  const minute = parseTimeOfDay(text);
  const atMs = minute !== null ? nextLocalTime(startMs, zone, minute % 1440) : parseInstant(text);
  if (atMs === null) throw new InputError(`"${text}" is not a time ("HH:MM" or ISO with offset)`, flag);
  const atEnd = minute !== null && atMs === startMs && flag === '--to' ? endMs : atMs;
  if (atEnd < startMs || atEnd > endMs || (atEnd - startMs) % bucketMs !== 0) {
    throw new InputError(`"${text}" is not a bucket boundary within the window`, flag);
  }
  return (atEnd - startMs) / bucketMs;
}

