import { growF64, growI32 } from './eventQueue.js';

// A request's record: one 64-byte block per slot, seen as 8 float64 (`f64[slot * 8 + field]`) or as 16
// int32 (`i32[slot * 16 + field]`). Everything the pools read about a request after admission sits in
// its block, so each visit to a request costs one trip to memory instead of one per field.
export const F64_PER_SLOT = 8;
export const I32_PER_SLOT = 16;
// float64 fields
export const R_ARRIVAL = 0;
export const R_FIRST_TOKEN = 1;
/** Decode step of the unit at which the request joins its batch. */
export const R_JOIN_STEP = 2;
// int32 fields (words 0–5 hold the float64s above)
export const R_INPUT = 6;
export const R_OUTPUT = 7;
export const R_HIT = 8;
/** Prompt tokens still to compute in prefill. */
export const R_COMPUTE_LEFT = 9;
/** Prompt tokens computed so far (the next chunk starts at hit + computed). */
export const R_COMPUTED = 10;
export const R_MODEL = 11;
export const R_CHANNEL = 12;
/** Unit index in the pool the request is in (prefill, then decode). */
export const R_UNIT = 13;
export const R_RANK = 14;
// int32 word 15 is free.

/**
 * Loads the first and the last word of a slot's block and returns them mixed, for a sink: the block
 * may straddle two cache lines (the buffer's alignment is the allocator's), and both are fetched.
 * Touching a list of blocks this way first lets their cache misses overlap rather than queue.
 */
export function touchBlock(i32: Int32Array, slot: number): number {
  const at = slot * I32_PER_SLOT;
  return i32[at] ^ i32[at + I32_PER_SLOT - 1];
}

/**
 * Requests in flight: a slot per request from admission to completion, reused afterwards, so memory
 * follows the number in flight rather than the length of the day.
 *
 * The run fills a new request's fields in the admission arrays (arrivalSeconds … channelIndex, one
 * array per field); `admit` copies them into the slot's block when the request enters prefill, and
 * from then on only the block is used.
 *
 * `next` links a slot into one intrusive list at a time (a prefill rank's queue, the decode waiting
 * line, a completion list). It is an array of its own, 4 bytes a slot, so walking a list stays in
 * cache and the blocks it leads to can be fetched together rather than one after another.
 */
export class RequestTable {
  /** The slots' blocks: two views of one buffer. */
  f64: Float64Array;
  i32: Int32Array;
  next: Int32Array;
  // Admission arrays, read only by admit().
  arrivalSeconds: Float64Array;
  inputTokens: Int32Array;
  outputTokens: Int32Array;
  hitTokens: Int32Array;
  computeLeft: Int32Array;
  computed: Int32Array;
  modelIndex: Int32Array;
  channelIndex: Int32Array;
  private free: Int32Array;
  private freeCount = 0;
  private used = 0;
  private live = 0;

  constructor(initialCapacity = 1024) {
    const n = initialCapacity;
    this.f64 = new Float64Array(n * F64_PER_SLOT);
    this.i32 = new Int32Array(this.f64.buffer);
    this.next = new Int32Array(n);
    this.arrivalSeconds = new Float64Array(n);
    this.inputTokens = new Int32Array(n);
    this.outputTokens = new Int32Array(n);
    this.hitTokens = new Int32Array(n);
    this.computeLeft = new Int32Array(n);
    this.computed = new Int32Array(n);
    this.modelIndex = new Int32Array(n);
    this.channelIndex = new Int32Array(n);
    this.free = new Int32Array(n);
  }

  /** Requests currently holding a slot. */
  get inFlight(): number {
    return this.live;
  }

  /** Slots ever allocated (the peak in flight). */
  get capacityUsed(): number {
    return this.used;
  }

  allocate(): number {
    this.live++;
    if (this.freeCount > 0) return this.free[--this.freeCount];
    if (this.used === this.arrivalSeconds.length) this.grow();
    return this.used++;
  }

  /** Moves the slot's admission fields into its block. */
  admit(slot: number): void {
    const d = slot * F64_PER_SLOT;
    const i = slot * I32_PER_SLOT;
    const f64 = this.f64;
    const i32 = this.i32;
    f64[d + R_ARRIVAL] = this.arrivalSeconds[slot];
    i32[i + R_INPUT] = this.inputTokens[slot];
    i32[i + R_OUTPUT] = this.outputTokens[slot];
    i32[i + R_HIT] = this.hitTokens[slot];
    i32[i + R_COMPUTE_LEFT] = this.computeLeft[slot];
    i32[i + R_COMPUTED] = this.computed[slot];
    i32[i + R_MODEL] = this.modelIndex[slot];
    i32[i + R_CHANNEL] = this.channelIndex[slot];
  }

  release(slot: number): void {
    this.live--;
    this.free[this.freeCount++] = slot;
  }

  private grow(): void {
    const n = this.arrivalSeconds.length * 2;
    this.f64 = growF64(this.f64, n * F64_PER_SLOT);
    this.i32 = new Int32Array(this.f64.buffer);
    this.next = growI32(this.next, n);
    this.arrivalSeconds = growF64(this.arrivalSeconds, n);
    this.inputTokens = growI32(this.inputTokens, n);
    this.outputTokens = growI32(this.outputTokens, n);
    this.hitTokens = growI32(this.hitTokens, n);
    this.computeLeft = growI32(this.computeLeft, n);
    this.computed = growI32(this.computed, n);
    this.modelIndex = growI32(this.modelIndex, n);
    this.channelIndex = growI32(this.channelIndex, n);
    this.free = growI32(this.free, n);
  }
}
