/**
 * A binary min-heap of (key, value) pairs over typed arrays, ordered by key then value, so equal keys
 * pop in a fixed order. Used for pending conversation turns and for decode completions.
 */
export class MinHeap {
  private keys: Float64Array;
  private values: Int32Array;
  private n = 0;

  constructor(initialCapacity = 64) {
    this.keys = new Float64Array(initialCapacity);
    this.values = new Int32Array(initialCapacity);
  }

  get size(): number {
    return this.n;
  }

  /** Smallest key, or +Infinity when empty. */
  peekKey(): number {
    return this.n === 0 ? Number.POSITIVE_INFINITY : this.keys[0];
  }

  peekValue(): number {
    return this.values[0];
  }

  push(key: number, value: number): void {
    if (this.n === this.keys.length) {
      const keys = new Float64Array(this.n * 2);
      keys.set(this.keys);
      this.keys = keys;
      const values = new Int32Array(this.n * 2);
      values.set(this.values);
      this.values = values;
    }
    const keysArr = this.keys;
    const valuesArr = this.values;
    let pos = this.n++;
    while (pos > 0) {
      const parent = (pos - 1) >> 1;
      const pk = keysArr[parent];
      if (pk < key || (pk === key && valuesArr[parent] <= value)) break;
      keysArr[pos] = pk;
      valuesArr[pos] = valuesArr[parent];
      pos = parent;
    }
    keysArr[pos] = key;
    valuesArr[pos] = value;
  }

  /** Removes the smallest pair and returns its value (undefined behaviour when empty). */
  pop(): number {
    const keysArr = this.keys;
    const valuesArr = this.values;
    const top = valuesArr[0];
    const last = --this.n;
    if (last > 0) {
      const key = keysArr[last];
      const value = valuesArr[last];
      let pos = 0;
      for (;;) {
        let child = 2 * pos + 1;
        if (child >= last) break;
        const right = child + 1;
        if (
          right < last &&
          (keysArr[right] < keysArr[child] || (keysArr[right] === keysArr[child] && valuesArr[right] < valuesArr[child]))
        ) {
          child = right;
        }
        const ck = keysArr[child];
        if (ck > key || (ck === key && valuesArr[child] >= value)) break;
        keysArr[pos] = ck;
        valuesArr[pos] = valuesArr[child];
        pos = child;
      }
      keysArr[pos] = key;
      valuesArr[pos] = value;
    }
    return top;
  }

  clear(): void {
    this.n = 0;
  }
}
