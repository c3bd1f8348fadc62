/**
 * The bucket of a positive value in a logarithmic histogram, ceil(ln(v) / ln γ) − minIndex clamped to
 * [0, length), found without a logarithm (Math.log had cost about a tenth of the simulating thread's
 * time): the mapping is a step function of v, so its steps are found once, by bisection over
 * doubles through that very formula, and a value's bucket is then a table lookup on the top bits of
 * its double and one comparison with the step above. The answers are the formula's, bit for bit.
 */
export class LogBuckets {
  readonly length: number;
  /** steps[i]: the least double whose bucket is ≥ i (steps[0] = 0); steps[length] = +Infinity. */
  private readonly steps: Float64Array;
  /** Per slot of doubles sharing their top SLOT_BITS bits, from firstSlot: the bucket of the slot's least double. */
  private readonly slotBuckets: Int32Array;
  private readonly firstSlot: number;

  constructor(logGamma: number, minIndex: number, length: number) {
    this.length = length;
    const bucketOf = (v: number) => Math.min(length - 1, Math.max(0, Math.ceil(Math.log(v) / logGamma) - minIndex));
    const steps = new Float64Array(length + 1);
    steps[length] = Number.POSITIVE_INFINITY;
    for (let i = 1; i < length; i++) {
      // Bisect between a double below step i and one at or above it, down to adjacent doubles.
      let below = Math.exp((i + minIndex - 2) * logGamma);
      let above = Math.exp((i + minIndex + 1) * logGamma);
      while (bucketOf(below) >= i) below /= 2;
      while (bucketOf(above) < i) above *= 2;
      for (;;) {
        const middle = below + (above - below) / 2;
        if (middle === below || middle === above) break;
        if (bucketOf(middle) >= i) above = middle;
        else below = middle;
      }
      steps[i] = above;
    }
    this.steps = steps;
    // A slot spans a factor of at most 1 + 2^-SLOT_MANTISSA_BITS, less than γ, so it holds at most one step.
    if (!(Math.exp(logGamma) > 1 + 2 ** -SLOT_MANTISSA_BITS)) throw new Error('LogBuckets: buckets narrower than a slot');
    const firstSlot = slotOf(steps[1]);
    const lastSlot = slotOf(steps[length - 1]);
    const slotBuckets = new Int32Array(lastSlot - firstSlot + 1);
    let bucket = 0;
    for (let slot = firstSlot; slot <= lastSlot; slot++) {
      const least = slotStart(slot);
      while (bucket + 1 < length && steps[bucket + 1] <= least) bucket++;
      slotBuckets[slot - firstSlot] = bucket;
    }
    this.slotBuckets = slotBuckets;
    this.firstSlot = firstSlot;
  }

  /** The bucket of value > 0 (also of +Infinity: the last). */
  bucketOf(value: number): number {
    const slot = slotOf(value) - this.firstSlot;
    if (slot < 0) return 0;
    if (slot >= this.slotBuckets.length) return this.length - 1;
    const bucket = this.slotBuckets[slot];
    return bucket + +(value >= this.steps[bucket + 1]); // no branch: the comparison goes either way
  }
}

const SLOT_MANTISSA_BITS = 7;
/** The top 32 bits of a double are its sign, 11 exponent bits and 20 mantissa bits. */
const SLOT_SHIFT = 20 - SLOT_MANTISSA_BITS;
const scratch = new Float64Array(1);
const scratchWords = new Uint32Array(scratch.buffer);
/** Index of the word holding a double's top bits (1 on little-endian hosts). */
const HIGH_WORD = new Uint8Array(Float64Array.of(-0).buffer)[7] === 0x80 ? 1 : 0;

/** The slot of a positive double: its exponent and top mantissa bits. */
function slotOf(value: number): number {
  scratch[0] = value;
  return scratchWords[HIGH_WORD] >>> SLOT_SHIFT;
}

/** The least double in a slot. */
function slotStart(slot: number): number {
  scratchWords[HIGH_WORD] = slot << SLOT_SHIFT;
  scratchWords[1 - HIGH_WORD] = 0;
  return scratch[0];
}
