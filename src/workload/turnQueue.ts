import { MinHeap } from './minHeap.js';

/** Numbers per slot in the caller's table; the queue keeps a pending slot's key in the first. */
export const SLOT_NUMBERS = 8;
/** Int32s in a bucket's line and in an overflow chunk: one cache line each. */
const LINE = 16;
// A bucket's line: its newest overflow chunk (or -1), how many ids the line holds, then up to
// LINE - 2 ids. A chunk: the next older chunk (or -1), how many ids it holds, then its ids.
const NEXT = 0;
const FILL = 1;
const IDS = 2;

/**
 * Pending turns of open sessions: (seconds, slot) pairs popped in (seconds, slot) order, exactly as a
 * MinHeap of the same pairs would pop them. A slot is pending at most once, so the order is total.
 *
 * Hundreds of thousands of sessions think at once, and a heap over all of them costs a cache miss per
 * level on every pop. Here time is cut into buckets of 1/bucketsPerSecond seconds on a ring; a push
 * appends the slot's id to its bucket's line (one cache line holding the fill and the first ids, so
 * a push into a far-off bucket costs one miss; ids past the line go to chained overflow chunks) and
 * keeps the key in the slot's own line of the caller's table. Only the current bucket sits in a
 * small heap: since a bucket's keys all lie below the next bucket's, that heap's minimum is the
 * global one. Loading a bucket gathers its keys in one tight loop, so the misses on the slots' lines
 * overlap (and leave those lines in cache for the caller). Pairs beyond the ring's horizon wait in
 * the `far` heap.
 */
export class TurnQueue {
  private readonly bucketsPerSecond: number;
  private readonly ringSize: number;
  private readonly ringMask: number;
  /** Per ring bucket, its line (see LINE). */
  private readonly lines: Int32Array;
  /** Overflow chunks, a line each (see LINE); free ones linked through NEXT. */
  private chunks = new Int32Array(64 * LINE);
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
    this.lines = new Int32Array(ringBuckets * LINE);
    for (let b = 0; b < ringBuckets; b++) this.lines[b * LINE + NEXT] = -1;
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
      const line = (bucket & this.ringMask) * LINE;
      const lines = this.lines;
      const fill = lines[line + FILL];
      if (fill < LINE - IDS) {
        lines[line + IDS + fill] = slot;
        lines[line + FILL] = fill + 1;
      } else this.pushOverflow(line, slot);
      this.ringCount++;
    } else this.far.push(key, slot);
  }

  /** Appends to the bucket's newest overflow chunk, or a fresh one when that is full. */
  private pushOverflow(line: number, slot: number): void {
    let chunk = this.lines[line + NEXT];
    if (chunk < 0 || this.chunks[chunk * LINE + FILL] === LINE - IDS) {
      const fresh = this.newChunk();
      this.chunks[fresh * LINE + NEXT] = chunk;
      this.lines[line + NEXT] = fresh;
      chunk = fresh;
    }
    const at = chunk * LINE;
    this.chunks[at + IDS + this.chunks[at + FILL]++] = slot;
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
      // Gather the bucket's keys in a tight loop, then heapify in cache.
      const line = (this.currentBucket & this.ringMask) * LINE;
      let n = this.gather(this.lines, line, 0, table);
      let chunk = this.lines[line + NEXT];
      this.lines[line + NEXT] = -1;
      this.lines[line + FILL] = 0;
      while (chunk >= 0) {
        n = this.gather(this.chunks, chunk * LINE, n, table);
        const next = this.chunks[chunk * LINE + NEXT];
        this.chunks[chunk * LINE + NEXT] = this.freeChunk;
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

  /** Appends the ids of the line at `from` of `ids` and their keys to the heap's arrays at n; returns the new n. */
  private gather(ids: Int32Array, from: number, n: number, table: Float64Array): number {
    const fill = ids[from + FILL];
    if (n + fill > this.heapKeys.length) this.growHeap(n + fill);
    const keys = this.heapKeys;
    const slots = this.heapSlots;
    for (let i = from + IDS, end = i + fill; i < end; i++, n++) {
      const slot = ids[i];
      keys[n] = table[slot * SLOT_NUMBERS];
      slots[n] = slot;
    }
    return n;
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
    if (chunk >= 0) this.freeChunk = this.chunks[chunk * LINE + NEXT];
    else {
      chunk = this.chunksMade++;
      if ((chunk + 1) * LINE > this.chunks.length) {
        const chunks = new Int32Array(this.chunks.length * 2);
        chunks.set(this.chunks);
        this.chunks = chunks;
      }
    }
    this.chunks[chunk * LINE + FILL] = 0;
    return chunk;
  }
}
