import { MinHeap } from '../workload/minHeap.js';

/**
 * The decode completions of one unit: (finish step, request slot) pairs popped in step order. Finish
 * steps are integers and a unit's step only grows, so a ring of per-step lists (a calendar queue)
 * does every operation in O(1): a bitmap finds the next non-empty step, and the rare finish beyond the
 * ring's horizon waits in a heap until the ring reaches it. Lists are linked through a caller-owned
 * array (RequestTable.next), so nothing is allocated per request.
 */
export class CompletionWheel {
  private readonly size: number;
  private readonly mask: number;
  /** First slot of each step's list, or -1. */
  private readonly heads: Int32Array;
  /** One bit per ring position: its list is non-empty. */
  private readonly occupied: Int32Array;
  private readonly overflow = new MinHeap(16);
  /** Steps below this are done; the ring covers [base, base + size). */
  private base = 0;
  private count = 0;

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
  push(step: number, slot: number, links: Int32Array): void {
    this.count++;
    if (step - this.base >= this.size) {
      this.overflow.push(step, slot);
      return;
    }
    const i = step & this.mask;
    links[slot] = this.heads[i];
    this.heads[i] = slot;
    this.occupied[i >> 5] |= 1 << (i & 31);
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
   * Moves the ring to `step` and returns the list of requests finishing at or before it (linked
   * through `links`, -1 ends it). Callers advance to steps no later than nextStep().
   */
  takeDue(step: number, links: Int32Array): number {
    let due = -1;
    // Steps before `step` hold nothing (callers never skip past nextStep()); take `step` itself.
    if (step - this.base < this.size) {
      const i = step & this.mask;
      due = this.heads[i];
      if (due >= 0) {
        this.heads[i] = -1;
        this.occupied[i >> 5] &= ~(1 << (i & 31));
        for (let s = due; s >= 0; s = links[s]) this.count--;
      }
    }
    this.base = step + 1;
    // Overflow entries now within the horizon join the ring; any due ones join the list.
    while (this.overflow.size > 0 && this.overflow.peekKey() - this.base < this.size) {
      const key = this.overflow.peekKey();
      const slot = this.overflow.pop();
      this.count--;
      if (key <= step) {
        links[slot] = due;
        due = slot;
      } else this.push(key, slot, links);
    }
    return due;
  }

  clear(): void {
    this.heads.fill(-1);
    this.occupied.fill(0);
    this.overflow.clear();
    this.base = 0;
    this.count = 0;
  }
}
