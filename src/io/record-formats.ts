import { reserveBlocks, type RequestRecord } from '../workload/request.js';
import { RingReader, RingWriter, newRingBuffers, type RingBuffers } from './record-ring.js';

/**
 * The two record layouts the workload threads pass on (record-ring.ts carries them):
 * - with hits: a record whose prefix-cache hit is resolved, 9 floats, no block ids (to the simulator);
 * - with blocks: a record and its prefix-block keys, not yet looked up (to the cache thread).
 * Both start with the same 8 fields.
 */

/** arrival, model, channel, input, output, blockTokens, blockCount, sessionId. */
const FIELDS = 8;
const HIT = FIELDS; // then hitBlocks
const CHUNK_FLOATS = 4096 * (FIELDS + 1); // 4096 records with hits, ~2,600 DeepSeek turns with blocks
const CHUNKS = 16; // ~4.7 MB a ring in flight: the reader never waits on a steady producer

export const newRecordRing = (): RingBuffers => newRingBuffers(CHUNKS, CHUNK_FLOATS);

function writeFields(d: Float64Array, at: number, r: RequestRecord): void {
  d[at] = r.arrivalSeconds;
  d[at + 1] = r.modelIndex;
  d[at + 2] = r.channelIndex;
  d[at + 3] = r.inputTokens;
  d[at + 4] = r.outputTokens;
  d[at + 5] = r.blockTokens;
  d[at + 6] = r.blockCount;
  d[at + 7] = r.sessionId;
}

function readFields(d: Float64Array, at: number, out: RequestRecord): void {
  out.arrivalSeconds = d[at];
  out.modelIndex = d[at + 1];
  out.channelIndex = d[at + 2];
  out.inputTokens = d[at + 3];
  out.outputTokens = d[at + 4];
  out.blockTokens = d[at + 5];
  out.blockCount = d[at + 6];
  out.sessionId = d[at + 7];
}

export class HitRecordWriter extends RingWriter {
  push(r: RequestRecord): void {
    const at = this.claim(FIELDS + 1);
    writeFields(this.data, at, r);
    this.data[at + HIT] = r.hitBlocks;
  }
}

/** Fills `out` with the next record (its blockIds untouched); false at the end. Throws through `fail` if the writer failed. */
export class HitRecordReader extends RingReader {
  next(out: RequestRecord, fail: () => never): boolean {
    if (this.at === this.end && !this.nextChunk(fail)) return false;
    readFields(this.data, this.at, out);
    out.hitBlocks = this.data[this.at + HIT];
    this.at += FIELDS + 1;
    return true;
  }
}

/**
 * Block keys follow the fields as items until blockCount keys are told: a stepping run `length, first,
 * step` (key i = first + step·i exactly, step a nonzero int32, as the prefix cache keeps runs) or a
 * literal list `-count, keys...`. Synthetic prompts are two runs (the system prompt steps by -1, the
 * session by +1); trace hash_ids are mostly runs with literals between. An item never straddles chunks,
 * a long literal list is split, so a record of any length passes through fixed-size chunks.
 */
const MIN_RUN = 3; // three keys pay for a run's three floats

export class BlockRecordWriter extends RingWriter {
  push(r: RequestRecord): void {
    writeFields(this.data, this.claim(FIELDS), r);
    const keys = r.blockIds;
    const count = r.blockCount;
    let literalFrom = 0;
    let i = 0;
    while (i < count) {
      const length = runLength(keys, i, count);
      if (length < MIN_RUN) {
        i++;
        continue;
      }
      this.pushLiteral(keys, literalFrom, i);
      const at = this.claim(3);
      this.data[at] = length;
      this.data[at + 1] = keys[i];
      this.data[at + 2] = keys[i + 1] - keys[i];
      i += length;
      literalFrom = i;
    }
    this.pushLiteral(keys, literalFrom, count);
  }

  private pushLiteral(keys: Float64Array, from: number, to: number): void {
    while (from < to) {
      const n = Math.min(to - from, this.room(2) - 1);
      const at = this.claim(n + 1);
      this.data[at] = -n;
      const d = this.data;
      for (let k = 0; k < n; k++) d[at + 1 + k] = keys[from + k];
      from += n;
    }
  }
}

/** Keys keys[from], keys[from + 1], ... that step evenly (1 if they do not). */
function runLength(keys: Float64Array, from: number, count: number): number {
  if (count - from < 2) return 1;
  const first = keys[from];
  const step = keys[from + 1] - first;
  if (step === 0 || step !== (step | 0)) return 1;
  let length = 1;
  while (from + length < count && keys[from + length] === first + step * length) length++;
  return length;
}

export class BlockRecordReader extends RingReader {
  /** Fills `out` with the next record and its block keys (hitBlocks -1); false at the end. Throws through `fail` if the writer failed. */
  next(out: RequestRecord, fail: () => never): boolean {
    if (this.at === this.end && !this.nextChunk(fail)) return false;
    const d = this.data;
    readFields(d, this.at, out);
    out.hitBlocks = -1;
    this.at += FIELDS;
    const count = out.blockCount;
    const ids = reserveBlocks(out, count);
    for (let i = 0; i < count; ) {
      if (this.at === this.end && !this.nextChunk(fail)) throw new Error(`the ring ended inside a record, after ${i} of ${count} block keys`);
      const at = this.at;
      const n = d[at];
      if (n > 0) {
        const first = d[at + 1];
        const step = d[at + 2];
        for (let k = 0; k < n; k++) ids[i + k] = first + step * k;
        this.at = at + 3;
        i += n;
      } else {
        for (let k = 1; k <= -n; k++) ids[i + k - 1] = d[at + k];
        this.at = at + 1 - n;
        i -= n;
      }
    }
    return true;
  }
}
