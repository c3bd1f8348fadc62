#!/usr/bin/env node
// The machine's memory latency by working-set size: a pointer chase (each load's address is the
// previous load's value, one 64-byte line per step, in one random cycle) over 0.5 to 64 MiB, best of
// three runs of 3 million loads, in nanoseconds per load. Where the figure jumps is where a working set
// stops fitting the caches the simulator's threads share (docs/performance.md).
//
//   node scripts/memory-latency.mjs
const INTS_PER_LINE = 16; // 64-byte lines of int32
const LOADS = 3_000_000;

let seed = 7;
function random() {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 4294967296;
}

for (const mebibytes of [0.5, 1, 2, 4, 8, 16, 32, 64]) {
  const next = new Int32Array((mebibytes * 1024 * 1024) / 4);
  const lines = next.length / INTS_PER_LINE;
  const order = Int32Array.from({ length: lines }, (_, i) => i);
  for (let i = lines - 1; i > 0; i--) {
    const j = Math.floor(random() * i);
    [order[i], order[j]] = [order[j], order[i]];
  }
  for (let i = 0; i < lines; i++) next[order[i] * INTS_PER_LINE] = order[(i + 1) % lines] * INTS_PER_LINE;
  let best = Number.POSITIVE_INFINITY;
  let at = 0;
  for (let run = 0; run < 3; run++) {
    const startedMs = performance.now();
    for (let k = 0; k < LOADS; k++) at = next[at];
    best = Math.min(best, ((performance.now() - startedMs) * 1e6) / LOADS);
  }
  if (at < 0) console.error(''); // keeps the chase's loads observable
  console.log(JSON.stringify({ mebibytes, nanosecondsPerLoad: Number(best.toFixed(1)) }));
}
