import { MinHeap } from '../workload/minHeap.js';
import { growI32 } from './eventQueue.js';

// A step's list is a stack of chunks of one cache line: CHUNK_SLOTS slots and the next older chunk
// of the list (-1 ends it). Only the newest chunk may be part full; its fill is kept with it in the
// ring (chunk offset | fill), so a push only writes to the chunk and never waits to read it.
const CHUNK = 16;
const CHUNK_SLOTS = 15;
const C_OLDER = 15;
const FILL_MASK = 15;

/**
 * The decode completions of one unit: (finish step, request slot) pairs popped in step order. Finish
 * steps are integers and a unit's step only grows, so a ring of per-step lists (a calendar queue)
 * does every operation in O(1): a bitmap finds the next non-empty step, and the rare finish beyond the
 * ring's horizon waits in a heap until the ring reaches it.
 *
 * A step's list holds its slots side by side in chunks of a cache line (not linked slot by slot), so
 * taking the list reads a line or two instead of chasing one pointer per request. Nothing is
 * allocated per request once the chunk pool has grown to the peak.
 */
export class CompletionWheel {
  private readonly size: number;
  private readonly mask: number;
  /** Per step: its newest chunk (an offset into `chunks`) | the slots in use there, or -1. */
  private readonly heads: Int32Array;
  /** One bit per ring position: its list is non-empty. */
  private readonly occupied: Int32Array;
  private readonly overflow = new MinHeap(16);
  private chunks: Int32Array = new Int32Array(CHUNK * 64);
  /** Chunks handed out so far; freed ones are linked through C_OLDER from freeChunk. */
  private chunkTop = 0;
  private freeChunk = -1;
  /** Steps below this are done; the ring covers [base, base + size). */
  private base = 0;
  private count = 0;
  /** The slots takeDue() returned, in order: due[0 … its count). */
  due: Int32Array = new Int32Array(64);
  private dueFromOverflow: Int32Array = new Int32Array(16);

  /** @param horizonSteps ring length, a power of two. */
  constructor(horizonSteps = 16384) {
    if ((horizonSteps & (horizonSteps - 1)) !== 0 || horizonSteps < 32) throw new Error('CompletionWheel: horizon must be a power of two ≥ 32');
    this.size = horizonSteps;
    this.mask = horizonSteps - 1;
    this.heads = new Int32Array(horizonSteps).fill(-1);
    this.occupied = new Int32Array(horizonSteps >> 5);
  }

  get length(): number {
    return this.count;
  }

  /** Adds a request finishing at `step` (≥ the current base). */
  push(step: number, slot: number): void {
    this.count++;
    if (step - this.base >= this.size) this.overflow.push(step, slot);
    else this.pushRing(step, slot);
  }

  /** The smallest finish step, or +Infinity when empty. */
  nextStep(): number {
    if (this.count === 0) return Number.POSITIVE_INFINITY;
    const ringCount = this.count - this.overflow.size;
    if (ringCount === 0) return this.overflow.peekKey();
    // Scan the bitmap from base around the ring; the first set bit is the earliest step.
    const start = this.base & this.mask;
    const words = this.occupied.length;
    let word = start >> 5;
    let bits = this.occupied[word] & (-1 << (start & 31));
    for (let scanned = 0; scanned <= words; scanned++) {
      if (bits !== 0) {
        const position = (word << 5) + (31 - Math.clz32(bits & -bits));
        return this.base + ((position - start + this.size) & this.mask);
      }
      word = word + 1 === words ? 0 : word + 1;
      bits = this.occupied[word];
    }
    return this.overflow.peekKey();
  }

  /**
   * Moves the ring to `step` and puts the requests finishing at or before it in `due`, returning how
   * many: those the heap held first (the last popped first), then the step's list, the last pushed
   * first. Callers advance to steps no later than nextStep().
   */
  takeDue(step: number): number {
    // Steps before `step` hold nothing (callers never skip past nextStep()); take `step` itself.
    let head = -1;
    if (step - this.base < this.size) {
      const i = step & this.mask;
      head = this.heads[i];
      if (head >= 0) {
        this.heads[i] = -1;
        this.occupied[i >> 5] &= ~(1 << (i & 31));
      }
    }
    this.base = step + 1;
    // Overflow entries now within the horizon join the ring; the due ones go first, last popped first.
    let fromOverflow = 0;
    while (this.overflow.size > 0 && this.overflow.peekKey() - this.base < this.size) {
      const key = this.overflow.peekKey();
      const slot = this.overflow.pop();
      if (key <= step) {
        if (fromOverflow === this.dueFromOverflow.length) this.dueFromOverflow = grown(this.dueFromOverflow);
        this.dueFromOverflow[fromOverflow++] = slot;
        this.count--;
      } else this.pushRing(key, slot);
    }
    let n = 0;
    for (let k = fromOverflow - 1; k >= 0; k--) n = this.putDue(n, this.dueFromOverflow[k]);
    const chunks = this.chunks;
    let chunk = head & ~FILL_MASK;
    let fill = head & FILL_MASK;
    while (head >= 0) {
      for (let k = fill - 1; k >= 0; k--) n = this.putDue(n, chunks[chunk + k]);
      head = chunks[chunk + C_OLDER];
      chunks[chunk + C_OLDER] = this.freeChunk;
      this.freeChunk = chunk;
      chunk = head;
      fill = CHUNK_SLOTS;
    }
    this.count -= n - fromOverflow;
    return n;
  }

  clear(): void {
    this.heads.fill(-1);
    this.occupied.fill(0);
    this.overflow.clear();
    this.chunkTop = 0;
    this.freeChunk = -1;
    this.base = 0;
    this.count = 0;
  }

  private putDue(n: number, slot: number): number {
    if (n === this.due.length) this.due = grown(this.due);
    this.due[n] = slot;
    return n + 1;
  }

  private pushRing(step: number, slot: number): void {
    const i = step & this.mask;
    const head = this.heads[i];
    if (head >= 0 && (head & FILL_MASK) < CHUNK_SLOTS) {
      this.chunks[(head & ~FILL_MASK) + (head & FILL_MASK)] = slot;
      this.heads[i] = head + 1;
      return;
    }
    const chunk = this.newChunk();
    this.chunks[chunk] = slot;
    this.chunks[chunk + C_OLDER] = head < 0 ? -1 : head & ~FILL_MASK;
    this.heads[i] = chunk | 1;
    this.occupied[i >> 5] |= 1 << (i & 31);
  }

  private newChunk(): number {
    if (this.freeChunk >= 0) {
      const chunk = this.freeChunk;
      this.freeChunk = this.chunks[chunk + C_OLDER];
      return chunk;
    }
    if (this.chunkTop === this.chunks.length) this.chunks = grown(this.chunks);
    const chunk = this.chunkTop;
    this.chunkTop += CHUNK;
    return chunk;
  }
}

function grown(a: Int32Array): Int32Array {
  return growI32(a, a.length * 2);
}
