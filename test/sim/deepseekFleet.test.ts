import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SchedulePlan } from '../../src/sim/config.js';
import { runFleet } from '../../src/sim/runFleet.js';
import { AffineStepTimeModel } from '../../src/sim/stepTime.js';
import { arraySource } from '../../src/workload/request.js';
import { repoRoot } from '../paths.js';
import { smallFleet } from './fixtures.js';

interface Reference {
  fleet: { averageNodes: number; dailyCostUsd: number; nodeCountSteps: { from: string; nodes: number }[] };
  hardware: { gpusPerNode: number; gpuHourUsd: number };
}

const reference = JSON.parse(readFileSync(resolve(repoRoot, '../shared/reference/deepseek-2025-02-27.json'), 'utf8')) as Reference;

/** Seconds after 12:00 (the window starts at noon and runs to noon). */
function secondsAfterNoon(clock: string): number {
  const [h, m] = clock.split(':').map(Number);
  return (((h - 12 + 24) % 24) * 3600 + m * 60) % 86400;
}

describe('the DeepSeek node schedule as units', () => {
  it('gives the published average nodes and cost when every 30-node step is 1 decode + 3 prefill units', () => {
    // 278 nodes = 9 decode units (18 nodes) + 29 prefill units (4 nodes); each 30-node step down removes
    // one decode unit and three prefill units (reference provenance, "inference (not published)").
    const steps = reference.fleet.nodeCountSteps.map((s) => ({ atSeconds: secondsAfterNoon(s.from), stepsDown: (278 - s.nodes) / 30 }));
    const prefill: SchedulePlan = { kind: 'schedule', steps: steps.map((s) => ({ atSeconds: s.atSeconds, units: 29 - 3 * s.stepsDown })) };
    const decode: SchedulePlan = { kind: 'schedule', steps: steps.map((s) => ({ atSeconds: s.atSeconds, units: 9 - s.stepsDown })) };
    const config = smallFleet({ endSeconds: 86400, bucketSeconds: 3600 });
    config.prefill = { ...config.prefill, nodesPerUnit: 4, gpusPerUnit: 32, plan: prefill };
    config.decode = { ...config.decode, nodesPerUnit: 18, gpusPerUnit: 144, plan: decode };
    const result = runFleet(config, arraySource([]), new AffineStepTimeModel({ prefillFixedSeconds: 1, decodeFixedSeconds: 1 }), { drain: false });
    const nodeSeconds = result.totals.nodeSeconds.prefill + result.totals.nodeSeconds.decode;
    expect(nodeSeconds / 86400).toBeCloseTo(reference.fleet.averageNodes, 9);
    const costUsd = (nodeSeconds / 3600) * reference.hardware.gpusPerNode * reference.hardware.gpuHourUsd;
    expect(costUsd).toBeCloseTo(reference.fleet.dailyCostUsd, 6);
    // Average nodes per pool: 95.5 prefill + 131.25 decode = 226.75. (The reference's provenance note
    // says 95.9 + 131.85, which sums to 227.75: a slip.) With these, the published per-node
    // throughputs come out exactly: 608e9 / (95.5 x 86400) = 73.7k, 168e9 / (131.25 x 86400) = 14.8k.
    const prefillNodes = result.totals.nodeSeconds.prefill / 86400;
    const decodeNodes = result.totals.nodeSeconds.decode / 86400;
    expect(prefillNodes).toBeCloseTo(95.5, 9);
    expect(decodeNodes).toBeCloseTo(131.25, 9);
    expect(608e9 / (prefillNodes * 86400)).toBeCloseTo(73_700, -2);
    expect(168e9 / (decodeNodes * 86400)).toBeCloseTo(14_800, -2);
    expect(result.buckets).toHaveLength(24);
  });
});
