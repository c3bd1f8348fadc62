/**
 * A single-producer single-consumer ring of fixed-size chunks of float64s in shared memory: one thread
 * writes records into a chunk and publishes it, another reads them, and each blocks (Atomics.wait) only
 * when the ring is full or empty. A chunk holds as many floats as the writer put in before publishing,
 * so records may vary in length; how a record is laid out is record-formats.ts's business.
 */

// Int32 control words.
const SIGNAL = 0; // bumped after every change the reader may wait for
const PRODUCED = 1; // chunks written
const CONSUMED = 2; // chunks read and handed back
const STATE = 3;
const USED = 4; // floats written in each chunk slot

export const STARTING = 0;
export const RUNNING = 1;
export const DONE = 2;
export const FAILED = 3;

export interface RingBuffers {
  control: SharedArrayBuffer;
  data: SharedArrayBuffer;
  chunkFloats: number;
}

/** A ring of `chunks` chunks of `chunkFloats` floats each (at least 16: a record's fixed part fits). */
export function newRingBuffers(chunks: number, chunkFloats: number): RingBuffers {
  if (!(chunks >= 2 && chunkFloats >= 16)) throw new Error(`a ring needs ≥ 2 chunks of ≥ 16 floats, got ${chunks} of ${chunkFloats}`);
  return {
    control: new SharedArrayBuffer((USED + chunks) * 4 + 8), // + one float64: rows skipped
    data: new SharedArrayBuffer(chunks * chunkFloats * 8),
    chunkFloats,
  };
}

class RingView {
  protected readonly control: Int32Array;
  protected readonly skipped: Float64Array;
  protected readonly data: Float64Array;
  protected readonly chunks: number;
  protected readonly chunkFloats: number;
  /** Index in `data` of the next float to write or read, and the end of the chunk's room or contents. */
  protected at = 0;
  protected end = 0;

  constructor(buffers: RingBuffers) {
    this.data = new Float64Array(buffers.data);
    this.chunkFloats = buffers.chunkFloats;
    this.chunks = this.data.length / this.chunkFloats;
    const words = USED + this.chunks;
    this.control = new Int32Array(buffers.control, 0, words);
    this.skipped = new Float64Array(buffers.control, words * 4, 1);
  }

  /** STARTING, RUNNING, DONE or FAILED. */
  get state(): number {
    return Atomics.load(this.control, STATE);
  }

  protected signal(): void {
    Atomics.add(this.control, SIGNAL, 1);
    Atomics.notify(this.control, SIGNAL);
  }
}

/** The producer's end. */
export class RingWriter extends RingView {
  private chunk = 0;

  constructor(buffers: RingBuffers) {
    super(buffers);
    this.end = this.chunkFloats;
  }

  setState(state: number): void {
    Atomics.store(this.control, STATE, state);
    this.signal();
  }

  setSkippedRows(rows: number): void {
    this.skipped[0] = rows;
  }

  /** Publishes the chunk being filled (if any), then waits for a free slot. */
  flush(): void {
    const start = this.chunk * this.chunkFloats;
    if (this.at === start) return;
    const control = this.control;
    control[USED + this.chunk] = this.at - start;
    const produced = Atomics.add(control, PRODUCED, 1) + 1;
    this.signal();
    this.chunk = produced % this.chunks;
    this.at = this.chunk * this.chunkFloats;
    this.end = this.at + this.chunkFloats;
    for (;;) {
      const consumed = Atomics.load(control, CONSUMED);
      if (produced - consumed < this.chunks) return;
      Atomics.wait(control, CONSUMED, consumed);
    }
  }

  /** Makes room for `floats` (≤ chunkFloats) in the chunk being filled, publishing it first if they do not fit; returns the room. */
  protected room(floats: number): number {
    if (this.end - this.at < floats) this.flush();
    return this.end - this.at;
  }

  /** Where the next `floats` (≤ chunkFloats) go, all in one chunk; the caller writes them before the next claim. */
  protected claim(floats: number): number {
    if (this.end - this.at < floats) this.flush();
    const at = this.at;
    this.at = at + floats;
    return at;
  }
}

/** The consumer's end; `fail` turns a FAILED state into the producer's error. */
export class RingReader extends RingView {
  private consumed = 0;
  private holding = false;

  /** Waits until the producer leaves STARTING; returns the state it reached. */
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

  /** Hands the chunk being read back and moves `at` and `end` to the next one; false at the end. */
  protected nextChunk(fail: () => never): boolean {
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
        const chunk = this.consumed % this.chunks;
        this.holding = true;
        this.at = chunk * this.chunkFloats;
        this.end = this.at + control[USED + chunk];
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
