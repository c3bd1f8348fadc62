/**
 * The event queue: an indexed binary min-heap over typed arrays, ordered by (time, sequence). The
 * sequence number is the order of scheduling, so events at the same instant run first-in first-out and
 * a run is reproducible. Handles let a component cancel or move its one pending event in O(log n)
 * without searching. Nothing is allocated per event once the arrays have grown to the peak size.
 *
 * Two kinds of events skip the heap, since they come already in (time, sequence) order: events for
 * the instant last popped (most hand-offs, e.g. a decode unit woken by a join)
 * and, optionally, events of one kind that is always scheduled in time order (the run's arrivals).
 * Each waits in a FIFO lane; pop takes the least of the lanes' heads and the heap's top, so the
 * order is exactly the heap's.
 */
export class EventQueue {
  private timeOf: Float64Array;
  private seqOf: Float64Array;
  private kindOf: Int32Array;
  private targetOf: Int32Array;
  /** Heap position of each slot, IN_NOW_LANE or IN_KIND_LANE, or -1 when the slot is free. */
  private posOf: Int32Array;
  /** slots in heap order. */
  private heap: Int32Array;
  private freeSlots: Int32Array;
  private freeCount = 0;
  private slotCount = 0;
  private heapSize = 0;
  private nextSeq = 0;
  private readonly nowLane: Lane;
  private readonly kindLane: Lane;
  /** The kind scheduled in time order (kindLane's), or -1. */
  private readonly orderedKind: number;

  /** Fields of the event last returned by pop(). */
  poppedTimeSeconds = 0;
  poppedKind = 0;
  poppedTarget = 0;

  /** @param orderedKind a kind whose events are (almost always) scheduled in time order, or -1. */
  constructor(initialCapacity = 1024, orderedKind = -1) {
    this.timeOf = new Float64Array(initialCapacity);
    this.seqOf = new Float64Array(initialCapacity);
    this.kindOf = new Int32Array(initialCapacity);
    this.targetOf = new Int32Array(initialCapacity);
    this.posOf = new Int32Array(initialCapacity).fill(-1);
    this.heap = new Int32Array(initialCapacity);
    this.freeSlots = new Int32Array(initialCapacity);
    this.nowLane = new Lane(IN_NOW_LANE);
    this.kindLane = new Lane(IN_KIND_LANE);
    this.orderedKind = orderedKind;
  }

  get size(): number {
    return this.heapSize + this.nowLane.live + this.kindLane.live;
  }

  /** Events scheduled so far (a measure of work for benches). */
  get scheduledCount(): number {
    return this.nextSeq;
  }

  /** Time of the earliest event, or +Infinity when empty. */
  peekTime(): number {
    const slot = this.earliest();
    return slot < 0 ? Number.POSITIVE_INFINITY : this.timeOf[slot];
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
    // A lane takes an event that keeps it in order: no earlier than its last.
    if (timeSeconds === this.poppedTimeSeconds && timeSeconds >= this.nowLane.tailTime) {
      this.nowLane.push(slot, seq, timeSeconds);
      this.posOf[slot] = IN_NOW_LANE;
    } else if (kind === this.orderedKind && timeSeconds >= this.kindLane.tailTime) {
      this.kindLane.push(slot, seq, timeSeconds);
      this.posOf[slot] = IN_KIND_LANE;
    } else {
      const pos = this.heapSize++;
      this.heap[pos] = slot;
      this.posOf[slot] = pos;
      this.siftUp(pos);
    }
    return slot;
  }

  /** Moves a pending event to a new time; it then runs after events already scheduled for that time. */
  reschedule(handle: number, timeSeconds: number): void {
    const pos = this.posOf[handle];
    if (pos === IN_NOW_LANE || pos === IN_KIND_LANE) {
      // Into the heap; its lane entry goes stale with the new sequence number.
      (pos === IN_NOW_LANE ? this.nowLane : this.kindLane).live--;
      const at = this.heapSize++;
      this.heap[at] = handle;
      this.posOf[handle] = at;
      this.timeOf[handle] = timeSeconds;
      this.seqOf[handle] = this.nextSeq++;
      this.siftUp(at);
      return;
    }
    if (pos < 0) throw new Error('EventQueue.reschedule: handle is not pending');
    this.timeOf[handle] = timeSeconds;
    this.seqOf[handle] = this.nextSeq++;
    this.siftDown(pos);
    this.siftUp(this.posOf[handle]);
  }

  cancel(handle: number): void {
    const pos = this.posOf[handle];
    if (pos === IN_NOW_LANE || pos === IN_KIND_LANE) {
      (pos === IN_NOW_LANE ? this.nowLane : this.kindLane).live--;
      this.free(handle);
      return;
    }
    if (pos < 0) throw new Error('EventQueue.cancel: handle is not pending');
    this.removeAt(pos);
  }

  isPending(handle: number): boolean {
    return handle >= 0 && handle < this.slotCount && this.posOf[handle] !== -1;
  }

  /** Removes the earliest event into the popped* fields; returns false when empty. */
  pop(): boolean {
    const slot = this.earliest();
    if (slot < 0) return false;
    this.poppedTimeSeconds = this.timeOf[slot];
    this.poppedKind = this.kindOf[slot];
    this.poppedTarget = this.targetOf[slot];
    const pos = this.posOf[slot];
    if (pos >= 0) {
      this.removeAt(pos);
      return true;
    }
    const lane = pos === IN_NOW_LANE ? this.nowLane : this.kindLane;
    lane.shift();
    lane.live--;
    this.free(slot);
    return true;
  }

  /** The slot of the earliest event (a lane's head or the heap's top), or -1. */
  private earliest(): number {
    let best = this.heapSize > 0 ? this.heap[0] : -1;
    if (this.nowLane.live > 0) {
      const slot = this.nowLane.headSlot(this.posOf, this.seqOf);
      if (best < 0 || this.less(slot, best)) best = slot;
    }
    if (this.kindLane.live > 0) {
      const slot = this.kindLane.headSlot(this.posOf, this.seqOf);
      if (best < 0 || this.less(slot, best)) best = slot;
    }
    return best;
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
    this.free(slot);
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

/** posOf of an event waiting in a lane. */
const IN_NOW_LANE = -2;
const IN_KIND_LANE = -3;

/**
 * A FIFO of (slot, sequence) entries in (time, sequence) order. An entry whose event has since been
 * cancelled or moved to the heap (its slot is no longer in this lane, or holds a later event) is
 * stale and skipped when it reaches the head.
 */
class Lane {
  private slots = new Int32Array(64);
  private seqs = new Float64Array(64);
  private head = 0;
  private count = 0;
  /** Entries still pending. */
  live = 0;
  /** Time of the last entry pushed. */
  tailTime = Number.NEGATIVE_INFINITY;

  constructor(private readonly marker: number) {}

  push(slot: number, seq: number, timeSeconds: number): void {
    if (this.count === this.slots.length) this.grow();
    let i = this.head + this.count;
    if (i >= this.slots.length) i -= this.slots.length;
    this.slots[i] = slot;
    this.seqs[i] = seq;
    this.count++;
    this.live++;
    this.tailTime = timeSeconds;
  }

  /** The first pending entry's slot, dropping stale ones before it (call with live > 0). */
  headSlot(posOf: Int32Array, seqOf: Float64Array): number {
    for (;;) {
      const slot = this.slots[this.head];
      if (posOf[slot] === this.marker && seqOf[slot] === this.seqs[this.head]) return slot;
      this.shift();
    }
  }

  /** Drops the head entry. */
  shift(): void {
    this.head = this.head + 1 === this.slots.length ? 0 : this.head + 1;
    this.count--;
  }

  private grow(): void {
    const n = this.slots.length * 2;
    const slots = new Int32Array(n);
    const seqs = new Float64Array(n);
    for (let k = 0; k < this.count; k++) {
      let i = this.head + k;
      if (i >= this.slots.length) i -= this.slots.length;
      slots[k] = this.slots[i];
      seqs[k] = this.seqs[i];
    }
    this.slots = slots;
    this.seqs = seqs;
    this.head = 0;
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
