/**
 * Seeded pseudo-random numbers: xoshiro128** (Blackman & Vigna, 2018) over 32-bit integers, seeded by
 * SplitMix32 (it lives in workload/, the lowest layer that draws numbers; sim/ imports it). One `Rng` per subsystem, each derived from the run's seed and a stream name, so adding
 * draws in one subsystem never shifts the numbers another one sees.
 */
export class Rng {
  /** xoshiro128** state s0..s3 (an Int32Array: plain int loads and stores on the hot path). */
  private readonly state = new Int32Array(4);

  constructor(seed: number, stream = '') {
    let x = (hashString(stream) ^ Math.imul(seed >>> 0, 0x9e3779b9) ^ Math.floor(seed / 4294967296)) >>> 0;
    const next = (): number => {
      // SplitMix32 (a 32-bit variant of Steele et al.'s SplitMix64).
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    const s = this.state;
    s[0] = next();
    s[1] = next();
    s[2] = next();
    s[3] = next();
    if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1;
  }

  /** An independent stream for a named subsystem, derived from this generator's next draws. */
  fork(stream: string): Rng {
    return new Rng(this.nextUint32() + this.nextUint32() * 4294967296, stream);
  }

  nextUint32(): number {
    const s = this.state;
    const s0 = s[0];
    const s1 = s[1];
    const s2 = s[2] ^ s0;
    const s3 = s[3] ^ s1;
    s[0] = s0 ^ s3;
    s[1] = s1 ^ s2;
    s[2] = s2 ^ (s1 << 9);
    s[3] = rotl(s3, 11);
    return Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
  }

  /** Uniform in [0, 1) with 53 random bits: the top 27 of one draw and the top 26 of the next. */
  nextFloat(): number {
    // Two nextUint32() steps with the state in locals.
    const s = this.state;
    let s0 = s[0];
    let s1 = s[1];
    let s2 = s[2];
    let s3 = s[3];
    const hi = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 5;
    let t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    const lo = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 6;
    t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s[0] = s0;
    s[1] = s1;
    s[2] = s2;
    s[3] = rotl(s3, 11);
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [0, n). */
  nextInt(n: number): number {
    return Math.floor(this.nextFloat() * n);
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.nextFloat());
  }

  /**
   * Standard normal by the ziggurat method (Marsaglia & Tsang, "The Ziggurat Method for Generating
   * Random Variables", 2000; 128 layers), drawing the layer and the uniform from separate bits as
   * Doornik advises ("An Improved Ziggurat Method to Generate Normal Random Samples", 2005). Two 32-bit
   * draws give the layer (7 bits) and a uniform on [-1, 1) of 53 bits; 99% of the time that is the
   * answer, with no logarithm or sine (Box–Muller's: the generation thread's work over the busy hour
   * went ~7% down, scripts/workload-draw.mjs).
   */
  normal(): number {
    for (;;) {
      // Two nextUint32() steps with the state in locals, as in nextFloat().
      const s = this.state;
      let s0 = s[0];
      let s1 = s[1];
      let s2 = s[2];
      let s3 = s[3];
      const a = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
      let t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl(s3, 11);
      const b = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 4;
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s[0] = s0;
      s[1] = s1;
      s[2] = s2;
      s[3] = rotl(s3, 11);
      const layer = a & 127;
      // The top 25 bits of a and 28 of b: a uniform on [0, 2^53), scaled to [-1, 1).
      const u = ((a >>> 7) * 268435456 + b) / 4503599627370496 - 1;
      if (Math.abs(u) < ZIGGURAT_CORE[layer]) return u * ZIGGURAT_X[layer];
      const x = this.normalBeyondCore(layer, u);
      if (x === x) return x; // NaN: rejected, draw again
    }
  }

  /** The ziggurat's rare cases: the tail beyond R (layer 0), or a layer's wedge; NaN if rejected. */
  private normalBeyondCore(layer: number, u: number): number {
    if (layer === 0) {
      // Marsaglia's tail method: x > R with density ∝ exp(-x²/2), as Doornik writes it.
      let x: number;
      let y: number;
      do {
        x = Math.log(1 - this.nextFloat()) / ZIGGURAT_R;
        y = Math.log(1 - this.nextFloat());
      } while (-2 * y < x * x);
      return u < 0 ? x - ZIGGURAT_R : ZIGGURAT_R - x;
    }
    const x = u * ZIGGURAT_X[layer];
    const outer = ZIGGURAT_X[layer];
    const inner = ZIGGURAT_X[layer + 1];
    const f0 = Math.exp(-0.5 * (outer * outer - x * x));
    const f1 = Math.exp(-0.5 * (inner * inner - x * x));
    return f1 + this.nextFloat() * (f0 - f1) < 1 ? x : Number.NaN;
  }

  /** Gamma(shape, scale = 1) by Marsaglia & Tsang (2000); shape < 1 through the boost u^(1/shape). */
  gamma(shape: number): number {
    if (shape < 1) {
      const u = 1 - this.nextFloat();
      return this.gamma(shape + 1) * Math.pow(u, 1 / shape);
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.nextFloat();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }
}

// The ziggurat of the standard normal: 128 layers of equal area V, the base one ending at R
// (Marsaglia & Tsang 2000, Table 1 for 128 layers: R = 3.442619855899, V = 9.91256303526217e-3).
const ZIGGURAT_R = 3.442619855899;
const ZIGGURAT_V = 9.91256303526217e-3;
/** Layer i spans [0, X[i]) across; X[0] = V / f(R) (the base with its tail folded in), X[1] = R, X[128] = 0. */
const ZIGGURAT_X = new Float64Array(129);
/** X[i + 1] / X[i]: a uniform on (-1, 1) below it in magnitude lands under the curve for sure. */
const ZIGGURAT_CORE = new Float64Array(128);
{
  let f = Math.exp(-0.5 * ZIGGURAT_R * ZIGGURAT_R);
  ZIGGURAT_X[0] = ZIGGURAT_V / f;
  ZIGGURAT_X[1] = ZIGGURAT_R;
  for (let i = 2; i < 128; i++) {
    ZIGGURAT_X[i] = Math.sqrt(-2 * Math.log(ZIGGURAT_V / ZIGGURAT_X[i - 1] + f));
    f = Math.exp(-0.5 * ZIGGURAT_X[i] * ZIGGURAT_X[i]);
  }
  ZIGGURAT_X[128] = 0;
  for (let i = 0; i < 128; i++) ZIGGURAT_CORE[i] = ZIGGURAT_X[i + 1] / ZIGGURAT_X[i];
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** FNV-1a over UTF-16 code units: stable stream ids from names. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
