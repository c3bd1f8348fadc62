import { MinHeap } from './minHeap.js';

/** Numbers per slot in the caller's table; the queue keeps a pending slot's key in the first. */
export const SLOT_NUMBERS = 8;
const IDS_PER_CHUNK = 16; // one cache line of Int32 slot ids

/**
 * Pending turns of open sessions: (seconds, slot) pairs popped in (seconds, slot) order, exactly as a
 * MinHeap of the same pairs would pop them. A slot is pending at most once, so the order is total.
 *
 * Hundreds of thousands of sessions think at once, and a heap over all of them costs a cache miss per
 * level on every pop. Here time is cut into buckets of 1/bucketsPerSecond seconds on a ring; a push
 * appends the slot's id to its bucket (a list of one-line chunks of ids) and keeps the key in the
 * slot's own line of the caller's table. Only the current bucket sits in a small heap: since a
 * bucket's keys all lie below the next bucket's, that heap's minimum is the global one. Loading a
 * bucket gathers its keys in one tight loop, so the misses on the slots' lines overlap (and leave
 * those lines in cache for the caller). Pairs beyond the ring's horizon wait in the `far` heap.
 */
export class TurnQueue {
  private readonly bucketsPerSecond: number;
  private readonly ringSize: number;
  private readonly ringMask: number;
  /** Per ring bucket, its newest chunk of ids (chunks link to older ones), or -1. */
  private readonly heads: Int32Array;
  private ids = new Int32Array(64 * IDS_PER_CHUNK);
  private chunkNext = new Int32Array(64);
  private chunkFill = new Int32Array(64);
  private chunksMade = 0;
  private freeChunk = -1;
  /** The current bucket: a binary heap on (key, slot). */
  private heapKeys = new Float64Array(64);
  private heapSlots = new Int32Array(64);
  private heapSize = 0;
  private readonly far = new MinHeap(16);
  /** Every pair with bucket ≤ currentBucket is in the heap; -Infinity until the first advance. */
  private currentBucket = Number.NEGATIVE_INFINITY;
  /** Pairs in ring buckets after the current one. */
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
    return this.heapSize + this.ringCount + this.far.size;
  }

  /** Adds (key, slot), keeping the key in table[slot · SLOT_NUMBERS]. */
  push(key: number, slot: number, table: Float64Array): void {
    table[slot * SLOT_NUMBERS] = key;
    // Multiplying by a positive constant is monotone, so bucket order never contradicts key order.
    const bucket = Math.floor(key * this.bucketsPerSecond);
    if (bucket <= this.currentBucket) this.heapPush(key, slot);
    else if (bucket - this.currentBucket < this.ringSize) {
      const position = bucket & this.ringMask;
      let chunk = this.heads[position];
      if (chunk < 0 || this.chunkFill[chunk] === IDS_PER_CHUNK) {
        const fresh = this.newChunk();
        this.chunkNext[fresh] = chunk;
        this.heads[position] = fresh;
        chunk = fresh;
      }
      this.ids[chunk * IDS_PER_CHUNK + this.chunkFill[chunk]++] = slot;
      this.ringCount++;
    } else this.far.push(key, slot);
  }

  /** Smallest key, or +Infinity when empty. */
  peekKey(table: Float64Array): number {
    if (this.heapSize === 0) this.advance(table);
    return this.heapSize === 0 ? Number.POSITIVE_INFINITY : this.heapKeys[0];
  }

  /** Removes the smallest pair and returns its slot (call peekKey first). */
  pop(): number {
    const top = this.heapSlots[0];
    const last = --this.heapSize;
    if (last > 0) this.siftDown(0, this.heapKeys[last], this.heapSlots[last], last);
    return top;
  }

  /** Places (key, slot) in the hole at `pos` of a heap of `size` pairs, moving smaller children up. */
  private siftDown(pos: number, key: number, slot: number, size: number): void {
    const keys = this.heapKeys;
    const slots = this.heapSlots;
    for (;;) {
      let child = 2 * pos + 1;
      if (child >= size) break;
      const right = child + 1;
      if (right < size && (keys[right] < keys[child] || (keys[right] === keys[child] && slots[right] < slots[child]))) child = right;
      const ck = keys[child];
      if (ck > key || (ck === key && slots[child] > slot)) break;
      keys[pos] = ck;
      slots[pos] = slots[child];
      pos = child;
    }
    keys[pos] = key;
    slots[pos] = slot;
  }

  private heapPush(key: number, slot: number): void {
    if (this.heapSize === this.heapKeys.length) this.growHeap(this.heapSize + 1);
    const keys = this.heapKeys;
    const slots = this.heapSlots;
    let pos = this.heapSize++;
    while (pos > 0) {
      const parent = (pos - 1) >> 1;
      const pk = keys[parent];
      if (pk < key || (pk === key && slots[parent] < slot)) break;
      keys[pos] = pk;
      slots[pos] = slots[parent];
      pos = parent;
    }
    keys[pos] = key;
    slots[pos] = slot;
  }

  /** Moves to the next non-empty bucket and loads it into the heap. */
  private advance(table: Float64Array): void {
    while (this.heapSize === 0) {
      if (this.ringCount > 0) this.currentBucket++;
      else if (this.far.size > 0) this.currentBucket = Math.floor(this.far.peekKey() * this.bucketsPerSecond);
      else return;
      const position = this.currentBucket & this.ringMask;
      // Gather the bucket's keys in a tight loop, then heapify in cache.
      let n = 0;
      let chunk = this.heads[position];
      this.heads[position] = -1;
      while (chunk >= 0) {
        const fill = this.chunkFill[chunk];
        if (n + fill > this.heapKeys.length) this.growHeap(n + fill);
        const keys = this.heapKeys;
        const slots = this.heapSlots;
        const ids = this.ids;
        for (let i = chunk * IDS_PER_CHUNK, end = i + fill; i < end; i++, n++) {
          const slot = ids[i];
          keys[n] = table[slot * SLOT_NUMBERS];
          slots[n] = slot;
        }
        const next = this.chunkNext[chunk];
        this.chunkNext[chunk] = this.freeChunk;
        this.freeChunk = chunk;
        chunk = next;
      }
      this.ringCount -= n;
      this.heapSize = n;
      for (let i = (n >> 1) - 1; i >= 0; i--) this.siftDown(i, this.heapKeys[i], this.heapSlots[i], n);
      while (this.far.size > 0 && Math.floor(this.far.peekKey() * this.bucketsPerSecond) <= this.currentBucket) {
        const key = this.far.peekKey();
        this.heapPush(key, this.far.pop());
      }
    }
  }

  private growHeap(atLeast: number): void {
    let n = this.heapKeys.length * 2;
    while (n < atLeast) n *= 2;
    const keys = new Float64Array(n);
    keys.set(this.heapKeys);
    this.heapKeys = keys;
    const slots = new Int32Array(n);
    slots.set(this.heapSlots);
    this.heapSlots = slots;
  }

  private newChunk(): number {
    let chunk = this.freeChunk;
    if (chunk >= 0) this.freeChunk = this.chunkNext[chunk];
    else {
      chunk = this.chunksMade++;
      if (chunk === this.chunkFill.length) this.growChunks();
    }
    this.chunkFill[chunk] = 0;
    return chunk;
  }

  private growChunks(): void {
    const n = this.chunkFill.length * 2;
    const ids = new Int32Array(n * IDS_PER_CHUNK);
    ids.set(this.ids);
    this.ids = ids;
    const next = new Int32Array(n);
    next.set(this.chunkNext);
    this.chunkNext = next;
    const fill = new Int32Array(n);
    fill.set(this.chunkFill);
    this.chunkFill = fill;
  }
}
