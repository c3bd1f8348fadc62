import type { FleetConfig } from '../../src/sim/config.js';

/** A small fleet: 1 prefill unit of 2 GPUs, 1 decode unit of 2 GPUs, no cache, instant KV transfer. */
export function smallFleet(overrides: Partial<FleetConfig> = {}): FleetConfig {
  return {
    startSeconds: 0,
    endSeconds: 3600,
    bucketSeconds: 600,
    kvBytesPerToken: 1000,
    api: { maxQueuedRequests: Number.POSITIVE_INFINITY },
    cache: null,
    prefill: {
      nodesPerUnit: 1,
      gpusPerUnit: 2,
      microBatches: 1,
      tokenBudgetPerGpu: 8192,
      balancer: 'deepseek',
      attentionEquivalentContextTokens: 8192,
      plan: { kind: 'schedule', steps: [{ atSeconds: 0, units: 1 }] },
    },
    kvTransfer: { bytesPerSecondPerGpu: 1e15, overlapped: false },
    decode: {
      nodesPerUnit: 1,
      gpusPerUnit: 2,
      microBatches: 1,
      maxSequencesPerGpu: 64,
      kvCapacityTokensPerGpu: 1e9,
      balancer: 'deepseek',
      maxStrideSteps: 1000,
      plan: { kind: 'schedule', steps: [{ atSeconds: 0, units: 1 }] },
    },
    ...overrides,
  };
}
