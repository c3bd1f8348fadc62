/**
 * The event queue: an indexed binary min-heap over typed arrays, ordered by (time, sequence). The
 * sequence number is the order of scheduling, so events at the same instant run first-in first-out and
 * a run is reproducible. Handles let a component cancel or move its one pending event in O(log n)
 * without searching. Nothing is allocated per event once the arrays have grown to the peak size.
 *
 * Events scheduled for the instant last popped (most hand-offs: a KV transfer hidden behind the last
 * prefill step) skip the heap: they wait in a FIFO lane, already in (time, sequence) order, and pop
 * takes the lesser of the lane's head and the heap's top, so the order is exactly the heap's.
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
  // The lane: a ring of (slot, sequence) entries; an entry whose slot has since been cancelled,
  // moved or reused (its sequence no longer matches) is skipped.
  private laneSlots: Int32Array;
  private laneSeqs: Float64Array;
  private laneHead = 0;
  private laneCount = 0;
  /** Events in the lane that are still pending. */
  private laneLive = 0;
  private laneTailTime = Number.NEGATIVE_INFINITY;

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
    this.laneSlots = new Int32Array(initialCapacity);
    this.laneSeqs = new Float64Array(initialCapacity);
  }

  get size(): number {
    return this.heapSize + this.laneLive;
  }

  /** Events scheduled so far (a measure of work for benches). */
  get scheduledCount(): number {
    return this.nextSeq;
  }

  /** Time of the earliest event, or +Infinity when empty. */
  peekTime(): number {
    const heapTime = this.heapSize === 0 ? Number.POSITIVE_INFINITY : this.timeOf[this.heap[0]];
    if (this.laneLive === 0) return heapTime;
    this.skipStaleLaneEntries();
    const laneTime = this.timeOf[this.laneSlots[this.laneHead]];
    return laneTime < heapTime ? laneTime : heapTime;
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
    const seq = this.nextSeq++;
    this.timeOf[slot] = timeSeconds;
    this.seqOf[slot] = seq;
    this.kindOf[slot] = kind;
    this.targetOf[slot] = target;
    if (timeSeconds === this.poppedTimeSeconds && timeSeconds >= this.laneTailTime) {
      this.pushLane(slot, seq, timeSeconds);
      return slot;
    }
    const pos = this.heapSize++;
    this.heap[pos] = slot;
    this.posOf[slot] = pos;
    this.siftUp(pos);
    return slot;
  }

  /** Moves a pending event to a new time; it then runs after events already scheduled for that time. */
  reschedule(handle: number, timeSeconds: number): void {
    if (this.posOf[handle] === IN_LANE) {
      // Into the heap; its lane entry goes stale with the new sequence number.
      this.laneLive--;
      const pos = this.heapSize++;
      this.heap[pos] = handle;
      this.posOf[handle] = pos;
      this.timeOf[handle] = timeSeconds;
      this.seqOf[handle] = this.nextSeq++;
      this.siftUp(pos);
      return;
    }
    const pos = this.posOf[handle];
    if (pos < 0) throw new Error('EventQueue.reschedule: handle is not pending');
    this.timeOf[handle] = timeSeconds;
    this.seqOf[handle] = this.nextSeq++;
    this.siftDown(pos);
    this.siftUp(this.posOf[handle]);
  }

  cancel(handle: number): void {
    if (this.posOf[handle] === IN_LANE) {
      this.laneLive--;
      this.free(handle);
      return;
    }
    const pos = this.posOf[handle];
    if (pos < 0) throw new Error('EventQueue.cancel: handle is not pending');
    this.removeAt(pos);
  }

  isPending(handle: number): boolean {
    return handle >= 0 && handle < this.slotCount && (this.posOf[handle] >= 0 || this.posOf[handle] === IN_LANE);
  }

  /** Removes the earliest event into the popped* fields; returns false when empty. */
  pop(): boolean {
    if (this.laneLive > 0) {
      this.skipStaleLaneEntries();
      const slot = this.laneSlots[this.laneHead];
      if (this.heapSize === 0 || !this.less(this.heap[0], slot)) {
        this.laneHead = this.laneHead + 1 === this.laneSlots.length ? 0 : this.laneHead + 1;
        this.laneCount--;
        this.laneLive--;
        this.poppedTimeSeconds = this.timeOf[slot];
        this.poppedKind = this.kindOf[slot];
        this.poppedTarget = this.targetOf[slot];
        this.free(slot);
        return true;
      }
    }
    if (this.heapSize === 0) return false;
    const slot = this.heap[0];
    this.poppedTimeSeconds = this.timeOf[slot];
    this.poppedKind = this.kindOf[slot];
    this.poppedTarget = this.targetOf[slot];
    this.removeAt(0);
    return true;
  }

  private pushLane(slot: number, seq: number, timeSeconds: number): void {
    if (this.laneCount === this.laneSlots.length) this.growLane();
    let i = this.laneHead + this.laneCount;
    if (i >= this.laneSlots.length) i -= this.laneSlots.length;
    this.laneSlots[i] = slot;
    this.laneSeqs[i] = seq;
    this.laneCount++;
    this.laneLive++;
    this.laneTailTime = timeSeconds;
    this.posOf[slot] = IN_LANE;
  }

  /** Drops lane entries at the head whose event was cancelled or moved (call with laneLive > 0). */
  private skipStaleLaneEntries(): void {
    for (;;) {
      const slot = this.laneSlots[this.laneHead];
      if (this.posOf[slot] === IN_LANE && this.seqOf[slot] === this.laneSeqs[this.laneHead]) return;
      this.laneHead = this.laneHead + 1 === this.laneSlots.length ? 0 : this.laneHead + 1;
      this.laneCount--;
    }
  }

  private growLane(): void {
    const n = this.laneSlots.length * 2;
    const slots = new Int32Array(n);
    const seqs = new Float64Array(n);
    for (let k = 0; k < this.laneCount; k++) {
      let i = this.laneHead + k;
      if (i >= this.laneSlots.length) i -= this.laneSlots.length;
      slots[k] = this.laneSlots[i];
      seqs[k] = this.laneSeqs[i];
    }
    this.laneSlots = slots;
    this.laneSeqs = seqs;
    this.laneHead = 0;
  }

  private free(slot: number): void {
    this.posOf[slot] = -1;
    this.freeSlots[this.freeCount++] = slot;
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

/** posOf of an event waiting in the lane. */
const IN_LANE = -2;

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
