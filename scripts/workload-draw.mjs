#!/usr/bin/env node
// The generation thread's work alone: draws the bundled DeepSeek scenario's requests over a window,
// as the workload thread does, and prints the CPU time per request. Run it in two builds, alternately,
// to compare a change to the workload generator (the machine's pace drifts).
//
//   node scripts/workload-draw.mjs [fromSeconds toSeconds]   (default 36000 39600: 10:00 to 11:00)
import { cpuUsage } from 'node:process';
import { fileURLToPath } from 'node:url';
import { readSimulationScenarioFile } from '../dist/io/scenario-file.js';
import { workloadEnvironment } from '../dist/io/workload-env.js';
import { openWorkload } from '../dist/scenario/workload-spec.js';
import { newRequestRecord } from '../dist/workload/request.js';

const [fromSeconds = 36000, toSeconds = 39600] = process.argv.slice(2).map(Number);
const path = fileURLToPath(new URL('../scenarios/deepseek-v3-r1-2025-02-27.yaml', import.meta.url));
const spec = readSimulationScenarioFile(path).simulation;
const before = cpuUsage();
const { source } = openWorkload(spec.workload, spec.seed, workloadEnvironment(path), fromSeconds, toSeconds);
const record = newRequestRecord();
let requests = 0;
let blocks = 0;
while (source.next(record)) {
  requests++;
  blocks += record.blockCount;
  if (record.arrivalSeconds >= toSeconds) break;
}
const used = cpuUsage(before);
const cpuSeconds = (used.user + used.system) / 1e6;
console.log(JSON.stringify({ requests, blocks, cpuSeconds, nanosecondsPerRequest: Math.round((cpuSeconds * 1e9) / requests) }));
