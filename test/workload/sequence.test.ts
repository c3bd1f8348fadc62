import { describe, expect, it } from 'vitest';
import {
  empiricalLengthPairs,
  empiricalTokens,
  exponentialSeconds,
  fixedTokens,
  geometricCount,
  independentLengths,
  lognormalSeconds,
  lognormalTokens,
  uniformTokens,
} from '../../src/workload/lengths.js';
import { RateProfile } from '../../src/workload/profile.js';
import { newRequestRecord } from '../../src/workload/request.js';
import { Rng } from '../../src/workload/rng.js';
import { SyntheticSource } from '../../src/workload/synthetic.js';

// Pins the exact numbers: speed work on the workload must not change a single draw.

/** The generator written plainly: xoshiro128** over object fields, and the ziggurat normal from its paper. */
class ReferenceRng {
  private s: number[];
  private static readonly R = 3.442619855899;
  private static readonly V = 9.91256303526217e-3;
  private static readonly X = ((): number[] => {
    const x = [0, ReferenceRng.R];
    const f = (v: number) => Math.exp(-0.5 * v * v);
    x[0] = ReferenceRng.V / f(ReferenceRng.R);
    for (let i = 2; i < 128; i++) x[i] = Math.sqrt(-2 * Math.log(ReferenceRng.V / x[i - 1] + f(x[i - 1])));
    x[128] = 0;
    return x;
  })();
  constructor(seed: number, stream: string) {
    let h = 0x811c9dc5;
    for (let i = 0; i < stream.length; i++) h = Math.imul(h ^ stream.charCodeAt(i), 0x01000193);
    let x = ((h >>> 0) ^ Math.imul(seed >>> 0, 0x9e3779b9) ^ Math.floor(seed / 4294967296)) >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s = [next(), next(), next(), next()];
  }
  nextUint32(): number {
    const [s0, s1, s2, s3] = this.s;
    const rotl = (v: number, k: number) => (v << k) | (v >>> (32 - k));
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    this.s = [s0 ^ n3, s1 ^ n2, n2 ^ (s1 << 9), rotl(n3, 11)];
    return result;
  }
  nextFloat(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }
  normal(): number {
    const { R, X } = ReferenceRng;
    for (;;) {
      const a = this.nextUint32();
      const b = this.nextUint32();
      const layer = a % 128;
      const u = (2 * (Math.floor(a / 128) * 2 ** 28 + Math.floor(b / 16))) / 2 ** 53 - 1;
      if (Math.abs(u) < X[layer + 1] / X[layer]) return u * X[layer];
      if (layer === 0) {
        let x: number;
        let y: number;
        do {
          x = Math.log(1 - this.nextFloat()) / R;
          y = Math.log(1 - this.nextFloat());
        } while (-2 * y < x * x);
        return u < 0 ? x - R : R - x;
      }
      const x = u * X[layer];
      const f0 = Math.exp(-0.5 * (X[layer] ** 2 - x * x));
      const f1 = Math.exp(-0.5 * (X[layer + 1] ** 2 - x * x));
      if (f1 + this.nextFloat() * (f0 - f1) < 1) return x;
    }
  }
}

describe('exact sequences', () => {
  it('Rng draws what the reference xoshiro128** and ziggurat draw', () => {
    for (const [seed, stream] of [
      [1, 'a'],
      [2 ** 40 + 3, 'workload'],
    ] as const) {
      const rng = new Rng(seed, stream);
      const reference = new ReferenceRng(seed, stream);
      for (let i = 0; i < 200_000; i++) {
        const kind = i % 5;
        if (kind === 0) expect(rng.nextUint32()).toBe(reference.nextUint32());
        else if (kind === 1) expect(rng.nextFloat()).toBe(reference.nextFloat());
        else expect(rng.normal()).toBe(reference.normal());
      }
    }
  });

  it('a synthetic mix of every distribution kind gives the same requests as before', () => {
    const source = new SyntheticSource(
      {
        profile: new RateProfile(
          [
            { atSeconds: 0, ratePerSecond: 40 },
            { atSeconds: 300, ratePerSecond: 0 },
            { atSeconds: 400, ratePerSecond: 120 },
          ],
          900,
        ),
        interArrivalCv: 2,
        blockTokens: 64,
        streams: [
          {
            model: 'r1',
            channel: 'web',
            weight: 2,
            lengths: independentLengths(lognormalTokens(600, 1), lognormalTokens(900, 1.2, 1, 4096)),
            conversation: { turns: geometricCount(3), systemPromptTokens: 500, systemPromptVariants: 3, thinkSeconds: lognormalTokens(60, 1), maxContextTokens: 6000 },
          },
          {
            model: 'v3',
            channel: 'api',
            weight: 1,
            lengths: independentLengths(uniformTokens(100, 3000), fixedTokens(20)),
            conversation: { turns: uniformTokens(1, 6), systemPromptTokens: 2000, systemPromptVariants: 50, thinkSeconds: lognormalSeconds(20, 0.5), maxContextTokens: 9000 },
          },
          {
            model: 'v3',
            channel: 'app',
            weight: 1,
            lengths: empiricalLengthPairs([10, 700, 5000], [3, 400, 90]),
            conversation: { turns: fixedTokens(4), systemPromptTokens: 0, systemPromptVariants: 1, thinkSeconds: exponentialSeconds(5), maxContextTokens: 100000 },
          },
          { model: 'r1', channel: 'api', weight: 0.5, lengths: independentLengths(empiricalTokens([1, 2000, 70]), lognormalTokens(300, 0)) },
          { model: 'x', channel: 'api', weight: 0, lengths: independentLengths(fixedTokens(1), fixedTokens(1)) },
        ],
      },
      new Rng(77, 'golden'),
    );
    // FNV-1a over the float64 bits of every field of every request.
    const bits = new Float64Array(1);
    const words = new Uint32Array(bits.buffer);
    let hash = 0x811c9dc5;
    const mix = (x: number): void => {
      bits[0] = x;
      hash = Math.imul(hash ^ words[0], 0x01000193);
      hash = Math.imul(hash ^ words[1], 0x01000193);
    };
    const r = newRequestRecord();
    let requests = 0;
    let blocks = 0;
    while (source.next(r)) {
      requests++;
      blocks += r.blockCount;
      for (const x of [r.arrivalSeconds, r.modelIndex, r.channelIndex, r.inputTokens, r.outputTokens, r.sessionId, r.blockTokens, r.blockCount]) mix(x);
      for (let i = 0; i < r.blockCount; i++) mix(r.blockIds[i]);
    }
    // Recorded from the implementation before the speed work (commit f887262).
    expect([requests, blocks, (hash >>> 0).toString(16)]).toEqual([58640, 3078676, '391d15f4']);
  });
});
