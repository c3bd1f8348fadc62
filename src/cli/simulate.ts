import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { InputError } from '../errors.js';
import { checkWritable, writeFileAtomic } from '../io/files.js';
import { readSimulationScenarioFile } from '../io/scenario-file.js';
import { workloadEnvironment } from '../io/workload-env.js';
import { workloadInWorkerThread } from '../io/workload-thread.js';
import { formatNumber, formatPercent } from '../report/format.js';
import { renderSimulationHtml } from '../report/simulation-html.js';
import { simulate, type SimulationReport } from '../scenario/simulate.js';
import type { CliIo } from './main.js';
import { skippedRowsLine } from './skipped-rows.js';
import { bucketRange } from './window-flags.js';

interface SimulateCliOptions {
  from?: string;
  to?: string;
  seed?: string;
  json?: boolean;
  html?: string;
  progress?: boolean;
  singleThread?: boolean;
}

export function registerSimulate(program: Command, io: CliIo): void {
  program
    .command('simulate')
    .description('replay the scenario\'s workload request by request through the fleet twin, then price what it served')
    .argument('<scenario>', 'scenario file with a simulation section')
    .option('--from <time>', 'start at this bucket boundary ("HH:MM" in the window\'s zone, or ISO)')
    .option('--to <time>', 'stop at this bucket boundary')
    .option('--seed <n>', 'random seed (overrides the scenario\'s)')
    .option('--json', 'print one JSON object')
    .option('--html <file>', 'write a self-contained HTML report')
    .option('--no-progress', 'no progress bar on the terminal')
    .option('--single-thread', 'generate the workload and look up the KV cache on the simulating thread (same results, slower)')
    .action((scenarioPath: string, options: SimulateCliOptions) => {
      const seed = options.seed === undefined ? undefined : parseSeed(options.seed);
      if (options.html) checkWritable(options.html);
      const scenario = readSimulationScenarioFile(scenarioPath);
      const { fromBucket, toBucket } = bucketRange(scenario, options);
      const bar = options.progress !== false && process.stderr.isTTY ? progressBar((toBucket - fromBucket) * (scenario.window.bucketMs / 1000)) : null;
      const startedMs = Date.now();
      let report: SimulationReport;
      try {
        report = simulate(scenario, {
          seed,
          fromBucket,
          toBucket,
          env: workloadEnvironment(scenarioPath),
          openWorkloadWithCacheHits: options.singleThread ? undefined : workloadInWorkerThread(scenarioPath),
          nowMs: () => Date.now(),
          onProgress: bar
            ? (p) => {
                const wall = (Date.now() - startedMs) / 1000;
                bar.update(p.simulatedSeconds - fromBucket * (scenario.window.bucketMs / 1000), {
                  requests: p.arrived.toLocaleString('en-US'),
                  speed: wall > 0 ? Math.round((p.simulatedSeconds - fromBucket * (scenario.window.bucketMs / 1000)) / wall).toLocaleString('en-US') : '–',
                });
              }
            : undefined,
        });
      } finally {
        bar?.stop();
      }
      if (options.html) writeFileAtomic(options.html, renderSimulationHtml(report));
      const { fleet: _fleet, statement: _statement, ...printable } = report;
      if (options.json) {
        io.stdout(`${JSON.stringify(printable, null, 2)}\n`);
        const stalled = inFlightWarning(report);
        if (stalled) io.stderr(`tokenfleet: warning: ${stalled}\n`);
      } else {
        io.stdout(simulationSummary(report));
      }
    });
}

/** --seed: a whole number the generators take exactly (a safe integer). */
function parseSeed(text: string): number {
  const seed = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(seed)) {
    throw new InputError(`expected a whole number from 0 to ${Number.MAX_SAFE_INTEGER}, got "${text}"`, '--seed');
  }
  return seed;
}

function progressBar(totalSeconds: number): SingleBar {
  const bar = new SingleBar({
    format: 'simulating {bar} {percentage}% | {value}/{total} s simulated | {requests} requests | {speed}x real time',
    stream: process.stderr,
    hideCursor: true,
    clearOnComplete: true,
  });
  bar.start(Math.round(totalSeconds), 0, { requests: '0', speed: '–' });
  return bar;
}

/** Requests the run left unfinished when its events ran out (it drains past the window): a stalled fleet. */
function inFlightWarning(report: SimulationReport): string | undefined {
  const inFlight = report.fleet.requests.inFlightAtEnd;
  if (inFlight === 0) return undefined;
  return `${formatNumber(inFlight, 0)} request${inFlight === 1 ? ' was' : 's were'} still in flight when the run ended: the fleet stalled and never finished ${inFlight === 1 ? 'it' : 'them'}`;
}

/** The text `simulate` prints. */
export function simulationSummary(report: SimulationReport): string {
  const t = report.totals;
  const pct = (x: number | null) => (x === null ? '–' : formatPercent(x));
  const ms = (x: number | null) => (x === null ? '–' : `${formatNumber(x * 1000, 0)} ms`);
  const s = (x: number | null) => (x === null ? '–' : `${formatNumber(x, 1)} s`);
  const n = (x: number | null) => (x === null ? '–' : formatNumber(x, 0));
  const stalled = inFlightWarning(report);
  const tooLong = report.fleet.requests.rejectedTooLongForDecode;
  return [
    report.scenario,
    `requests   ${n(report.requests)} (${n(report.completed)} completed, ${n(report.rejected)} rejected${tooLong > 0 ? `, ${n(tooLong)} of them too long for one decode GPU's KV` : ''}) in ${report.wallSeconds.toFixed(1)} s wall, ${n(report.events)} events`,
    ...(stalled ? [`warning    ${stalled}`] : []),
    ...(report.skippedTraceRows > 0 ? [`skipped    ${skippedRowsLine(report.skippedTraceRows, report.firstSkippedTraceRow)}`] : []),
    `prefill    ${n(report.throughput.prefillTokensPerSecondPerNode)} input tokens/s per node`,
    `decode     ${n(report.throughput.decodeTokensPerSecondPerNode)} output tokens/s per node, ${report.throughput.decodeTokensPerSecondPerUser?.toFixed(1) ?? '–'} tokens/s per user (median)`,
    `TTFT       p50 ${ms(report.latency.ttftSeconds.p50)}, p90 ${ms(report.latency.ttftSeconds.p90)}, p99 ${ms(report.latency.ttftSeconds.p99)}`,
    `TPOT       p50 ${ms(report.latency.tpotSeconds.p50)}, p90 ${ms(report.latency.tpotSeconds.p90)}, p99 ${ms(report.latency.tpotSeconds.p99)}`,
    `e2e        p50 ${s(report.latency.e2eSeconds.p50)}, p90 ${s(report.latency.e2eSeconds.p90)}, p99 ${s(report.latency.e2eSeconds.p99)}`,
    `KV cache   ${pct(report.cacheHitShare)} of input tokens hit; mean KV length per output token ${n(report.meanKvLengthPerOutputToken)}`,
    `money      cost $${n(t.costUsd)}, theoretical revenue $${n(t.theoreticalRevenueUsd)}, cost-profit margin ${pct(t.costProfitMargin)}` +
      (t.realizedRevenueUsd === null ? '' : `; realized $${n(t.realizedRevenueUsd)} (${pct(t.realizedCostProfitMargin)})`),
    '',
  ].join('\n');
}
