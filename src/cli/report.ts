import type { Command } from 'commander';
import { InputError } from '../errors.js';
import { readScenarioFile } from '../io/scenario-file.js';
import { checkWritable, writeFileAtomic } from '../io/files.js';
import { buildStatement } from '../report/build-statement.js';
import { renderHourlyCsv } from '../report/csv.js';
import { renderStatementHtml } from '../report/html.js';
import { renderStatementText } from '../report/terminal.js';
import { scenarioLedger } from '../scenario/ledger.js';
import type { CliIo } from './main.js';

interface ReportOptions {
  json?: boolean;
  csv?: string;
  html?: string;
}

export function registerReport(program: Command, io: CliIo): void {
  program
    .command('report')
    .description('price a scenario\'s fleet and traffic: cost, theoretical and realized revenue, margins, by hour')
    .argument('<scenario>', 'scenario file (YAML or JSON)')
    .option('--json', 'print the statement as one JSON object')
    .option('--csv <file>', 'write the hourly rows as CSV')
    .option('--html <file>', 'write a self-contained HTML report with charts')
    .action((scenarioPath: string, options: ReportOptions) => {
      for (const path of [options.csv, options.html]) if (path) checkWritable(path);
      const scenario = readScenarioFile(scenarioPath);
      // Checked here too to name the file; scenarioLedger's own guard serves library callers.
      if (!scenario.traffic) {
        throw new InputError('has no traffic to price: `report` prices given volumes; `tokenfleet simulate` makes them from the workload', scenarioPath);
      }
      const statement = buildStatement(scenario, scenarioLedger(scenario));
      // Render every output before writing any, so a failure leaves no partial set of files.
      const files: Array<[string, string]> = [];
      if (options.csv) files.push([options.csv, renderHourlyCsv(statement)]);
      if (options.html) files.push([options.html, renderStatementHtml(statement)]);
      for (const [path, text] of files) writeFileAtomic(path, text);
      io.stdout(options.json ? `${JSON.stringify(statement, null, 2)}\n` : renderStatementText(statement));
    });
}
