// A fixed single-thread yardstick of the machine's pace: the best of five runs of a cache-resident
// integer and float loop, in milliseconds. This virtual machine's speed drifts (the same simulation has
// cost up to 45% more CPU time an hour later, docs/performance.md); a bench prints this before and
// after its run, so a slow figure can be told from a slow spell. Seen here: 112-120 ms at the usual
// pace, 140-165 ms in slow spells.
export function machinePaceMs() {
  const table = new Float64Array(4096);
  let best = Number.POSITIVE_INFINITY;
  let sink = 0;
  for (let run = 0; run < 5; run++) {
    const startedMs = performance.now();
    let x = 123456789;
    for (let i = 0; i < 60_000_000; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      const j = x & 4095;
      table[j] = table[j] * 0.5 + (x >>> 8);
      sink += table[(j * 7) & 4095];
    }
    best = Math.min(best, performance.now() - startedMs);
  }
  if (sink === 42) console.error(''); // keeps the loop's work observable
  return Math.round(best);
}
