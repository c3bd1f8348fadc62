import { MinHeap } from './minHeap.js';

/** Numbers per entry in `entries`: [0] the key, [1] the slot, the rest the caller's. */
export const ENTRY_NUMBERS = 8;
const KEY = 0;
const SLOT = 1;
export const ENTRY_KEY = KEY;
export const ENTRY_SLOT = SLOT;
const CHUNK_ENTRIES = 8;
const CHUNK_NUMBERS = CHUNK_ENTRIES * ENTRY_NUMBERS;

/**
 * Pending turns of open sessions, popped in (seconds, slot) order, exactly as a MinHeap of the same
 * (key, slot) pairs would pop them. A slot is pending at most once, so the order is total.
 *
 * Hundreds of thousands of sessions think at once, and a heap over them (or lists linked through
 * per-session records) costs a cache miss per level or per turn. Instead time is cut into buckets of
 * 1/bucketsPerSecond seconds on a ring, and each entry (key, slot and the caller's session state) is
 * appended to its bucket's chunks: pushes write one line, and a bucket is read sequentially when it
 * becomes current. Only the current bucket's entries sit in a small heap; since a bucket's keys all
 * lie below the next bucket's, that heap's minimum is the global one. An entry beyond the ring's
 * horizon gets a chunk of its own in the `far` heap until the ring reaches it.
 */
export class TurnQueue {
  private readonly bucketsPerSecond: number;
  private readonly ringSize: number;
  private readonly ringMask: number;
  /** Per ring bucket, its newest chunk (chunks link to older ones), or -1. */
  private readonly heads: Int32Array;
  /** Chunks of CHUNK_ENTRIES entries; an entry's offset stays valid until its bucket is done. */
  private pool = new Float64Array(64 * CHUNK_NUMBERS);
  private chunkNext = new Int32Array(64);
  private chunkFill = new Int32Array(64);
  private chunksMade = 0;
  private freeChunk = -1;
  /** The current bucket's entries: keys and offsets, a binary heap on (key, slot). */
  private heapKeys = new Float64Array(64);
  private heapOffsets = new Int32Array(64);
  private heapSize = 0;
  /** Entries beyond the horizon: (key, chunk). */
  private readonly far = new MinHeap(16);
  /** Every entry with bucket ≤ currentBucket is in the heap; -Infinity until the first advance. */
  private currentBucket = Number.NEGATIVE_INFINITY;
  /** Entries in ring buckets after the current one. */
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

  /** The entries; read it again after push (it grows). */
  get entries(): Float64Array {
    return this.pool;
  }

  get size(): number {
    return this.heapSize + this.ringCount + this.far.size;
  }

  /** Adds (key, slot) and returns the entry's offset in `entries`, where the caller keeps its numbers [2, 8). */
  push(key: number, slot: number): number {
    // Multiplying by a positive constant is monotone, so bucket order never contradicts key order.
    const bucket = Math.floor(key * this.bucketsPerSecond);
    let offset: number;
    if (bucket <= this.currentBucket) {
      offset = this.append(this.currentBucket & this.ringMask, key, slot);
      this.heapPush(key, offset);
    } else if (bucket - this.currentBucket < this.ringSize) {
      offset = this.append(bucket & this.ringMask, key, slot);
      this.ringCount++;
    } else {
      const chunk = this.newChunk();
      offset = chunk * CHUNK_NUMBERS;
      this.pool[offset + KEY] = key;
      this.pool[offset + SLOT] = slot;
      this.far.push(key, chunk);
    }
    return offset;
  }

  /** Smallest key, or +Infinity when empty. Offsets from earlier pops become invalid. */
  peekKey(): number {
    if (this.heapSize === 0) this.advance();
    return this.heapSize === 0 ? Number.POSITIVE_INFINITY : this.heapKeys[0];
  }

  /** Removes the smallest entry and returns its offset (call peekKey first). */
  pop(): number {
    const top = this.heapOffsets[0];
    const last = --this.heapSize;
    if (last > 0) this.siftDown(0, this.heapKeys[last], this.heapOffsets[last], last);
    return top;
  }

  /** Places (key, offset) in the hole at `pos` of a heap of `size` entries, moving smaller children up. */
  private siftDown(pos: number, key: number, offset: number, size: number): void {
    const keys = this.heapKeys;
    const offsets = this.heapOffsets;
    const pool = this.pool;
    const slot = pool[offset + SLOT];
    for (;;) {
      let child = 2 * pos + 1;
      if (child >= size) break;
      const right = child + 1;
      if (right < size && (keys[right] < keys[child] || (keys[right] === keys[child] && pool[offsets[right] + SLOT] < pool[offsets[child] + SLOT]))) {
        child = right;
      }
      const ck = keys[child];
      if (ck > key || (ck === key && pool[offsets[child] + SLOT] > slot)) break;
      keys[pos] = ck;
      offsets[pos] = offsets[child];
      pos = child;
    }
    keys[pos] = key;
    offsets[pos] = offset;
  }

  private heapPush(key: number, offset: number): void {
    if (this.heapSize === this.heapKeys.length) this.growHeap(this.heapSize + 1);
    const keys = this.heapKeys;
    const offsets = this.heapOffsets;
    const pool = this.pool;
    const slot = pool[offset + SLOT];
    let pos = this.heapSize++;
    while (pos > 0) {
      const parent = (pos - 1) >> 1;
      const pk = keys[parent];
      if (pk < key || (pk === key && pool[offsets[parent] + SLOT] < slot)) break;
      keys[pos] = pk;
      offsets[pos] = offsets[parent];
      pos = parent;
    }
    keys[pos] = key;
    offsets[pos] = offset;
  }

  /** Moves to the next non-empty bucket and loads it into the heap, releasing the finished one's chunks. */
  private advance(): void {
    while (this.heapSize === 0) {
      if (this.currentBucket !== Number.NEGATIVE_INFINITY) this.release(this.currentBucket & this.ringMask);
      if (this.ringCount > 0) this.currentBucket++;
      else if (this.far.size > 0) this.currentBucket = Math.floor(this.far.peekKey() * this.bucketsPerSecond);
      else return;
      const position = this.currentBucket & this.ringMask;
      // Copy the bucket's keys in a tight loop (their cache misses overlap), then heapify in cache.
      let n = 0;
      for (let chunk = this.heads[position]; chunk >= 0; chunk = this.chunkNext[chunk]) {
        const fill = this.chunkFill[chunk];
        if (n + fill > this.heapKeys.length) this.growHeap(n + fill);
        const keys = this.heapKeys;
        const offsets = this.heapOffsets;
        const pool = this.pool;
        for (let i = 0, offset = chunk * CHUNK_NUMBERS; i < fill; i++, offset += ENTRY_NUMBERS, n++) {
          keys[n] = pool[offset + KEY];
          offsets[n] = offset;
        }
      }
      this.ringCount -= n;
      this.heapSize = n;
      for (let i = (n >> 1) - 1; i >= 0; i--) this.siftDown(i, this.heapKeys[i], this.heapOffsets[i], n);
      while (this.far.size > 0 && Math.floor(this.far.peekKey() * this.bucketsPerSecond) <= this.currentBucket) {
        const key = this.far.peekKey();
        const from = this.far.pop() * CHUNK_NUMBERS;
        const to = this.append(position, key, this.pool[from + SLOT]);
        this.pool.copyWithin(to, from, from + ENTRY_NUMBERS);
        this.chunkNext[from / CHUNK_NUMBERS] = this.freeChunk;
        this.freeChunk = from / CHUNK_NUMBERS;
        this.heapPush(key, to);
      }
    }
  }

  private growHeap(atLeast: number): void {
    let n = this.heapKeys.length * 2;
    while (n < atLeast) n *= 2;
    const keys = new Float64Array(n);
    keys.set(this.heapKeys);
    this.heapKeys = keys;
    const offsets = new Int32Array(n);
    offsets.set(this.heapOffsets);
    this.heapOffsets = offsets;
  }

  /** Appends an entry to a ring bucket's newest chunk (a new one when full); returns its offset. */
  private append(position: number, key: number, slot: number): number {
    let chunk = this.heads[position];
    if (chunk < 0 || this.chunkFill[chunk] === CHUNK_ENTRIES) {
      const fresh = this.newChunk();
      this.chunkNext[fresh] = chunk;
      this.heads[position] = fresh;
      chunk = fresh;
    }
    const offset = chunk * CHUNK_NUMBERS + this.chunkFill[chunk]++ * ENTRY_NUMBERS;
    this.pool[offset + KEY] = key;
    this.pool[offset + SLOT] = slot;
    return offset;
  }

  private release(position: number): void {
    let chunk = this.heads[position];
    if (chunk < 0) return;
    this.heads[position] = -1;
    while (chunk >= 0) {
      const next = this.chunkNext[chunk];
      this.chunkNext[chunk] = this.freeChunk;
      this.freeChunk = chunk;
      chunk = next;
    }
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
    const pool = new Float64Array(n * CHUNK_NUMBERS);
    pool.set(this.pool);
    this.pool = pool;
    const next = new Int32Array(n);
    next.set(this.chunkNext);
    this.chunkNext = next;
    const fill = new Int32Array(n);
    fill.set(this.chunkFill);
    this.chunkFill = fill;
  }
}
