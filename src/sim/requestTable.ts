import { growF64, growI32 } from './eventQueue.js';

/**
 * Requests in flight, struct-of-arrays: a slot per request from admission to completion, reused
 * afterwards, so memory follows the number in flight rather than the length of the day. `next` links
 * a slot into one intrusive FIFO at a time (a prefill rank's queue or the decode waiting line).
 */
export class RequestTable {
  arrivalSeconds: Float64Array;
  firstTokenSeconds: Float64Array;
  inputTokens: Int32Array;
  outputTokens: Int32Array;
  hitTokens: Int32Array;
  /** Prompt tokens still to compute in prefill. */
  computeLeft: Int32Array;
  /** Prompt tokens computed so far (the next chunk starts at hitTokens + computed). */
  computed: Int32Array;
  modelIndex: Int32Array;
  channelIndex: Int32Array;
  /** Unit index in the pool the request is in (prefill, then decode). */
  unit: Int32Array;
  rank: Int32Array;
  /** Decode step of the unit at which the request joins its batch. */
  joinStep: Float64Array;
  next: Int32Array;
  private free: Int32Array;
  private freeCount = 0;
  private used = 0;
  private live = 0;

  constructor(initialCapacity = 1024) {
    const n = initialCapacity;
    this.arrivalSeconds = new Float64Array(n);
    this.firstTokenSeconds = new Float64Array(n);
    this.inputTokens = new Int32Array(n);
    this.outputTokens = new Int32Array(n);
    this.hitTokens = new Int32Array(n);
    this.computeLeft = new Int32Array(n);
    this.computed = new Int32Array(n);
    this.modelIndex = new Int32Array(n);
    this.channelIndex = new Int32Array(n);
    this.unit = new Int32Array(n);
    this.rank = new Int32Array(n);
    this.joinStep = new Float64Array(n);
    this.next = new Int32Array(n);
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

  release(slot: number): void {
    this.live--;
    this.free[this.freeCount++] = slot;
  }

  private grow(): void {
    const n = this.arrivalSeconds.length * 2;
    this.arrivalSeconds = growF64(this.arrivalSeconds, n);
    this.firstTokenSeconds = growF64(this.firstTokenSeconds, n);
    this.inputTokens = growI32(this.inputTokens, n);
    this.outputTokens = growI32(this.outputTokens, n);
    this.hitTokens = growI32(this.hitTokens, n);
    this.computeLeft = growI32(this.computeLeft, n);
    this.computed = growI32(this.computed, n);
    this.modelIndex = growI32(this.modelIndex, n);
    this.channelIndex = growI32(this.channelIndex, n);
    this.unit = growI32(this.unit, n);
    this.rank = growI32(this.rank, n);
    this.joinStep = growF64(this.joinStep, n);
    this.next = growI32(this.next, n);
    this.free = growI32(this.free, n);
  }
}
