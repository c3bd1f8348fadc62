/** A pool's node count as a step function: each step holds from `atMs` until the next one. */
export interface NodeStepMs {
  atMs: number;
  nodes: number;
}

export interface BucketNodeUsage {
  nodeMsByPool: number[];
  peakNodesByPool: number[];
  peakNodes: number;
}

/**
 * Node-milliseconds and peaks per bucket from each pool's step function. Steps must be in time order
 * and the first must be at or before the first bucket's start (validated where they are read).
 */
export function nodeUsageFromSteps(
  stepsByPool: readonly (readonly NodeStepMs[])[],
  buckets: readonly { startMs: number; endMs: number }[],
): BucketNodeUsage[] {
  const changeTimes = [...new Set(stepsByPool.flatMap((steps) => steps.map((step) => step.atMs)))].sort((a, b) => a - b);
  return buckets.map(({ startMs, endMs }) => {
    const nodeMsByPool = stepsByPool.map((steps) => nodeMsWithin(steps, startMs, endMs));
    const peakNodesByPool = stepsByPool.map((steps) => peakWithin(steps, startMs, endMs));
    let peakNodes = 0;
    for (const atMs of [startMs, ...changeTimes.filter((t) => t > startMs && t < endMs)]) {
      let nodes = 0;
      for (const steps of stepsByPool) nodes += nodesAt(steps, atMs);
      peakNodes = Math.max(peakNodes, nodes);
    }
    return { nodeMsByPool, peakNodesByPool, peakNodes };
  });
}

export function nodesAt(steps: readonly NodeStepMs[], atMs: number): number {
  let nodes = 0;
  for (const step of steps) {
    if (step.atMs > atMs) break;
    nodes = step.nodes;
  }
  return nodes;
}

export function nodeMsWithin(steps: readonly NodeStepMs[], startMs: number, endMs: number): number {
  let total = 0;
  for (let i = 0; i < steps.length; i++) {
    const from = Math.max(steps[i].atMs, startMs);
    const to = Math.min(i + 1 < steps.length ? steps[i + 1].atMs : Infinity, endMs);
    if (to > from) total += steps[i].nodes * (to - from);
  }
  return total;
}

export function peakWithin(steps: readonly NodeStepMs[], startMs: number, endMs: number): number {
  let peak = nodesAt(steps, startMs);
  for (const step of steps) if (step.atMs > startMs && step.atMs < endMs) peak = Math.max(peak, step.nodes);
  return peak;
}
