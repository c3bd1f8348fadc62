/**
 * One request as a workload source hands it over. Sources are pull-based and fill a record the caller
 * owns, so the hot path allocates nothing per request; the record (and its blockIds buffer) is only
 * valid until the next call to next().
 */
export interface RequestRecord {
  arrivalSeconds: number;
  /** Index into the source's `models`. */
  modelIndex: number;
  /** Index into the source's `channels`. */
  channelIndex: number;
  inputTokens: number;
  outputTokens: number;
  /** Tokens per prefix block; 0 when the request carries no prefix identity. */
  blockTokens: number;
  /** Leading blockCount entries of blockIds are the prompt's prefix-block keys (chained hashes). */
  blockCount: number;
  blockIds: Float64Array;
  /** Conversation the request belongs to, or -1. */
  sessionId: number;
  /**
   * Leading blocks already in the prefix cache when a source resolved them in arrival order (see
   * sim/cacheHits.ts), or -1 when the simulator looks them up itself.
   */
  hitBlocks: number;
}

export function newRequestRecord(): RequestRecord {
  return {
    arrivalSeconds: 0,
    modelIndex: 0,
    channelIndex: 0,
    inputTokens: 0,
    outputTokens: 0,
    blockTokens: 0,
    blockCount: 0,
    blockIds: new Float64Array(64),
    sessionId: -1,
    hitBlocks: -1,
  };
}

/** Makes room for n block ids, keeping none (callers fill from index 0). */
export function reserveBlocks(record: RequestRecord, n: number): Float64Array {
  if (record.blockIds.length < n) record.blockIds = new Float64Array(Math.max(n, record.blockIds.length * 2));
  return record.blockIds;
}

export function copyRequestRecord(from: RequestRecord, to: RequestRecord): void {
  to.arrivalSeconds = from.arrivalSeconds;
  to.modelIndex = from.modelIndex;
  to.channelIndex = from.channelIndex;
  to.inputTokens = from.inputTokens;
  to.outputTokens = from.outputTokens;
  to.blockTokens = from.blockTokens;
  to.blockCount = from.blockCount;
  reserveBlocks(to, from.blockCount).set(from.blockIds.subarray(0, from.blockCount));
  to.sessionId = from.sessionId;
  to.hitBlocks = from.hitBlocks;
}

/**
 * A stream of requests in non-decreasing arrival order. Never materialises the whole day: memory is
 * whatever the source needs for its own state (open sessions, a read buffer).
 */
export interface RequestSource {
  /** Model names; a record's modelIndex points here. */
  readonly models: readonly string[];
  /** Channel names (e.g. web, app, api); a record's channelIndex points here. */
  readonly channels: readonly string[];
  /** Fills `out` with the next request and returns true, or returns false when the stream has ended. */
  next(out: RequestRecord): boolean;
  /** Releases resources (an open file); safe to call twice. */
  close?(): void;
  /** True when every in-window record carries its cache hit (hitBlocks ≥ 0); see sim/cacheHits.ts. */
  readonly resolvesCacheHits?: boolean;
}

/** A source over an in-memory list (tests, small examples). Records are copied out. */
export function arraySource(
  records: readonly Partial<RequestRecord>[],
  models: readonly string[] = ['model'],
  channels: readonly string[] = ['api'],
): RequestSource {
  let i = 0;
  return {
    models,
    channels,
    next(out) {
      if (i >= records.length) return false;
      const r = records[i++];
      out.arrivalSeconds = r.arrivalSeconds ?? 0;
      out.modelIndex = r.modelIndex ?? 0;
      out.channelIndex = r.channelIndex ?? 0;
      out.inputTokens = r.inputTokens ?? 0;
      out.outputTokens = r.outputTokens ?? 0;
      out.blockTokens = r.blockTokens ?? 0;
      out.blockCount = r.blockCount ?? r.blockIds?.length ?? 0;
      if (r.blockIds) reserveBlocks(out, out.blockCount).set(r.blockIds.subarray(0, out.blockCount));
      out.sessionId = r.sessionId ?? -1;
      out.hitBlocks = r.hitBlocks ?? -1;
      return true;
    },
  };
}

/** Drains a source into an array of copies (tests and small traces only). */
export function collect(source: RequestSource, limit = Number.POSITIVE_INFINITY): RequestRecord[] {
  const result: RequestRecord[] = [];
  const scratch = newRequestRecord();
  while (result.length < limit && source.next(scratch)) {
    const copy = newRequestRecord();
    copyRequestRecord(scratch, copy);
    result.push(copy);
  }
  return result;
}
