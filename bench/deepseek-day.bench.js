// The whole DeepSeek day, request by request, through the bundled scenario, as `tokenfleet simulate`
// runs it. Prints one JSON object (bench/run.js collects it). Set TOKENFLEET_BENCH_HOURS=N to replay
// only the first N hours (for a quick look); the target is the full 24. TOKENFLEET_BENCH_SINGLE_THREAD=1
// keeps the workload and the KV cache on the simulating thread (as --single-thread).
import { cpuUsage, memoryUsage, resourceUsage } from 'node:process';
import { fileURLToPath } from 'node:url';
import { readScenarioFile } from '../dist/io/scenario-file.js';
import { workloadEnvironment } from '../dist/io/workload-env.js';
import { workloadInWorkerThread } from '../dist/io/workload-thread.js';
import { simulate } from '../dist/scenario/simulate.js';
import { machinePaceMs } from './machine-pace.js';

const path = fileURLToPath(new URL('../scenarios/deepseek-v3-r1-2025-02-27.yaml', import.meta.url));
const scenario = readScenarioFile(path);
const hours = Number(process.env.TOKENFLEET_BENCH_HOURS ?? scenario.buckets.length);
const paceBeforeMs = machinePaceMs();
const cpuBefore = cpuUsage();
const startedMs = performance.now();
const singleThread = process.env.TOKENFLEET_BENCH_SINGLE_THREAD === '1';
const report = simulate(scenario, {
  env: workloadEnvironment(path),
  openWorkloadWithCacheHits: singleThread ? undefined : workloadInWorkerThread(path),
  toBucket: hours,
  nowMs: () => performance.now(),
});
const wallSeconds = (performance.now() - startedMs) / 1000;
const cpu = cpuUsage(cpuBefore);
const peakRssMiB = resourceUsage().maxRSS / 1024;
const paceAfterMs = machinePaceMs();
process.stdout.write(
  `${JSON.stringify({
    hours,
    threads: singleThread ? 1 : 3,
    requests: report.requests,
    events: report.events,
    wallSeconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    simulatedRequestsPerWallSecond: report.requests / wallSeconds,
    simulatedSecondsPerWallSecond: report.simulatedSeconds / wallSeconds,
    peakRssMiB,
    heapUsedMiB: memoryUsage().heapUsed / 2 ** 20,
    prefillTokensPerSecondPerNode: report.throughput.prefillTokensPerSecondPerNode,
    decodeTokensPerSecondPerNode: report.throughput.decodeTokensPerSecondPerNode,
    cacheHitShare: report.cacheHitShare,
    meanKvLengthPerOutputToken: report.meanKvLengthPerOutputToken,
    machinePaceMs: { before: paceBeforeMs, after: paceAfterMs },
  })}\n`,
);
