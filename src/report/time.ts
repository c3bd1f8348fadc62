/**
 * Wall-clock helpers for reports. Statements carry ISO 8601 instants with the scenario's UTC offset;
 * charts place points by real elapsed time and label them in the scenario's zone, never the zone of the
 * machine that renders them (so output is the same everywhere).
 */
import { DateTime, FixedOffsetZone } from 'luxon';
import { parseTimeZone } from '../econ/clock.js';

const ISO_WITH_OFFSET =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

export interface IsoParts {
  epochMs: number;
  /** "2025-02-27" as written (local to the offset). */
  date: string;
  /** "12:00" as written. */
  time: string;
  /** Minutes east of UTC, from the string's own offset. */
  offsetMinutes: number;
}

/** Splits an ISO 8601 instant that carries an offset ("2025-02-27T12:00:00+08:00"). */
export function parseIsoWithOffset(iso: string): IsoParts {
  const match = ISO_WITH_OFFSET.exec(iso);
  if (match === null) throw new RangeError(`expected an ISO 8601 time with an offset, got "${iso}"`);
  const [, year, month, day, hour, minute, , offset] = match;
  let offsetMinutes = 0;
  if (offset !== 'Z') {
    const digits = offset.replace(':', '');
    const sign = digits[0] === '-' ? -1 : 1;
    offsetMinutes = sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
  }
  return {
    epochMs: Date.parse(iso),
    date: `${year}-${month}-${day}`,
    time: `${hour}:${minute}`,
    offsetMinutes,
  };
}

/** Epoch milliseconds of an ISO string, or the number itself. */
export function toEpochMs(instant: string | number): number {
  return typeof instant === 'number' ? instant : parseIsoWithOffset(instant).epochMs;
}

/** "+08:00" style offset text; "UTC" for zero. */
export function formatOffset(offsetMinutes: number): string {
  if (offsetMinutes === 0) return 'UTC';
  const sign = offsetMinutes < 0 ? '-' : '+';
  const magnitude = Math.abs(offsetMinutes);
  const hours = String(Math.floor(magnitude / 60)).padStart(2, '0');
  const minutes = String(magnitude % 60).padStart(2, '0');
  return `UTC${sign}${hours}:${minutes}`;
}

export interface WallClock {
  date: string;
  time: string;
}

/**
 * Turns instants into wall-clock date and time in `timeZone` (any zone the scenario accepts: UTC,
 * +08:00, UTC+8 or an IANA name); an unknown name falls back to the fixed `fallbackOffsetMinutes`.
 */
export function wallClockIn(timeZone: string, fallbackOffsetMinutes: number): (epochMs: number) => WallClock {
  const zone = parseTimeZone(timeZone) ?? FixedOffsetZone.instance(fallbackOffsetMinutes);
  return (epochMs) => {
    const local = DateTime.fromMillis(epochMs, { zone });
    return { date: local.toFormat('yyyy-MM-dd'), time: local.toFormat('HH:mm') };
  };
}

/** Elapsed hours from `startMs` to `epochMs`. */
export function hoursBetween(startMs: number, epochMs: number): number {
  return (epochMs - startMs) / 3_600_000;
}
