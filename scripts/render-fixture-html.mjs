// Writes the HTML report of the DeepSeek fixture to a file, for looking at it in a browser:
//   node scripts/render-fixture-html.mjs [out.html] [--realized]
// Loads the TypeScript sources through vite's module runner (no build step, no extra dependency).
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runnerImport } from 'vite';

const args = process.argv.slice(2);
const outPath = args.find((arg) => !arg.startsWith('--')) ?? path.join(tmpdir(), 'tokenfleet-statement-fixture.html');
const { module: fixture } = await runnerImport('./test/report/fixture.ts');
const { module: html } = await runnerImport('./src/report/html.ts');
const statement = fixture.statementFromReference({ realized: args.includes('--realized') });
writeFileSync(outPath, html.renderStatementHtml(statement, { generatedBy: 'tokenfleet fixture (test/report/fixture.ts)' }));
process.stderr.write(`wrote ${outPath}\n`);
