import type { Command } from 'commander';
import { readSimulationScenarioFile } from '../io/scenario-file.js';
import { workloadEnvironment } from '../io/workload-env.js';
import { formatNumber, formatPercent } from '../report/format.js';
import { workloadStats } from '../scenario/workload-stats.js';
import type { CliIo } from './main.js';
import { skippedRowsLine } from './skipped-rows.js';
import { bucketRange } from './window-flags.js';

export function registerWorkload(program: Command, io: CliIo): void {
  program
    .command('workload')
    .description('draw the scenario\'s workload without a fleet and measure it: lengths, prefix reuse, KV length per output token')
    .argument('<scenario>', 'scenario file with a simulation section')
    .option('--from <time>', 'start at this bucket boundary ("HH:MM" or ISO)')
    .option('--to <time>', 'stop at this bucket boundary (keep the span short: the unbounded cache grows with it)')
    .option('--json', 'print one JSON object')
    .action((scenarioPath: string, options: { from?: string; to?: string; json?: boolean }) => {
      const scenario = readSimulationScenarioFile(scenarioPath);
      const { fromBucket, toBucket } = bucketRange(scenario, options);
      const stats = workloadStats(scenario, workloadEnvironment(scenarioPath), fromBucket, toBucket);
      if (options.json) {
        io.stdout(`${JSON.stringify(stats, null, 2)}\n`);
        return;
      }
      const n = (value: number | null, decimals = 0) => (value === null ? '–' : formatNumber(value, decimals));
      const lines = [
        `requests                          ${n(stats.requests)}`,
        ...(stats.skippedTraceRows > 0 ? [`skipped                           ${skippedRowsLine(stats.skippedTraceRows, stats.firstSkippedTraceRow)}`] : []),
        `mean input / output tokens        ${n(stats.meanInputTokens)} / ${n(stats.meanOutputTokens)} (input/output ${n(stats.outputTokens ? stats.inputTokens / stats.outputTokens : null, 2)})`,
        `prefix reuse (unbounded cache)    ${stats.prefixReuseShare === null ? '–' : formatPercent(stats.prefixReuseShare)} of input tokens`,
        `mean KV length per output token   ${n(stats.meanKvLengthPerOutputToken)}`,
        `attention pairs per computed token ${n(stats.attentionPairsPerComputedToken)}`,
        ...Object.entries(stats.byStream).map(([stream, s]) => `  ${stream.padEnd(30)} ${n(s.requests).padStart(12)} requests, ${n(s.inputTokens / s.requests)} in, ${n(s.outputTokens / s.requests)} out`),
      ];
      io.stdout(`${lines.join('\n')}\n`);
    });
}
