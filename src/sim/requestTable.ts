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
 * Admission is staged: allocate() counts the request in flight and returns the index of the staging
 * record (the admission arrays arrivalSeconds … channelIndex hold one record), which the run fills;
 * admit() then gives the request a slot and moves the record into the slot's block. The staging
 * record stays in cache, so the run's writes and admit's reads of it cost no trip to memory.
 *
 * `next` links a slot into the decode waiting line (an array of its own: the line is walked without
 * touching the blocks).
 */
export class RequestTable {
  /** The slots' blocks: two views of one buffer. */
  f64: Float64Array;
  i32: Int32Array;
  next: Int32Array;
  // The staging record, at index STAGED; read only by admit().
  readonly arrivalSeconds = new Float64Array(1);
  readonly inputTokens = new Int32Array(1);
  readonly outputTokens = new Int32Array(1);
  readonly hitTokens = new Int32Array(1);
  readonly computeLeft = new Int32Array(1);
  readonly computed = new Int32Array(1);
  readonly modelIndex = new Int32Array(1);
  readonly channelIndex = new Int32Array(1);
  private free: Int32Array;
  private freeCount = 0;
  private used = 0;
  private live = 0;

  constructor(initialCapacity = 1024) {
    const n = initialCapacity;
    this.f64 = new Float64Array(n * F64_PER_SLOT);
    this.i32 = new Int32Array(this.f64.buffer);
    this.next = new Int32Array(n);
    this.free = new Int32Array(n);
  }

  /** Requests currently in flight (admitted, not yet completed). */
  get inFlight(): number {
    return this.live;
  }

  /** Slots ever allocated (the peak in flight). */
  get capacityUsed(): number {
    return this.used;
  }

  /** Counts a new request in flight and returns the staging record's index, for the run to fill. */
  allocate(): number {
    this.live++;
    return STAGED;
  }

  /** Gives the staged request a slot (the last one freed first) and moves its record into the slot's block. */
  admit(staged: number): number {
    let slot: number;
    if (this.freeCount > 0) slot = this.free[--this.freeCount];
    else {
      if (this.used === this.next.length) this.grow();
      slot = this.used++;
    }
    const d = slot * F64_PER_SLOT;
    const i = slot * I32_PER_SLOT;
    const f64 = this.f64;
    const i32 = this.i32;
    f64[d + R_ARRIVAL] = this.arrivalSeconds[staged];
    i32[i + R_INPUT] = this.inputTokens[staged];
    i32[i + R_OUTPUT] = this.outputTokens[staged];
    i32[i + R_HIT] = this.hitTokens[staged];
    i32[i + R_COMPUTE_LEFT] = this.computeLeft[staged];
    i32[i + R_COMPUTED] = this.computed[staged];
    i32[i + R_MODEL] = this.modelIndex[staged];
    i32[i + R_CHANNEL] = this.channelIndex[staged];
    return slot;
  }

  release(slot: number): void {
    this.live--;
    this.free[this.freeCount++] = slot;
  }

  private grow(): void {
    const n = this.next.length * 2;
    this.f64 = growF64(this.f64, n * F64_PER_SLOT);
    this.i32 = new Int32Array(this.f64.buffer);
    this.next = growI32(this.next, n);
    this.free = growI32(this.free, n);
  }
}

/** The staging record's index in the admission arrays. */
const STAGED = 0;
