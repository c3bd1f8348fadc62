import { DateTime, FixedOffsetZone, IANAZone, type Zone } from 'luxon';

/**
 * Wall-clock helpers. Instants are epoch milliseconds (UTC); a zone turns them into local times of day.
 * Zones are written as "UTC", "+08:00", "UTC+8" or an IANA name such as "Asia/Shanghai".
 */
export type TimeZone = Zone;

export function parseTimeZone(spec: string): TimeZone | null {
  const text = spec.trim();
  if (/^(utc|z|gmt)$/i.test(text)) return FixedOffsetZone.utcInstance;
  const offset = /^(?:utc|gmt)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$/i.exec(text);
  if (offset) {
    const [, sign, hours, minutes = '0'] = offset;
    const total = (Number(hours) * 60 + Number(minutes)) * (sign === '-' ? -1 : 1);
    return Number(minutes) < 60 && Math.abs(total) <= 14 * 60 ? FixedOffsetZone.instance(total) : null;
  }
  return IANAZone.isValidZone(text) ? IANAZone.create(text) : null;
}

/** Parses a full ISO 8601 timestamp with an offset or Z; null if it lacks one or does not parse. */
export function parseInstant(text: string): number | null {
  if (!/([zZ]|[+-]\d{2}:?\d{2})$/.test(text.trim())) return null;
  const parsed = DateTime.fromISO(text.trim(), { setZone: true });
  return parsed.isValid ? parsed.toMillis() : null;
}

/** "HH:MM" (24-hour, 00:00–24:00) as minutes after midnight, or null. */
export function parseTimeOfDay(text: string): number | null {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!match) return null;
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  return Number(match[2]) < 60 && minutes <= 24 * 60 ? minutes : null;
}

export function formatInstant(epochMs: number, zone: TimeZone): string {
  return DateTime.fromMillis(epochMs, { zone }).toISO({ suppressMilliseconds: true }) ?? String(epochMs);
}

/** The instant of `minuteOfDay` on the local day `dayOffset` days after the local day of `epochMs`. */
export function localTimeOnDay(epochMs: number, zone: TimeZone, dayOffset: number, minuteOfDay: number): number {
  const day = DateTime.fromMillis(epochMs, { zone }).startOf('day').plus({ days: dayOffset });
  if (minuteOfDay >= 24 * 60) return day.plus({ days: 1 }).toMillis();
  // Set the wall clock rather than adding minutes, so a DST change that day does not shift it.
  const local = day.set({ hour: Math.floor(minuteOfDay / 60), minute: minuteOfDay % 60 });
  const shownMinute = local.hour * 60 + local.minute;
  if (shownMinute === minuteOfDay) return local.toMillis();
  // The time falls in a gap (clocks jumped forward): the first instant at or after it is the jump.
  const gapMs = (shownMinute - minuteOfDay) * 60_000;
  let before = local.toMillis() - gapMs;
  let after = local.toMillis();
  while (after - before > 1000) {
    const middle = Math.floor((before + after) / 2);
    if (zone.offset(middle) === zone.offset(after)) after = middle;
    else before = middle;
  }
  return after;
}

/** The first instant at or after `notBeforeMs` whose local time of day is `minuteOfDay`. */
export function nextLocalTime(notBeforeMs: number, zone: TimeZone, minuteOfDay: number): number {
  for (let dayOffset = 0; dayOffset <= 2; dayOffset++) {
    const candidate = localTimeOnDay(notBeforeMs, zone, dayOffset, minuteOfDay);
    if (candidate >= notBeforeMs) return candidate;
  }
  throw new Error('unreachable: a time of day recurs within two days');
}

/**
 * The intervals [start, end) within [fromMs, toMs) whose local time of day lies in the daily window
 * [startMinute, endMinute); a window whose end is at or before its start runs past midnight.
 */
export function dailyWindowIntervals(
  fromMs: number,
  toMs: number,
  zone: TimeZone,
  startMinute: number,
  endMinute: number,
): Array<[number, number]> {
  const closesNextDay = endMinute <= startMinute;
  const intervals: Array<[number, number]> = [];
  // A window that started the local day before `fromMs` may still be open; look one day back.
  for (let dayOffset = -1; ; dayOffset++) {
    const open = localTimeOnDay(fromMs, zone, dayOffset, startMinute);
    if (open >= toMs) break;
    const close = localTimeOnDay(fromMs, zone, closesNextDay ? dayOffset + 1 : dayOffset, endMinute);
    const start = Math.max(open, fromMs);
    const end = Math.min(close, toMs);
    if (end > start) intervals.push([start, end]);
  }
  return intervals;
}
