/** A small synthetic scenario: 20 minutes, one 4-node prefill and one 4-node decode unit, conversations. */
export const SMALL_SYNTHETIC = `name: small synthetic
window: { start: 2025-01-01T00:00:00Z, end: 2025-01-01T00:20:00Z, bucket: 10m }
fleet:
  gpu: h800
  gpusPerNode: 8
  gpuCost: { usdPerGpuHour: 2 }
  pools:
    - { name: prefill, serves: input, nodesPerUnit: 4, steps: [{ from: "00:00", units: 1 }] }
    - { name: decode, serves: output, nodesPerUnit: 4, steps: [{ from: "00:00", units: 1 }] }
priceBooks:
  theoretical: { name: list, paidChannels: all, prices: { "*": { inputCacheHit: 0.14, inputCacheMiss: 0.55, output: 2.19 } } }
simulation:
  model: deepseek-v3
  workload:
    synthetic:
      requestsPerSecond: [2, 3]
      streams:
        - model: deepseek-v3
          channel: api
          weight: 1
          inputTokens: { lognormal: { mean: 2000, cv: 1 } }
          outputTokens: { lognormal: { mean: 300, cv: 1 } }
          conversation: { turns: { geometric: 3 }, systemPromptTokens: 1024, thinkSeconds: 30 }
  serving:
    prefill: { layout: { ep: 32 } }
    decode: { layout: { ep: 32 } }
    kvCache: { capacityTerabytes: 1, readGigabytesPerSecondPerGpu: 5 }
    kvTransfer: { gigabytesPerSecondPerGpu: 40 }
`;
