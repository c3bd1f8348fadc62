/**
 * Seeded pseudo-random numbers: xoshiro128** (Blackman & Vigna, 2018) over 32-bit integers, seeded by
 * SplitMix32 (it lives in workload/, the lowest layer that draws numbers; sim/ imports it). One `Rng` per subsystem, each derived from the run's seed and a stream name, so adding
 * draws in one subsystem never shifts the numbers another one sees.
 */
export class Rng {
  /** xoshiro128** state s0..s3 (an Int32Array: plain int loads and stores on the hot path). */
  private readonly state = new Int32Array(4);
  /** A second normal from the Box–Muller pair, or NaN. */
  private spareNormal = Number.NaN;
  /** The first normal of the pair drawPair() just drew. */
  private pairNormal = 0;

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

  /** Standard normal by Box–Muller: every other call returns the spare of the pair the previous one drew. */
  normal(): number {
    // Small enough to inline at every call site; the pair itself is drawn out of line.
    const spare = this.spareNormal;
    if (spare === spare) {
      this.spareNormal = Number.NaN;
      return spare;
    }
    this.drawPair();
    return this.pairNormal;
  }

  /** Sets pairNormal and spareNormal from u = nextFloat() (again while 0) and v = nextFloat(). */
  private drawPair(): void {
    // The nextFloat() steps written out with the state in locals: one load and store of the state per
    // pair, and a function V8 keeps out of line, so the normal() inlined at each call site stays small.
    const s = this.state;
    let s0 = s[0];
    let s1 = s[1];
    let s2 = s[2];
    let s3 = s[3];
    let u = 0;
    let v = -1;
    while (v < 0) {
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
      s3 = rotl(s3, 11);
      const x = (hi * 67108864 + lo) / 9007199254740992;
      if (u === 0) u = x;
      else v = x;
    }
    s[0] = s0;
    s[1] = s1;
    s[2] = s2;
    s[3] = s3;
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    this.pairNormal = r * Math.cos(2 * Math.PI * v);
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
