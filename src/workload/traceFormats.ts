import { InputError } from '../errors.js';
import { reserveBlocks, type RequestRecord } from './request.js';

/**
 * Row parsers of the public traces (formats in ../shared/traces/README.md). Pure functions of one
 * line, so the browser can use them on text it holds; reading files is src/io's job. A parser fills
 * `out` and returns true, returns false for a line that carries no request (header, blank), and throws
 * InputError naming `where` (file:line) for a malformed one.
 */
export interface TraceRowParser {
  readonly format: TraceFormat;
  parse(line: string, where: string, out: RequestRecord): boolean;
}

export type TraceFormat = 'azure-2023' | 'mooncake';

/** Mooncake FAST'25 traces: hash_ids name 512-token blocks (Mooncake README, FAST25-release/traces). */
export const MOONCAKE_BLOCK_TOKENS = 512;

/**
 * Azure LLM inference trace 2023: `TIMESTAMP,ContextTokens,GeneratedTokens`, naive wall-clock
 * timestamps `YYYY-MM-DD HH:MM:SS.fffffff` read as UTC. Arrival seconds are relative to the first row.
 */
export function azure2023Parser(): TraceRowParser {
  let originSeconds = Number.NaN;
  return {
    format: 'azure-2023',
    parse(line, where, out) {
      if (line.length === 0) return false;
      if (line.startsWith('TIMESTAMP')) return false;
      const firstComma = line.indexOf(',');
      const secondComma = firstComma < 0 ? -1 : line.indexOf(',', firstComma + 1);
      if (secondComma < 0 || line.indexOf(',', secondComma + 1) >= 0) {
        throw new InputError(`expected 3 comma-separated fields TIMESTAMP,ContextTokens,GeneratedTokens, got "${clip(line)}"`, where);
      }
      const epochSeconds = parseNaiveUtc(line.slice(0, firstComma));
      if (Number.isNaN(epochSeconds)) {
        throw new InputError(`expected a timestamp like 2023-11-16 18:15:46.6805900, got "${clip(line.slice(0, firstComma))}"`, where);
      }
      const inputTokens = parseCount(line.slice(firstComma + 1, secondComma));
      const outputTokens = parseCount(line.slice(secondComma + 1));
      if (inputTokens < 0 || outputTokens < 0) {
        throw new InputError(`expected whole token counts ≥ 0, got "${clip(line)}"`, where);
      }
      if (Number.isNaN(originSeconds)) originSeconds = epochSeconds;
      out.arrivalSeconds = epochSeconds - originSeconds;
      out.modelIndex = 0;
      out.channelIndex = 0;
      out.inputTokens = inputTokens;
      out.outputTokens = outputTokens;
      out.blockTokens = 0;
      out.blockCount = 0;
      out.sessionId = -1;
      return true;
    },
  };
}

/** Mooncake JSONL: {"timestamp": ms, "input_length", "output_length", "hash_ids": [...]}. */
export function mooncakeParser(): TraceRowParser {
  return {
    format: 'mooncake',
    parse(line, where, out) {
      if (line.trim().length === 0) return false;
      let row: unknown;
      try {
        row = JSON.parse(line);
      } catch {
        throw new InputError(`expected one JSON object per line, got "${clip(line)}"`, where);
      }
      if (typeof row !== 'object' || row === null) throw new InputError('expected a JSON object', where);
      const r = row as Record<string, unknown>;
      const timestampMs = r.timestamp;
      const inputTokens = r.input_length;
      const outputTokens = r.output_length;
      const hashIds = r.hash_ids;
      if (typeof timestampMs !== 'number' || !Number.isFinite(timestampMs)) {
        throw new InputError('expected "timestamp" (milliseconds) to be a number', where);
      }
      if (!isCount(inputTokens)) throw new InputError('expected "input_length" to be a whole number ≥ 0', where);
      if (!isCount(outputTokens)) throw new InputError('expected "output_length" to be a whole number ≥ 0', where);
      if (!Array.isArray(hashIds)) throw new InputError('expected "hash_ids" to be an array of block ids', where);
      const ids = reserveBlocks(out, hashIds.length);
      for (let i = 0; i < hashIds.length; i++) {
        const id = hashIds[i];
        if (typeof id !== 'number' || !Number.isSafeInteger(id)) {
          throw new InputError(`expected "hash_ids"[${i}] to be an integer`, where);
        }
        ids[i] = id;
      }
      out.arrivalSeconds = timestampMs / 1000;
      out.modelIndex = 0;
      out.channelIndex = 0;
      out.inputTokens = inputTokens;
      out.outputTokens = outputTokens;
      out.blockTokens = MOONCAKE_BLOCK_TOKENS;
      out.blockCount = hashIds.length;
      out.sessionId = -1;
      return true;
    },
  };
}

export function traceParser(format: TraceFormat): TraceRowParser {
  return format === 'azure-2023' ? azure2023Parser() : mooncakeParser();
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** A whole number ≥ 0 from decimal digits, or -1. */
function parseCount(text: string): number {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return -1;
  return Number(t);
}

const NAIVE_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d+)?$/;

/** Seconds since the epoch of a naive timestamp read as UTC, or NaN. */
export function parseNaiveUtc(text: string): number {
  const m = NAIVE_TIMESTAMP.exec(text.trim());
  if (!m) return Number.NaN;
  const [, y, mo, d, h, mi, s, frac] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 60) return Number.NaN;
  const ms = Date.UTC(Number(y), month - 1, day, Number(h), Number(mi), Number(s));
  return ms / 1000 + (frac ? Number(`0${frac}`) : 0);
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
