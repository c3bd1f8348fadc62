/**
 * The first (lowest-index) minimum of an array of numbers under updates, as a scan with `<` would
 * find it: a tournament tree whose nodes hold the winning index of their subtree (on a tie the left
 * one) and its value, so the balancer's choice is a lookup and an update costs log2(n) comparisons.
 * A node keeps its winner's value beside the index, so each level of an update reads one pair of
 * adjacent nodes instead of going through the indices to the values.
 */
export class FirstMinTree {
  /** Leaves: a power of two ≥ the count asked for; the spare ones hold +Infinity and never win. */
  readonly leaves: number;
  /** Node k (1 = root) at [k]; the leaves are nodes leaves … 2·leaves − 1. */
  private readonly winnerIndex: Int32Array;
  private readonly winnerValue: Float64Array;

  constructor(count: number, initial = Number.POSITIVE_INFINITY) {
    let leaves = 1;
    while (leaves < count) leaves *= 2;
    this.leaves = leaves;
    this.winnerIndex = new Int32Array(2 * leaves);
    this.winnerValue = new Float64Array(2 * leaves).fill(Number.POSITIVE_INFINITY);
    for (let i = 0; i < leaves; i++) this.winnerIndex[leaves + i] = i;
    this.winnerValue.fill(initial, leaves, leaves + count);
    this.rebuild();
  }

  /** Index of the first minimum. */
  get first(): number {
    return this.winnerIndex[1];
  }

  /** The minimum. */
  get firstValue(): number {
    return this.winnerValue[1];
  }

  value(index: number): number {
    return this.winnerValue[this.leaves + index];
  }

  set(index: number, value: number): void {
    const winnerIndex = this.winnerIndex;
    const winnerValue = this.winnerValue;
    let node = this.leaves + index;
    winnerValue[node] = value;
    while (node > 1) {
      const left = node & ~1;
      // The pair's winner picked without a branch (which side wins is data, so a branch mispredicts).
      const side = left + +(winnerValue[left + 1] < winnerValue[left]);
      const parent = node >> 1;
      const winner = winnerIndex[side];
      const best = winnerValue[side];
      // The rest of the way up only depends on this node's pair: unchanged, so are the ancestors.
      if (winnerIndex[parent] === winner && winnerValue[parent] === best) return;
      winnerIndex[parent] = winner;
      winnerValue[parent] = best;
      node = parent;
    }
  }

  /** Sets the first values.length leaves at once. */
  setAll(values: ArrayLike<number>): void {
    this.winnerValue.set(values, this.leaves);
    this.rebuild();
  }

  private rebuild(): void {
    const winnerIndex = this.winnerIndex;
    const winnerValue = this.winnerValue;
    for (let node = this.leaves - 1; node >= 1; node--) {
      const left = 2 * node;
      const rightWins = winnerValue[left + 1] < winnerValue[left];
      winnerIndex[node] = winnerIndex[rightWins ? left + 1 : left];
      winnerValue[node] = winnerValue[rightWins ? left + 1 : left];
    }
  }
}
