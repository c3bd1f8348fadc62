/**
 * The external KV cache of prompt prefixes: blocks keyed by chained hashes (a block's key names
 * everything before it, as Mooncake's hash_ids do), capacity in tokens (bytes / KV bytes per token),
 * least-recently-used eviction. A request's hit is the longest run of its leading blocks that are
 * cached.
 *
 * Blocks are kept as a radix tree of runs (SGLang's RadixAttention has the same shape): a node holds
 * consecutive blocks of one chain with one last-use time, and an index finds a node by its first key.
 * A request walks a few nodes and compares the rest of its keys in order, so a long conversation turn
 * costs a handful of index lookups rather than one random memory access per block.
 *
 * Eviction is exactly block-level LRU where a request touches its blocks deepest first (so a prefix is
 * always more recent than its extensions): nodes sit in an LRU order, a node is always behind its
 * descendants, and the least recent node (a leaf) loses blocks from its end.
 *
 * A day's cache is millions of blocks, far larger than the CPU caches, so what costs is the random
 * memory accesses per request, and the layout is chosen to need few:
 * - each node is one 64-byte record: its fields and its first key;
 * - a run whose keys step evenly (first + step·i, as session and system-prompt blocks are numbered)
 *   keeps just that; other runs keep their first INLINE_KEYS keys in the record and the rest in a key
 *   arena;
 * - an index slot holds key and node id side by side;
 * - the LRU order is a ring of node ids where a touch appends the node and leaves a tombstone at its
 *   previous place (a linked list would touch both neighbours).
 * Typed arrays throughout, so the cache is not millions of objects for the garbage collector.
 */
export class PrefixCache {
  readonly capacityTokens: number;
  private usedTokens = 0;
  private liveBlocks = 0;
  /** First key of every node → node id. */
  private readonly starts = new KeyIndex();
  /** Node records, by id: int32 fields (PARENT, ... below) and float64 keys over one buffer. */
  private nodeFields: Int32Array;
  private nodeKeys: Float64Array;
  private nodeCount = 0;
  private liveNodes = 0;
  /** Free node ids, linked through their PARENT field; -1 ends the list. */
  private freeHead = -1;
  /** Keys of EXPLICIT runs past their first INLINE_KEYS: node i owns arena[KEY_START, KEY_START + KEY_CAPACITY). */
  private arena: Float64Array;
  private arenaTop = 0;
  private arenaLive = 0;
  /**
   * LRU order, least recent first: ring[(ringFront + i) & ringMask] for i < ringCount, each a node id
   * or TOMBSTONE. Every live node has exactly one entry, at its RING_POS.
   */
  private ring: Int32Array = new Int32Array(1024);
  private ringMask = 1023;
  private ringFront = 0;
  private ringCount = 0;
  /** Node ids on the current request's path, root first. */
  private path: Int32Array = new Int32Array(64);
  /** A node's keys while it is split. */
  private scratch: Float64Array = new Float64Array(64);

  /**
   * @param capacityTokens tokens of KV the cache holds; Infinity for an unbounded cache.
   * @param initialArenaKeys starting size of the key arena (it grows and compacts itself).
   */
  constructor(capacityTokens: number, initialArenaKeys = 1 << 16) {
    if (!(capacityTokens >= 0)) throw new Error('PrefixCache: capacity must be ≥ 0');
    this.capacityTokens = capacityTokens;
    this.arena = new Float64Array(Math.max(16, initialArenaKeys));
    const buffer = new ArrayBuffer(1024 * NODE_BYTES);
    this.nodeFields = new Int32Array(buffer);
    this.nodeKeys = new Float64Array(buffer);
  }

  get blocks(): number {
    return this.liveBlocks;
  }

  get tokens(): number {
    return this.usedTokens;
  }

  /**
   * Looks up a request's prefix and then stores all its blocks (the prefill writes them back).
   * Keys must be chained: equal keys always follow equal predecessors.
   * @returns the number of leading blocks that were already cached.
   */
  lookupAndInsert(keys: Float64Array, blockCount: number, blockTokens: number): number {
    const tokens = Math.max(1, blockTokens);
    const fields = this.nodeFields;
    let path = this.path;
    let pathLength = 0;
    let matched = 0;
    let offset = 0; // blocks of the last path node that matched
    let node = blockCount > 0 ? this.starts.get(keys[0]) : -1;
    while (node >= 0 && fields[node * FIELDS + BLOCK_TOKENS] === tokens) {
      const length = fields[node * FIELDS + LENGTH];
      offset = this.matchRun(node, length, keys, matched, blockCount);
      matched += offset;
      if (pathLength === path.length) this.path = path = growInt32(path, pathLength * 2);
      path[pathLength++] = node;
      if (offset < length || matched === blockCount) break;
      const child = this.starts.get(keys[matched]);
      if (child < 0 || fields[child * FIELDS + PARENT] !== node) break;
      node = child;
    }
    // Only the matched part of the last node is touched: split off the rest.
    let last = pathLength > 0 ? path[pathLength - 1] : -1;
    let split = false;
    if (last >= 0 && offset < fields[last * FIELDS + LENGTH]) {
      last = this.splitHead(last, offset);
      path[pathLength - 1] = last;
      split = true;
    }
    if (pathLength > 0) this.touchPath(pathLength);
    if (matched < blockCount) this.insertRun(keys, matched, blockCount, tokens, last, pathLength, split);
    return matched;
  }

  /** Leading blocks cached, without changing anything. */
  peekHitBlocks(keys: Float64Array, blockCount: number): number {
    const fields = this.nodeFields;
    let matched = 0;
    let node = blockCount > 0 ? this.starts.get(keys[0]) : -1;
    while (node >= 0) {
      const length = fields[node * FIELDS + LENGTH];
      const offset = this.matchRun(node, length, keys, matched, blockCount);
      matched += offset;
      if (offset < length || matched === blockCount) break;
      const child = this.starts.get(keys[matched]);
      if (child < 0 || fields[child * FIELDS + PARENT] !== node) break;
      node = child;
    }
    return matched;
  }

  /** How many of the node's leading keys equal keys[from, blockCount), in order. */
  private matchRun(node: number, length: number, keys: Float64Array, from: number, blockCount: number): number {
    const most = length < blockCount - from ? length : blockCount - from;
    const step = this.nodeFields[node * FIELDS + STEP];
    const nodeKeys = this.nodeKeys;
    const inline = node * KEYS + FIRST_KEY;
    let offset = 0;
    if (step !== EXPLICIT) {
      const first = nodeKeys[inline];
      while (offset < most && keys[from + offset] === first + step * offset) offset++;
      return offset;
    }
    const inlineMost = most < INLINE_KEYS ? most : INLINE_KEYS;
    while (offset < inlineMost && nodeKeys[inline + offset] === keys[from + offset]) offset++;
    if (offset === INLINE_KEYS) {
      const arena = this.arena;
      const base = this.nodeFields[node * FIELDS + KEY_START] - INLINE_KEYS;
      while (offset < most && arena[base + offset] === keys[from + offset]) offset++;
    }
    return offset;
  }

  /**
   * Makes the path the most recent nodes, deepest first, so each node ends up behind its descendants:
   * appends each to the ring and leaves a tombstone where it was.
   */
  private touchPath(pathLength: number): void {
    const path = this.path;
    const fields = this.nodeFields;
    for (let i = pathLength - 1; i >= 0; i--) {
      const node = path[i];
      const previous = fields[node * FIELDS + RING_POS];
      if (previous >= 0) this.ring[previous] = TOMBSTONE;
      if (this.ringCount === this.ring.length) this.compactRing();
      const position = (this.ringFront + this.ringCount) & this.ringMask;
      this.ring[position] = node;
      fields[node * FIELDS + RING_POS] = position;
      this.ringCount++;
    }
  }

  /** Makes a new node the most recent. */
  private linkAtEnd(node: number): void {
    if (this.ringCount === this.ring.length) this.compactRing();
    const position = (this.ringFront + this.ringCount) & this.ringMask;
    this.ring[position] = node;
    this.nodeFields[node * FIELDS + RING_POS] = position;
    this.ringCount++;
  }

  /** Puts a new node just before the ring's last `after` entries (the path, just touched). */
  private linkBeforeLast(node: number, after: number): void {
    if (this.ringCount === this.ring.length) this.compactRing();
    const ring = this.ring;
    const fields = this.nodeFields;
    const mask = this.ringMask;
    let position = (this.ringFront + this.ringCount) & mask;
    for (let i = 0; i < after; i++) {
      const from = (position - 1) & mask;
      const moved = ring[from];
      ring[position] = moved;
      fields[moved * FIELDS + RING_POS] = position;
      position = from;
    }
    ring[position] = node;
    fields[node * FIELDS + RING_POS] = position;
    this.ringCount++;
  }

  /**
   * Drops the tombstones, in place while live entries fill at most a quarter of the ring (so a
   * compaction, which rewrites every live node's RING_POS, comes at most once per three touches per
   * node), else into a larger ring.
   */
  private compactRing(): void {
    const old = this.ring;
    const oldMask = this.ringMask;
    let size = old.length;
    while (this.liveNodes * 4 > size) size *= 2;
    const ring = size > old.length ? new Int32Array(size) : old;
    const fields = this.nodeFields;
    let write = ring === old ? this.ringFront : 0;
    const writeStart = write;
    const writeMask = ring.length - 1;
    for (let i = 0, read = this.ringFront; i < this.ringCount; i++, read = (read + 1) & oldMask) {
      const node = old[read];
      if (node === TOMBSTONE) continue;
      ring[write] = node;
      fields[node * FIELDS + RING_POS] = write;
      write = (write + 1) & writeMask;
    }
    this.ring = ring;
    this.ringMask = writeMask;
    this.ringFront = writeStart;
    this.ringCount = (write - writeStart) & writeMask; // live entries are fewer than the ring's size
  }

  /**
   * Stores keys[from, to) below `parent` (-1: a new root; else the last of the `pathLength` nodes the
   * request walked, `split` off a longer node), evicting older blocks for room.
   */
  private insertRun(keys: Float64Array, from: number, to: number, tokens: number, parent: number, pathLength: number, split: boolean): void {
    // Room first: the path is at the ring's end now, so the least recent node is older, and a leaf.
    let count = to - from;
    if (this.usedTokens + count * tokens > this.capacityTokens) this.evict(count * tokens, pathLength);
    const room = Math.floor((this.capacityTokens - this.usedTokens) / tokens);
    if (room < count) count = room; // smaller than one request: keep its leading blocks
    if (count <= 0) return;
    // A leaf on the path has this request's block size and is its first key's node in the index,
    // unless its split-off tail starts with the same key (keys that are not chained).
    if (
      parent >= 0 &&
      this.nodeFields[parent * FIELDS + CHILDREN] === 0 &&
      (!split || this.starts.get(this.nodeKeys[parent * KEYS + FIRST_KEY]) === parent)
    ) {
      // A leaf that this request extends (the next turn of a conversation): append in place.
      this.append(parent, keys, from, from + count);
    } else {
      const node = this.newNode(keys, from, from + count, 2 * count, tokens, parent); // room for the next turn
      if (parent >= 0) this.nodeFields[parent * FIELDS + CHILDREN]++;
      this.starts.set(keys[from], node);
      // Deeper than every node on the path, so evicted before them: in front of the path, whose
      // deepest node (the parent) was touched first.
      if (parent >= 0) this.linkBeforeLast(node, pathLength);
      else this.linkAtEnd(node);
    }
    this.usedTokens += count * tokens;
    this.liveBlocks += count;
  }

  /**
   * Evicts blocks, least recent first, until `tokens` more fit or only the request's `pathLength`
   * nodes (the ring's last entries) are left. The least recent node loses blocks from its end, at
   * least those still needed, or all.
   */
  private evict(tokens: number, pathLength: number): void {
    const fields = this.nodeFields;
    const ring = this.ring;
    const mask = this.ringMask;
    const capacity = this.capacityTokens;
    let used = this.usedTokens;
    let blocks = this.liveBlocks;
    let front = this.ringFront;
    let count = this.ringCount;
    do {
      while (count > pathLength && ring[front] === TOMBSTONE) {
        front = (front + 1) & mask;
        count--;
      }
      if (count <= pathLength) break;
      const node = ring[front];
      const at = node * FIELDS;
      const blockTokens = fields[at + BLOCK_TOKENS];
      const length = fields[at + LENGTH];
      const drop = Math.min(length, Math.ceil((used + tokens - capacity) / blockTokens));
      fields[at + LENGTH] = length - drop;
      used -= drop * blockTokens;
      blocks -= drop;
      if (drop === length) {
        ring[front] = TOMBSTONE;
        front = (front + 1) & mask;
        count--;
        this.free(node);
      }
    } while (used + tokens > capacity);
    this.usedTokens = used;
    this.liveBlocks = blocks;
    this.ringFront = front;
    this.ringCount = count;
  }

  /** Forgets an evicted node (out of the ring already). */
  private free(node: number): void {
    const fields = this.nodeFields;
    const at = node * FIELDS;
    this.starts.deleteIfMapsTo(this.nodeKeys[node * KEYS + FIRST_KEY], node);
    const parent = fields[at + PARENT];
    if (parent >= 0) fields[parent * FIELDS + CHILDREN]--;
    this.arenaLive -= fields[at + KEY_CAPACITY];
    fields[at + KEY_CAPACITY] = 0;
    fields[at + PARENT] = this.freeHead;
    this.freeHead = node;
    this.liveNodes--;
  }

  /**
   * Splits `node` after its first `headLength` blocks: a new node takes the head (and the node's
   * place under its parent); the original keeps the tail, its children and its place in the LRU order.
   * The caller touches the head.
   */
  private splitHead(node: number, headLength: number): number {
    const length = this.nodeFields[node * FIELDS + LENGTH];
    if (this.scratch.length < length) this.scratch = new Float64Array(2 * length);
    const keys = this.scratch;
    for (let i = 0; i < length; i++) keys[i] = this.keyAt(node, i);
    const head = this.newNode(keys, 0, headLength, headLength, this.nodeFields[node * FIELDS + BLOCK_TOKENS], this.nodeFields[node * FIELDS + PARENT]);
    this.setKeys(node, keys, headLength, length);
    const fields = this.nodeFields; // after newNode, which may grow the records
    fields[head * FIELDS + CHILDREN] = 1;
    fields[node * FIELDS + LENGTH] = length - headLength;
    fields[node * FIELDS + PARENT] = head;
    this.starts.set(keys[0], head);
    this.starts.set(keys[headLength], node);
    return head;
  }

  private append(node: number, keys: Float64Array, from: number, to: number): void {
    const fields = this.nodeFields;
    const at = node * FIELDS;
    const length = fields[at + LENGTH];
    const needed = length + (to - from);
    const step = fields[at + STEP];
    if (step !== EXPLICIT) {
      // A one-key run takes the step of its continuation.
      const first = this.nodeKeys[node * KEYS + FIRST_KEY];
      const next = length === 1 ? stepOf(first, keys[from]) : step;
      if (next !== EXPLICIT && continues(first, next, length, keys, from, to)) {
        fields[at + STEP] = next;
        fields[at + LENGTH] = needed;
        return;
      }
      // The keys stop stepping evenly: spell the run out, with room for the next turn.
      this.spellOut(node, length, 2 * needed);
    }
    const oldCapacity = fields[at + KEY_CAPACITY];
    if (needed - INLINE_KEYS > oldCapacity) {
      // Double the node's whole capacity, as a fresh node with room for its next turn would have.
      const capacity = Math.max(needed, 2 * (oldCapacity + INLINE_KEYS)) - INLINE_KEYS;
      const start = this.allocateKeys(capacity);
      const moving = length - INLINE_KEYS;
      if (moving > 0) {
        const oldStart = fields[at + KEY_START]; // read after allocateKeys, which may compact
        this.arena.copyWithin(start, oldStart, oldStart + moving);
      }
      this.arenaLive -= oldCapacity;
      fields[at + KEY_START] = start;
      fields[at + KEY_CAPACITY] = capacity;
    }
    this.writeKeys(node, length, keys, from, to);
    fields[at + LENGTH] = needed;
  }

  /** Turns a stepping run of `length` keys into an EXPLICIT one with room for `capacity` keys. */
  private spellOut(node: number, length: number, capacity: number): void {
    const first = this.nodeKeys[node * KEYS + FIRST_KEY];
    const step = this.nodeFields[node * FIELDS + STEP];
    const overflow = capacity - INLINE_KEYS;
    if (overflow > this.nodeFields[node * FIELDS + KEY_CAPACITY]) {
      this.arenaLive -= this.nodeFields[node * FIELDS + KEY_CAPACITY];
      this.nodeFields[node * FIELDS + KEY_CAPACITY] = 0; // nothing to move if the arena compacts
      this.nodeFields[node * FIELDS + KEY_START] = this.allocateKeys(overflow);
      this.nodeFields[node * FIELDS + KEY_CAPACITY] = overflow;
    }
    this.nodeFields[node * FIELDS + STEP] = EXPLICIT;
    for (let i = 0; i < length; i++) this.setKey(node, i, first + step * i);
  }

  /** Makes keys[from, to) the node's keys, stepping if they do, else spelled out. */
  private setKeys(node: number, keys: Float64Array, from: number, to: number): void {
    const step = stepOfRun(keys, from, to);
    if (step !== EXPLICIT) {
      this.arenaLive -= this.nodeFields[node * FIELDS + KEY_CAPACITY];
      this.nodeFields[node * FIELDS + KEY_CAPACITY] = 0;
      this.nodeFields[node * FIELDS + STEP] = step;
      this.nodeKeys[node * KEYS + FIRST_KEY] = keys[from];
      return;
    }
    if (this.nodeFields[node * FIELDS + STEP] !== EXPLICIT) this.spellOut(node, 0, to - from);
    else if (to - from - INLINE_KEYS > this.nodeFields[node * FIELDS + KEY_CAPACITY]) {
      this.spellOut(node, 0, to - from);
    }
    this.writeKeys(node, 0, keys, from, to);
  }

  /** Writes keys[from, to) as an EXPLICIT node's keys from `at` on (its capacity must suffice). */
  private writeKeys(node: number, at: number, keys: Float64Array, from: number, to: number): void {
    const nodeKeys = this.nodeKeys;
    const inline = node * KEYS + FIRST_KEY;
    let i = from;
    for (; i < to && at < INLINE_KEYS; i++, at++) nodeKeys[inline + at] = keys[i];
    if (i === to) return;
    const arena = this.arena;
    const base = this.nodeFields[node * FIELDS + KEY_START] - INLINE_KEYS;
    for (; i < to; i++, at++) arena[base + at] = keys[i];
  }

  private keyAt(node: number, i: number): number {
    const step = this.nodeFields[node * FIELDS + STEP];
    if (step !== EXPLICIT) return this.nodeKeys[node * KEYS + FIRST_KEY] + step * i;
    return i < INLINE_KEYS ? this.nodeKeys[node * KEYS + FIRST_KEY + i] : this.arena[this.nodeFields[node * FIELDS + KEY_START] + i - INLINE_KEYS];
  }

  private setKey(node: number, i: number, key: number): void {
    if (i < INLINE_KEYS) this.nodeKeys[node * KEYS + FIRST_KEY + i] = key;
    else this.arena[this.nodeFields[node * FIELDS + KEY_START] + i - INLINE_KEYS] = key;
  }

  /**
   * A node holding keys[from, to), not yet in the ring or the index; `keyCapacity` is the room it
   * gets if its keys must be spelled out.
   */
  private newNode(keys: Float64Array, from: number, to: number, keyCapacity: number, blockTokens: number, parent: number): number {
    let id = this.freeHead;
    if (id >= 0) this.freeHead = this.nodeFields[id * FIELDS + PARENT];
    else {
      if ((this.nodeCount + 1) * FIELDS > this.nodeFields.length) this.growNodes();
      id = this.nodeCount++;
    }
    this.liveNodes++;
    const step = stepOfRun(keys, from, to);
    const overflow = step === EXPLICIT ? keyCapacity - INLINE_KEYS : 0;
    // A free or fresh record has KEY_CAPACITY 0, so an arena compaction below skips it.
    const start = overflow > 0 ? this.allocateKeys(overflow) : 0;
    const fields = this.nodeFields;
    const at = id * FIELDS;
    fields[at + PARENT] = parent;
    fields[at + CHILDREN] = 0;
    fields[at + RING_POS] = -1;
    fields[at + LENGTH] = to - from;
    fields[at + BLOCK_TOKENS] = blockTokens;
    fields[at + KEY_START] = start;
    fields[at + KEY_CAPACITY] = overflow > 0 ? overflow : 0;
    fields[at + STEP] = step;
    if (step !== EXPLICIT) this.nodeKeys[id * KEYS + FIRST_KEY] = keys[from];
    else this.writeKeys(id, 0, keys, from, to);
    return id;
  }

  /** Room for `capacity` keys at the arena's top; compacts (moving every node's keys) or grows first. */
  private allocateKeys(capacity: number): number {
    if (this.arenaTop + capacity > this.arena.length) {
      const needed = this.arenaLive + capacity;
      const size = needed * 2 > this.arena.length ? Math.max(this.arena.length * 2, needed * 2) : this.arena.length;
      const old = this.arena;
      const arena = new Float64Array(size);
      const fields = this.nodeFields;
      let top = 0;
      for (let at = 0, end = this.nodeCount * FIELDS; at < end; at += FIELDS) {
        const cap = fields[at + KEY_CAPACITY];
        if (cap === 0) continue;
        const start = fields[at + KEY_START];
        const used = fields[at + LENGTH] - INLINE_KEYS;
        for (let i = 0; i < used; i++) arena[top + i] = old[start + i];
        fields[at + KEY_START] = top;
        top += cap;
      }
      this.arena = arena;
      this.arenaTop = top;
    }
    const start = this.arenaTop;
    this.arenaTop += capacity;
    this.arenaLive += capacity;
    return start;
  }

  private growNodes(): void {
    const buffer = new ArrayBuffer(this.nodeFields.byteLength * 2);
    const fields = new Int32Array(buffer);
    fields.set(this.nodeFields);
    this.nodeFields = fields;
    this.nodeKeys = new Float64Array(buffer);
  }
}

// A node record: NODE_BYTES, int32 fields at [id * FIELDS + field], keys at [id * KEYS + FIRST_KEY + i].
const NODE_BYTES = 64;
const FIELDS = NODE_BYTES / 4;
const KEYS = NODE_BYTES / 8;
const PARENT = 0;
const CHILDREN = 1;
/** The node's entry in the LRU ring, -1 while it has none. */
const RING_POS = 2;
const LENGTH = 3;
const BLOCK_TOKENS = 4;
/** An EXPLICIT run's keys INLINE_KEYS.. in the arena, and room there (0 when none, or the node is free). */
const KEY_START = 5;
const KEY_CAPACITY = 6;
/** Key i of the run is first + STEP·i exactly, or STEP is EXPLICIT and the keys are stored. */
const STEP = 7;
const EXPLICIT = 0;
/** Float64 index of the first key (after the 8 int32 fields). */
const FIRST_KEY = 4;
const INLINE_KEYS = KEYS - FIRST_KEY;
const TOMBSTONE = -1;

/** The step from `first` to `next` if it is a nonzero int32 that reproduces `next` exactly, else EXPLICIT. */
function stepOf(first: number, next: number): number {
  const step = next - first;
  return step === (step | 0) && first + step === next ? step : EXPLICIT;
}

/** The step of keys[from, to) if key i is exactly keys[from] + step·i, else EXPLICIT. */
function stepOfRun(keys: Float64Array, from: number, to: number): number {
  if (to - from < 2) return 1; // any step describes one key
  const step = stepOf(keys[from], keys[from + 1]);
  return step !== EXPLICIT && continues(keys[from], step, 2, keys, from + 2, to) ? step : EXPLICIT;
}

/** Whether keys[from, to) are keys length, length + 1, ... of the run first + step·i. */
function continues(first: number, step: number, length: number, keys: Float64Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (keys[i] !== first + step * (length + i - from)) return false;
  return true;
}

function growInt32(a: Int32Array, n: number): Int32Array {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}

/**
 * Integer-valued double keys (|key| < 2^53) → ids ≥ 0, open addressing with linear probing and
 * backward-shift deletion. A slot is 16 bytes, key and id side by side so a probe reads one cache line:
 * the key at keys[2 * slot], id + 1 at ids[4 * slot + 2] (0 marks an empty slot).
 */
class KeyIndex {
  private keys = new Float64Array(2 * 1024);
  private ids = new Int32Array(this.keys.buffer);
  private mask = 1023;
  private size = 0;

  get(key: number): number {
    const keys = this.keys;
    const ids = this.ids;
    const mask = this.mask;
    let slot = hashKey(key) & mask;
    for (;;) {
      const id = ids[4 * slot + 2];
      if (id === 0) return -1;
      if (keys[2 * slot] === key) return id - 1;
      slot = (slot + 1) & mask;
    }
  }

  set(key: number, id: number): void {
    if ((this.size + 1) * 2 > this.mask + 1) this.grow();
    const keys = this.keys;
    const ids = this.ids;
    const mask = this.mask;
    let slot = hashKey(key) & mask;
    while (ids[4 * slot + 2] !== 0) {
      if (keys[2 * slot] === key) {
        ids[4 * slot + 2] = id + 1;
        return;
      }
      slot = (slot + 1) & mask;
    }
    keys[2 * slot] = key;
    ids[4 * slot + 2] = id + 1;
    this.size++;
  }

  /** Deletes `key` if it maps to `id`. */
  deleteIfMapsTo(key: number, id: number): void {
    const keys = this.keys;
    const ids = this.ids;
    const mask = this.mask;
    let hole = hashKey(key) & mask;
    for (;;) {
      const found = ids[4 * hole + 2];
      if (found === 0) return;
      if (keys[2 * hole] === key) {
        if (found !== id + 1) return;
        break;
      }
      hole = (hole + 1) & mask;
    }
    this.size--;
    let probe = (hole + 1) & mask;
    while (ids[4 * probe + 2] !== 0) {
      const home = hashKey(keys[2 * probe]) & mask;
      // The entry may move back unless its home lies cyclically in (hole, probe].
      const stays = hole <= probe ? home > hole && home <= probe : home > hole || home <= probe;
      if (!stays) {
        keys[2 * hole] = keys[2 * probe];
        ids[4 * hole + 2] = ids[4 * probe + 2];
        hole = probe;
      }
      probe = (probe + 1) & mask;
    }
    ids[4 * hole + 2] = 0;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldIds = this.ids;
    const slots = 2 * (this.mask + 1);
    this.keys = new Float64Array(2 * slots);
    this.ids = new Int32Array(this.keys.buffer);
    this.mask = slots - 1;
    this.size = 0;
    for (let slot = 0; slot < slots / 2; slot++) if (oldIds[4 * slot + 2] !== 0) this.set(oldKeys[2 * slot], oldIds[4 * slot + 2] - 1);
  }
}

/** Mixes an integer-valued double (|key| < 2^53) into 32 bits (murmur3 finalizer). */
function hashKey(key: number): number {
  const lo = key >>> 0;
  const hi = (key / 4294967296) >>> 0;
  let h = lo ^ Math.imul(hi, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
