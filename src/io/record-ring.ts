import type { RequestRecord } from '../workload/request.js';

/**
 * A single-producer single-consumer ring of request records in shared memory: a worker thread writes
 * chunks of records, the simulating thread reads them, and each blocks (Atomics.wait) only when the
 * ring is full or empty. Block ids are not carried: the records' cache hits are resolved already.
 */

/** Per record: arrival, model, channel, input, output, blockTokens, blockCount, sessionId, hitBlocks. */
const FIELDS = 9;
export const CHUNK_RECORDS = 4096;
const CHUNKS = 16; // ~4.7 MB in flight: the reader never waits on a steady producer

// Int32 control words.
const SIGNAL = 0; // bumped after every change the reader may wait for
const PRODUCED = 1; // chunks written
const CONSUMED = 2; // chunks read and handed back
const STATE = 3;
const COUNTS = 4; // records in each chunk slot
const CONTROL_WORDS = COUNTS + CHUNKS;

export const STARTING = 0;
export const RUNNING = 1;
export const DONE = 2;
export const FAILED = 3;

export interface RingBuffers {
  control: SharedArrayBuffer;
  data: SharedArrayBuffer;
}

export function newRingBuffers(): RingBuffers {
  return {
    control: new SharedArrayBuffer(CONTROL_WORDS * 4 + 8), // + one float64: rows skipped
    data: new SharedArrayBuffer(CHUNKS * CHUNK_RECORDS * FIELDS * 8),
  };
}

class RingView {
  protected readonly control: Int32Array;
  protected readonly skipped: Float64Array;
  protected readonly data: Float64Array;

  constructor(buffers: RingBuffers) {
    this.control = new Int32Array(buffers.control, 0, CONTROL_WORDS);
    this.skipped = new Float64Array(buffers.control, CONTROL_WORDS * 4, 1);
    this.data = new Float64Array(buffers.data);
  }

  protected signal(): void {
    Atomics.add(this.control, SIGNAL, 1);
    Atomics.notify(this.control, SIGNAL);
  }
}

/** The worker's end. */
export class RingWriter extends RingView {
  private chunk = 0;
  private filled = 0;

  setState(state: number): void {
    Atomics.store(this.control, STATE, state);
    this.signal();
  }

  setSkippedRows(rows: number): void {
    this.skipped[0] = rows;
  }

  push(r: RequestRecord): void {
    const at = (this.chunk * CHUNK_RECORDS + this.filled) * FIELDS;
    const d = this.data;
    d[at] = r.arrivalSeconds;
    d[at + 1] = r.modelIndex;
    d[at + 2] = r.channelIndex;
    d[at + 3] = r.inputTokens;
    d[at + 4] = r.outputTokens;
    d[at + 5] = r.blockTokens;
    d[at + 6] = r.blockCount;
    d[at + 7] = r.sessionId;
    d[at + 8] = r.hitBlocks;
    if (++this.filled === CHUNK_RECORDS) this.flush();
  }

  /** Publishes the chunk being filled (if any), then waits for a free slot. */
  flush(): void {
    if (this.filled === 0) return;
    const control = this.control;
    control[COUNTS + this.chunk] = this.filled;
    const produced = Atomics.add(control, PRODUCED, 1) + 1;
    this.signal();
    this.filled = 0;
    this.chunk = produced % CHUNKS;
    for (;;) {
      const consumed = Atomics.load(control, CONSUMED);
      if (produced - consumed < CHUNKS) return;
      Atomics.wait(control, CONSUMED, consumed);
    }
  }
}

/** The simulating thread's end; `fail` turns a FAILED state into the worker's error. */
export class RingReader extends RingView {
  private consumed = 0;
  private at = 0;
  private end = 0;
  private holding = false;

  /** Waits until the worker leaves STARTING; returns the state it reached. */
  waitStarted(): number {
    for (;;) {
      const seen = Atomics.load(this.control, SIGNAL);
      const state = Atomics.load(this.control, STATE);
      if (state !== STARTING) return state;
      Atomics.wait(this.control, SIGNAL, seen);
    }
  }

  get skippedRows(): number {
    return this.skipped[0];
  }

  /** Fills `out` with the next record; false at the end. Throws through `fail` if the worker failed. */
  next(out: RequestRecord, fail: () => never): boolean {
    if (this.at === this.end && !this.nextChunk(fail)) return false;
    const d = this.data;
    const at = this.at;
    out.arrivalSeconds = d[at];
    out.modelIndex = d[at + 1];
    out.channelIndex = d[at + 2];
    out.inputTokens = d[at + 3];
    out.outputTokens = d[at + 4];
    out.blockTokens = d[at + 5];
    out.blockCount = d[at + 6];
    out.sessionId = d[at + 7];
    out.hitBlocks = d[at + 8];
    this.at += FIELDS;
    return true;
  }

  private nextChunk(fail: () => never): boolean {
    const control = this.control;
    if (this.holding) {
      this.holding = false;
      this.consumed++;
      Atomics.store(control, CONSUMED, this.consumed);
      Atomics.notify(control, CONSUMED);
    }
    for (;;) {
      const seen = Atomics.load(control, SIGNAL);
      if (Atomics.load(control, PRODUCED) > this.consumed) {
        const chunk = this.consumed % CHUNKS;
        this.holding = true;
        this.at = chunk * CHUNK_RECORDS * FIELDS;
        this.end = this.at + control[COUNTS + chunk] * FIELDS;
        return true;
      }
      const state = Atomics.load(control, STATE);
      if (state === FAILED) fail();
      // Chunks are published before DONE: look once more, one may have landed since the check above.
      if (state === DONE) {
        if (Atomics.load(control, PRODUCED) > this.consumed) continue;
        return false;
      }
      Atomics.wait(control, SIGNAL, seen);
    }
  }
}
