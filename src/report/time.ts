/**
 * Wall-clock helpers for reports. Statements carry ISO 8601 instants with the scenario's UTC offset;
 * charts place points by real elapsed time and label them in the scenario's zone, never the zone of the
 * machine that renders them (so output is the same everywhere).
 */

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

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}

export interface WallClock {
  date: string;
  time: string;
}

/**
 * Turns instants into wall-clock date and time in `timeZone` (an IANA name). When the zone is not one the
 * runtime knows (or is an offset like "+08:00"), it falls back to the fixed `fallbackOffsetMinutes`.
 */
export function wallClockIn(timeZone: string, fallbackOffsetMinutes: number): (epochMs: number) => WallClock {
  let format: Intl.DateTimeFormat | null = null;
  try {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
  } catch {
    format = null;
  }
  if (format !== null) {
    const zoned = format;
    return (epochMs) => {
      const parts: Record<string, string> = {};
      for (const part of zoned.formatToParts(epochMs)) parts[part.type] = part.value;
      return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
    };
  }
  return (epochMs) => {
    const shifted = new Date(epochMs + fallbackOffsetMinutes * 60_000);
    return {
      date: `${shifted.getUTCFullYear()}-${pad2(shifted.getUTCMonth() + 1)}-${pad2(shifted.getUTCDate())}`,
      time: `${pad2(shifted.getUTCHours())}:${pad2(shifted.getUTCMinutes())}`,
    };
  };
}

/** Elapsed hours from `startMs` to `epochMs`. */
export function hoursBetween(startMs: number, epochMs: number): number {
  return (epochMs - startMs) / 3_600_000;
}
