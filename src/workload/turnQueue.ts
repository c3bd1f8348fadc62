import { MinHeap } from './minHeap.js';

/**
 * Pending turns: (seconds, slot) pairs popped in (seconds, slot) order, exactly as a MinHeap over the
 * same pairs would pop them. Slots are small integers and each is pending at most once, so pairs are
 * distinct and the order is total.
 *
 * A big heap costs a cache miss per level on every pop (hundreds of thousands of sessions think at
 * once). Here time is cut into buckets of 1/bucketsPerSecond seconds on a ring: a push links the slot
 * into its bucket's list, and only the current bucket sits in a small heap. Since a bucket's keys all
 * lie below the next bucket's, the small heap's minimum is the global one. Keys beyond the ring's
 * horizon wait in a second heap until the ring reaches them.
 *
 * Lists run through a caller-owned Float64Array of SLOT_NUMBERS numbers per slot (the caller keeps the
 * slot's own state in the others), so a pending turn's key, link and session share one cache line.
 */
/** Numbers per slot in the caller's array; the queue uses [TURN_KEY] and [TURN_LINK] of each. */
export const SLOT_NUMBERS = 8;
export const TURN_KEY = 6;
export const TURN_LINK = 7;

export class TurnQueue {
  private readonly bucketsPerSecond: number;
  private readonly ringSize: number;
  private readonly ringMask: number;
  /** First slot of each ring bucket's list, or -1. */
  private readonly heads: Int32Array;
  /** Every pair with bucket ≤ currentBucket. */
  private readonly current = new MinHeap(64);
  /** Pairs pushed beyond the ring's horizon. */
  private readonly far = new MinHeap(64);
  /** Ring buckets hold (currentBucket, currentBucket + ringSize); -Infinity until the first pop. */
  private currentBucket = Number.NEGATIVE_INFINITY;
  private ringCount = 0;

  /** @param ringBuckets a power of two: horizon = ringBuckets / bucketsPerSecond seconds. */
  constructor(bucketsPerSecond: number, ringBuckets: number) {
    if (!(bucketsPerSecond > 0) || (ringBuckets & (ringBuckets - 1)) !== 0 || ringBuckets < 2) {
      throw new Error('TurnQueue: expected bucketsPerSecond > 0 and a power-of-two ring');
    }
    this.bucketsPerSecond = bucketsPerSecond;
    this.ringSize = ringBuckets;
    this.ringMask = ringBuckets - 1;
    this.heads = new Int32Array(ringBuckets).fill(-1);
  }

  get size(): number {
    return this.current.size + this.ringCount + this.far.size;
  }

  push(key: number, slot: number, slots: Float64Array): void {
    // Multiplying by a positive constant is monotone, so bucket order never contradicts key order.
    const bucket = Math.floor(key * this.bucketsPerSecond);
    if (bucket <= this.currentBucket) this.current.push(key, slot);
    else if (bucket - this.currentBucket < this.ringSize) {
      const i = bucket & this.ringMask;
      const at = slot * SLOT_NUMBERS;
      slots[at + TURN_KEY] = key;
      slots[at + TURN_LINK] = this.heads[i];
      this.heads[i] = slot;
      this.ringCount++;
    } else this.far.push(key, slot);
  }

  /** Smallest key, or +Infinity when empty. */
  peekKey(slots: Float64Array): number {
    if (this.current.size === 0) this.advance(slots);
    return this.current.peekKey();
  }

  /** Removes the smallest pair and returns its slot (call peekKey first; undefined when empty). */
  pop(): number {
    return this.current.pop();
  }

  /** Moves to the next non-empty bucket and loads it into the current heap. */
  private advance(slots: Float64Array): void {
    while (this.current.size === 0) {
      if (this.ringCount > 0) this.currentBucket++;
      else if (this.far.size > 0) this.currentBucket = Math.floor(this.far.peekKey() * this.bucketsPerSecond);
      else return;
      const i = this.currentBucket & this.ringMask;
      let slot = this.heads[i];
      if (slot >= 0) {
        this.heads[i] = -1;
        while (slot >= 0) {
          const at = slot * SLOT_NUMBERS;
          this.current.push(slots[at + TURN_KEY], slot);
          this.ringCount--;
          slot = slots[at + TURN_LINK];
        }
      }
      while (this.far.size > 0 && Math.floor(this.far.peekKey() * this.bucketsPerSecond) <= this.currentBucket) {
        const key = this.far.peekKey();
        this.current.push(key, this.far.pop());
      }
    }
  }
}
