import type { RequestRecord, RequestSource } from './request.js';

/**
 * Stream transforms. Each wraps a source and stays streaming. Composition order matters as usual:
 * window(scaleRate(s, 2), 0, 3600) keeps the first simulated hour of a source played twice as fast.
 */

/** Multiplies the arrival rate by `factor` by compressing time around `originSeconds` (counts unchanged). */
export function scaleRate(source: RequestSource, factor: number, originSeconds = 0): RequestSource {
  if (!(factor > 0)) throw new Error(`scaleRate: factor must be > 0, got ${factor}`);
  return mapTime(source, (t) => originSeconds + (t - originSeconds) / factor);
}

/** Adds `seconds` to every arrival time. */
export function shiftTime(source: RequestSource, seconds: number): RequestSource {
  return mapTime(source, (t) => t + seconds);
}

/**
 * Keeps arrivals in [fromSeconds, toSeconds) and stops reading at the first arrival at or past
 * toSeconds (sources are in time order). With rebase, times become relative to fromSeconds.
 */
export function timeWindow(source: RequestSource, fromSeconds: number, toSeconds: number, rebase = false): RequestSource {
  let done = false;
  return {
    models: source.models,
    channels: source.channels,
    next(out: RequestRecord): boolean {
      while (!done) {
        if (!source.next(out)) break;
        if (out.arrivalSeconds < fromSeconds) continue;
        if (out.arrivalSeconds >= toSeconds) break;
        if (rebase) out.arrivalSeconds -= fromSeconds;
        return true;
      }
      done = true;
      source.close?.();
      return false;
    },
    close: () => source.close?.(),
  };
}

/** At most `count` requests. */
export function takeRequests(source: RequestSource, count: number): RequestSource {
  let taken = 0;
  return {
    models: source.models,
    channels: source.channels,
    next: (out) => taken++ < count && source.next(out),
    close: () => source.close?.(),
  };
}

function mapTime(source: RequestSource, map: (t: number) => number): RequestSource {
  return {
    models: source.models,
    channels: source.channels,
    next(out: RequestRecord): boolean {
      if (!source.next(out)) return false;
      out.arrivalSeconds = map(out.arrivalSeconds);
      return true;
    },
    close: () => source.close?.(),
  };
}
