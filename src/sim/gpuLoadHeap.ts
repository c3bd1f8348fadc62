/**
 * A decode unit's GPUs ordered by load key (n, a, rank): requests, then the balancer's secondary load
 * (0 for an order by requests only), then rank. An indexed binary min-heap that keeps the keys in heap
 * order, so a sift reads them without going through the GPUs' own fields; the balancer takes `first`.
 * (`| 0` keeps the index arithmetic in int32.)
 */
export class GpuLoadHeap {
  /** Per heap position: n, a. One padding entry past the end holds +Infinity (see update). */
  private readonly keys: Float64Array;
  /** Per heap position: the GPU's rank (the key's last part). */
  private readonly ranks: Int32Array;
  /** Per rank: its heap position. */
  private readonly positions: Int32Array;

  constructor(gpus: number) {
    this.keys = new Float64Array(2 * (gpus + 1));
    this.ranks = new Int32Array(gpus + 1);
    this.positions = new Int32Array(gpus);
    this.reset();
  }

  /** The least-loaded GPU's rank. */
  get first(): number {
    return this.ranks[0];
  }

  /** Every GPU at key (0, 0, rank). */
  reset(): void {
    const gpus = this.positions.length;
    this.keys.fill(0);
    this.keys.fill(Number.POSITIVE_INFINITY, 2 * gpus);
    for (let r = 0; r < gpus; r++) {
      this.ranks[r] = r;
      this.positions[r] = r;
    }
    this.ranks[gpus] = gpus;
  }

  /**
   * Gives `rank` the key (loads[nAt], loads[aAt] or 0 when aAt < 0, rank) and restores the heap order.
   * The key is read here rather than passed: a double handed to a call the compiler does not inline
   * is boxed on the heap, and this runs twice per request.
   */
  update(rank: number, loads: Float64Array, nAt: number, aAt: number): void {
    const n = loads[nAt];
    const a = aAt < 0 ? 0 : loads[aAt];
    const keys = this.keys;
    const ranks = this.ranks;
    const positions = this.positions;
    const size = positions.length;
    let i = positions[rank];
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = (2 * parent) | 0;
      const pn = keys[p];
      const pa = keys[(p + 1) | 0];
      const pr = ranks[parent];
      if (!(n < pn || (n === pn && (a < pa || (a === pa && rank < pr))))) break;
      const k = (2 * i) | 0;
      keys[k] = pn;
      keys[(k + 1) | 0] = pa;
      ranks[i] = pr;
      positions[pr] = i;
      i = parent;
    }
    for (;;) {
      const left = (2 * i + 1) | 0;
      if (left >= size) break;
      // The lesser child, chosen without a branch: which way a sift goes is a coin toss, and a
      // mispredicted branch costs more than the arithmetic (a serving-path replay ran ~7% faster).
      // A missing right child is the padding entry, which never wins.
      const l = (2 * left) | 0;
      const ln = keys[l];
      const la = keys[(l + 1) | 0];
      const rn = keys[(l + 2) | 0];
      const ra = keys[(l + 3) | 0];
      const rightLess = +(rn < ln) | (+(rn === ln) & (+(ra < la) | (+(ra === la) & +(ranks[(left + 1) | 0] < ranks[left]))));
      const child = (left + rightLess) | 0;
      const c = (2 * child) | 0;
      const cn = keys[c];
      const ca = keys[(c + 1) | 0];
      const cr = ranks[child];
      if (!(cn < n || (cn === n && (ca < a || (ca === a && cr < rank))))) break;
      const k = (2 * i) | 0;
      keys[k] = cn;
      keys[(k + 1) | 0] = ca;
      ranks[i] = cr;
      positions[cr] = i;
      i = child;
    }
    const k = (2 * i) | 0;
    keys[k] = n;
    keys[(k + 1) | 0] = a;
    ranks[i] = rank;
    positions[rank] = i;
  }
}
