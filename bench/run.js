#!/usr/bin/env node
// Runs every bench/*.bench.js in its own process (so each gets its own peak RSS) and prints one JSON
// object: { "<name>": { ...figures the bench printed as JSON... , "peakRssMiB": n } }.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const results = {};
for (const file of readdirSync(here).filter((f) => f.endsWith('.bench.js')).sort()) {
  const name = file.replace(/\.bench\.js$/, '');
  if (only.length > 0 && !only.includes(name)) continue;
  const stdout = execFileSync(process.execPath, ['--max-old-space-size=4096', join(here, file)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  results[name] = JSON.parse(stdout);
}
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
