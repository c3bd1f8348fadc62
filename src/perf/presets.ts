/**
 * DeepSeek's published V3/R1 units (../shared/reference/deepseek-2025-02-27.json, "deployment"), as
 * layouts the step model takes: the simulator's and the scenario's starting point.
 */
import type { UnitLayoutInput } from './layout.js';

/** Prefill: 4 nodes, EP32, attention DP32, 32 redundant experts (9 routed per GPU), two micro-batches. */
export const DEEPSEEK_PREFILL_LAYOUT: Readonly<UnitLayoutInput> = {
  nodes: 4,
  tp: 1,
  ep: 32,
  redundantExperts: 32,
  overlap: 'two-micro-batch',
};

/** Decode: 18 nodes, EP144, attention DP144, 32 redundant experts (2 routed per GPU), five-stage pipeline. */
export const DEEPSEEK_DECODE_LAYOUT: Readonly<UnitLayoutInput> = {
  nodes: 18,
  tp: 1,
  ep: 144,
  redundantExperts: 32,
  overlap: 'decode-pipeline',
};
