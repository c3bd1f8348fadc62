/**
 * Expert-load imbalance: the most-loaded GPU's share of routed rows over the mean GPU's. Every GPU
 * waits for the slowest in each MoE layer, so this factor scales the expert GEMMs and the receive side
 * of dispatch/combine.
 */
import type { ExpertImbalance } from './layout.js';

/**
 * Without EPLB experts sit round-robin (expert i on GPU i mod ep), redundant slots unused. With EPLB
 * (calib §1f: replicate hot experts, then pack) the redundant slots go one at a time to the expert with
 * the highest load per copy, and copies are packed largest-first onto the least-loaded GPU that still
 * has a free slot; a replicated expert's load splits evenly over its copies.
 */
export function expertImbalanceFactor(
  imbalance: ExpertImbalance,
  routedExperts: number,
  ep: number,
  redundantExperts: number,
): number {
  if (imbalance.kind === 'ideal') return slotImbalance(routedExperts + redundantExperts, ep);
  if (imbalance.kind === 'factor') return imbalance.maxOverMean;
  const loads = imbalance.expertLoads;
  const gpuLoads = new Float64Array(ep);
  if (!imbalance.eplb) {
    loads.forEach((load, expert) => {
      gpuLoads[expert % ep] += load;
    });
    return maxOverMean(gpuLoads);
  }
  const copies = new Int32Array(loads.length).fill(1);
  for (let r = 0; r < redundantExperts; r++) {
    let hottest = 0;
    for (let e = 1; e < loads.length; e++) {
      if (loads[e] / copies[e] > loads[hottest] / copies[hottest]) hottest = e;
    }
    copies[hottest] += 1;
  }
  const replicas: number[] = [];
  loads.forEach((load, expert) => {
    for (let c = 0; c < copies[expert]; c++) replicas.push(load / copies[expert]);
  });
  replicas.sort((a, b) => b - a);
  const slotsPerGpu = Math.ceil(replicas.length / ep);
  const used = new Int32Array(ep);
  for (const load of replicas) {
    let target = -1;
    for (let g = 0; g < ep; g++) {
      if (used[g] < slotsPerGpu && (target < 0 || gpuLoads[g] < gpuLoads[target])) target = g;
    }
    gpuLoads[target] += load;
    used[target] += 1;
  }
  return maxOverMean(gpuLoads);
}

/**
 * Even with equal expert loads, slots that do not divide over the GPUs leave some GPUs one expert more:
 * 256 experts on 144 GPUs put 2 on most (1.125x the mean rows); 288 slots (32 redundant) put 2 on each.
 */
export function slotImbalance(slots: number, ep: number): number {
  if (ep <= 1 || slots <= 0) return 1;
  return (Math.ceil(slots / ep) * ep) / slots;
}

function maxOverMean(values: Float64Array): number {
  let max = 0;
  let sum = 0;
  for (const value of values) {
    max = Math.max(max, value);
    sum += value;
  }
  return sum > 0 ? max / (sum / values.length) : 1;
}

/** Zipf-shaped expert loads (load of the i-th hottest expert proportional to 1/(i+1)^skew), hottest first. */
export function zipfExpertLoads(experts: number, skew: number): number[] {
  return Array.from({ length: experts }, (_, i) => 1 / (i + 1) ** skew);
}
