// Fleet-simulator bench: DeepSeek's day (reference/deepseek-2025-02-27.json) request by request — its
// node schedule split into units (each 30-node step = 1 decode unit of 18 nodes / 144 GPUs + 3 prefill
// units of 4 nodes / 32 GPUs), and a synthetic conversational workload whose hourly rate follows the
// published hourly income, about 10^8 requests over 24 h. Prints one JSON object. SIM_BENCH_HOURS
// (default 1) simulates the first hours from 12:00; 24 is the whole day. Run after `npm run build`.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import {
  AffineStepTimeModel,
  RateProfile,
  Rng,
  SyntheticSource,
  geometricCount,
  independentLengths,
  lognormalTokens,
  runFleet,
} from '../dist/index.js';

const hours = Number(process.env.SIM_BENCH_HOURS ?? 1);
const seconds = hours * 3600;
const here = dirname(fileURLToPath(import.meta.url));
const reference = JSON.parse(readFileSync(resolve(here, '../../shared/reference/deepseek-2025-02-27.json'), 'utf8'));
// 608e9 input tokens at about 6,100 per request is ~10^8 requests a day, ~1,160 per second on average;
// the hourly shape follows the published hourly theoretical income. SIM_BENCH_RPS overrides the mean.
const meanRequestsPerSecond = Number(process.env.SIM_BENCH_RPS ?? 1160);
const income = reference.hourly.theoreticalIncomeUsd;
const meanIncome = income.reduce((a, b) => a + b, 0) / income.length;
const hourlyRates = income.map((usd) => (meanRequestsPerSecond * usd) / meanIncome);
// Node steps from 12:00: 278 nodes = 9 decode + 29 prefill units; each 30 nodes fewer is one decode
// and three prefill units fewer.
const unitSteps = reference.fleet.nodeCountSteps.map((step) => {
  const [h, m] = step.from.split(':').map(Number);
  const down = (278 - step.nodes) / 30;
  return { atSeconds: (((h - 12 + 24) % 24) * 3600 + m * 60) % 86400, decode: 9 - down, prefill: 29 - 3 * down };
});

const conversation = {
  turns: geometricCount(2),
  systemPromptTokens: 1024,
  systemPromptVariants: 16,
  thinkSeconds: lognormalTokens(120, 1, 5, 3600),
  maxContextTokens: 65536,
};
const lengths = independentLengths(lognormalTokens(2000, 1.5, 1, 32768), lognormalTokens(1500, 1, 1, 16384));
const source = new SyntheticSource(
  {
    profile: RateProfile.uniform(0, 3600, hourlyRates.slice(0, Math.ceil(hours))),
    interArrivalCv: 1,
    blockTokens: 512,
    streams: [
      { model: 'deepseek-r1', channel: 'api', weight: 1, lengths, conversation },
      { model: 'deepseek-v3', channel: 'web', weight: 2, lengths, conversation },
    ],
  },
  new Rng(42, 'workload'),
);

const kvBytesPerToken = 70272; // MLA: (512 + 64) values x 61 layers x 2 bytes (DeepSeek-V3 report)
const config = {
  startSeconds: 0,
  endSeconds: seconds,
  bucketSeconds: 3600,
  kvBytesPerToken,
  api: { maxQueuedRequests: Infinity },
  cache: process.env.SIM_BENCH_NO_CACHE ? null : { capacityBytes: 100e12, readBytesPerSecondPerGpu: 5e9, overlapLoad: true },
  prefill: {
    nodesPerUnit: 4,
    gpusPerUnit: 32,
    microBatches: 2,
    tokenBudgetPerGpu: 16384,
    balancer: 'deepseek',
    attentionEquivalentContextTokens: 8192,
    plan: { kind: 'schedule', steps: unitSteps.map((u) => ({ atSeconds: u.atSeconds, units: u.prefill })) },
  },
  kvTransfer: { bytesPerSecondPerGpu: 50e9, overlapped: true },
  decode: {
    nodesPerUnit: 18,
    gpusPerUnit: 144,
    microBatches: 2,
    maxSequencesPerGpu: 256,
    // ~60 GB of an H800's 80 GB left for KV after the decode unit's share of weights, at 70 KB a token.
    kvCapacityTokensPerGpu: 850000,
    // DeepSeek-V3 report: the second MTP token is accepted 85-90% of the time, ~1.8x decode speed.
    tokensPerStep: 1.8,
    balancer: 'deepseek',
    maxStrideSteps: 64,
    plan: { kind: 'schedule', steps: unitSteps.map((u) => ({ atSeconds: u.atSeconds, units: u.decode })) },
  },
};
const model = new AffineStepTimeModel({
  prefillFixedSeconds: 0.02,
  prefillSecondsPerNewToken: 1 / 20000,
  prefillSecondsPerAttentionPair: 1e-11,
  decodeFixedSeconds: 0.03,
  decodeSecondsPerSequence: 0.0002,
  decodeSecondsPerKvToken: 1e-8,
});

let peakRss = process.memoryUsage().rss;
const cpuStarted = process.cpuUsage();
const started = performance.now();
const result = runFleet(config, source, model, {
  progressEveryEvents: 1 << 16,
  onProgress: () => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  },
});
const wallSeconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuStarted);
// On a shared machine wall time varies with other load; CPU time of this process varies less.
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
peakRss = Math.max(peakRss, process.memoryUsage().rss);
const simulatedSeconds = result.window.finishSeconds - result.window.startSeconds;
process.stdout.write(
  `${JSON.stringify({
    simulatedHours: hours,
    requests: result.requests.arrived,
    events: result.engine.events,
    wallSeconds,
    cpuSeconds,
    simulatedRequestsPerWallSecond: result.requests.arrived / wallSeconds,
    simulatedSecondsPerWallSecond: simulatedSeconds / wallSeconds,
    peakRssMiB: peakRss / 2 ** 20,
    peakInFlight: result.requests.peakInFlight,
    // The DeepSeek day is about 10^8 requests; this run's rate extrapolated to it.
    fullDayWallSecondsEstimate: (1e8 / result.requests.arrived) * wallSeconds,
    fullDayCpuSecondsEstimate: (1e8 / result.requests.arrived) * cpuSeconds,
    checks: {
      nodeHours: {
        prefill: result.totals.nodeSeconds.prefill / 3600,
        decode: result.totals.nodeSeconds.decode / 3600,
      },
      completed: result.requests.completed,
      meanInputTokens: result.totals.inputTokens / result.requests.completed,
      meanOutputTokens: result.totals.outputTokens / result.requests.completed,
      cacheHitShare: result.totals.cacheHitShare,
      meanKvLengthPerOutputToken: result.totals.meanKvLengthPerOutputToken,
      ttftP50Seconds: result.latency.ttftSeconds.p50,
      ttftP99Seconds: result.latency.ttftSeconds.p99,
      tpotP50Seconds: result.latency.tpotSeconds.p50,
      tpotP99Seconds: result.latency.tpotSeconds.p99,
      hourly: result.buckets.map((b) => ({
        inFlightMax: b.queues.inFlightMax,
        decodeWaitingMax: b.queues.decodeWaitingMax,
        prefillQueueMax: b.queues.prefillMax,
        decodeSequencesPerGpu: b.meanDecodeSequencesPerGpu,
        tpotP50Seconds: b.tpotSeconds.p50,
        ttftP50Seconds: b.ttftSeconds.p50,
      })),
      busyShare: result.buckets[0]?.busyShare,
      meanDecodeSequencesPerGpu: result.buckets[0]?.meanDecodeSequencesPerGpu,
      queues: result.buckets[0]?.queues,
      prefillInputTokensPerSecondPerNode: result.buckets[0]?.prefillInputTokensPerSecondPerNode,
      decodeOutputTokensPerSecondPerNode: result.buckets[0]?.decodeOutputTokensPerSecondPerNode,
    },
  })}\n`,
);
