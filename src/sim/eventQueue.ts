/**
 * The event queue: an indexed binary min-heap over typed arrays, ordered by (time, sequence). The
 * sequence number is the order of scheduling, so events at the same instant run first-in first-out and
 * a run is reproducible. Handles let a component cancel or move its one pending event in O(log n)
 * without searching. Nothing is allocated per event once the arrays have grown to the peak size.
 */
export class EventQueue {
  private timeOf: Float64Array;
  private seqOf: Float64Array;
  private kindOf: Int32Array;
  private targetOf: Int32Array;
  /** heap position of each slot, or -1 when the slot is free. */
  private posOf: Int32Array;
  /** slots in heap order. */
  private heap: Int32Array;
  private freeSlots: Int32Array;
  private freeCount = 0;
  private slotCount = 0;
  private heapSize = 0;
  private nextSeq = 0;

  /** Fields of the event last returned by pop(). */
  poppedTimeSeconds = 0;
  poppedKind = 0;
  poppedTarget = 0;

  constructor(initialCapacity = 1024) {
    this.timeOf = new Float64Array(initialCapacity);
    this.seqOf = new Float64Array(initialCapacity);
    this.kindOf = new Int32Array(initialCapacity);
    this.targetOf = new Int32Array(initialCapacity);
    this.posOf = new Int32Array(initialCapacity).fill(-1);
    this.heap = new Int32Array(initialCapacity);
    this.freeSlots = new Int32Array(initialCapacity);
  }

  get size(): number {
    return this.heapSize;
  }

  /** Events scheduled so far (a measure of work for benches). */
  get scheduledCount(): number {
    return this.nextSeq;
  }

  /** Time of the earliest event, or +Infinity when empty. */
  peekTime(): number {
    return this.heapSize === 0 ? Number.POSITIVE_INFINITY : this.timeOf[this.heap[0]];
  }

  /** Adds an event and returns its handle, valid until it is popped or cancelled. */
  schedule(timeSeconds: number, kind: number, target: number): number {
    if (!(timeSeconds === timeSeconds)) throw new Error('EventQueue.schedule: time is NaN');
    let slot: number;
    if (this.freeCount > 0) slot = this.freeSlots[--this.freeCount];
    else {
      if (this.slotCount === this.timeOf.length) this.grow();
      slot = this.slotCount++;
    }
    this.timeOf[slot] = timeSeconds;
    this.seqOf[slot] = this.nextSeq++;
    this.kindOf[slot] = kind;
    this.targetOf[slot] = target;
    const pos = this.heapSize++;
    this.heap[pos] = slot;
    this.posOf[slot] = pos;
    this.siftUp(pos);
    return slot;
  }

  /** Moves a pending event to a new time; it then runs after events already scheduled for that time. */
  reschedule(handle: number, timeSeconds: number): void {
    const pos = this.posOf[handle];
    if (pos < 0) throw new Error('EventQueue.reschedule: handle is not pending');
    this.timeOf[handle] = timeSeconds;
    this.seqOf[handle] = this.nextSeq++;
    this.siftDown(pos);
    this.siftUp(this.posOf[handle]);
  }

  cancel(handle: number): void {
    const pos = this.posOf[handle];
    if (pos < 0) throw new Error('EventQueue.cancel: handle is not pending');
    this.removeAt(pos);
  }

  isPending(handle: number): boolean {
    return handle >= 0 && handle < this.slotCount && this.posOf[handle] >= 0;
  }

  /** Removes the earliest event into the popped* fields; returns false when empty. */
  pop(): boolean {
    if (this.heapSize === 0) return false;
    const slot = this.heap[0];
    this.poppedTimeSeconds = this.timeOf[slot];
    this.poppedKind = this.kindOf[slot];
    this.poppedTarget = this.targetOf[slot];
    this.removeAt(0);
    return true;
  }

  private removeAt(pos: number): void {
    const slot = this.heap[pos];
    const last = --this.heapSize;
    if (pos !== last) {
      const moved = this.heap[last];
      this.heap[pos] = moved;
      this.posOf[moved] = pos;
      this.siftDown(pos);
      this.siftUp(this.posOf[moved]);
    }
    this.posOf[slot] = -1;
    this.freeSlots[this.freeCount++] = slot;
  }

  private less(a: number, b: number): boolean {
    const ta = this.timeOf[a];
    const tb = this.timeOf[b];
    return ta < tb || (ta === tb && this.seqOf[a] < this.seqOf[b]);
  }

  private siftUp(start: number): void {
    const heap = this.heap;
    let pos = start;
    const slot = heap[pos];
    while (pos > 0) {
      const parentPos = (pos - 1) >> 1;
      const parent = heap[parentPos];
      if (!this.less(slot, parent)) break;
      heap[pos] = parent;
      this.posOf[parent] = pos;
      pos = parentPos;
    }
    heap[pos] = slot;
    this.posOf[slot] = pos;
  }

  private siftDown(start: number): void {
    const heap = this.heap;
    const n = this.heapSize;
    let pos = start;
    const slot = heap[pos];
    for (;;) {
      let child = 2 * pos + 1;
      if (child >= n) break;
      if (child + 1 < n && this.less(heap[child + 1], heap[child])) child++;
      const childSlot = heap[child];
      if (!this.less(childSlot, slot)) break;
      heap[pos] = childSlot;
      this.posOf[childSlot] = pos;
      pos = child;
    }
    heap[pos] = slot;
    this.posOf[slot] = pos;
  }

  private grow(): void {
    const n = this.timeOf.length * 2;
    this.timeOf = growF64(this.timeOf, n);
    this.seqOf = growF64(this.seqOf, n);
    this.kindOf = growI32(this.kindOf, n);
    this.targetOf = growI32(this.targetOf, n);
    const pos = new Int32Array(n).fill(-1);
    pos.set(this.posOf);
    this.posOf = pos;
    this.heap = growI32(this.heap, n);
    this.freeSlots = growI32(this.freeSlots, n);
  }
}

export function growF64(a: Float64Array, n: number): Float64Array {
  const b = new Float64Array(n);
  b.set(a);
  return b;
}

export function growI32(a: Int32Array, n: number): Int32Array {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}
