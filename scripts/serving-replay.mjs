#!/usr/bin/env node
// The serving path alone, the simulating thread's work without the workload threads: draws the bundled
// DeepSeek scenario's requests over a window once, resolves their cache hits into memory, then replays
// them through simulate() several times and prints the CPU seconds of each replay and the best. Run it
// in two builds, alternately, to compare a change to the serving path (the machine's pace drifts).
//
//   node scripts/serving-replay.mjs [fromBucket toBucket [replays]]   (default 22 23 3: 10:00 to 11:00)
import { cpuUsage } from 'node:process';
import { fileURLToPath } from 'node:url';
import { readScenarioFile } from '../dist/io/scenario-file.js';
import { workloadEnvironment } from '../dist/io/workload-env.js';
import { simulate } from '../dist/scenario/simulate.js';
import { openWorkload } from '../dist/scenario/workload-spec.js';
import { withCacheHits } from '../dist/sim/cacheHits.js';
import { newRequestRecord } from '../dist/workload/request.js';

const [fromBucket = 22, toBucket = 23, replays = 3] = process.argv.slice(2).map(Number);
const path = fileURLToPath(new URL('../scenarios/deepseek-v3-r1-2025-02-27.yaml', import.meta.url));
const scenario = readScenarioFile(path);
const env = workloadEnvironment(path);
const FIELDS = 9; // arrival, model, channel, input, output, blockTokens, blockCount, sessionId, hitBlocks
let saved = null;

/** The window's requests with their hits, drawn on the first call and replayed from memory after. */
function openSaved(request) {
  if (saved === null) {
    const opened = openWorkload(scenario.simulation.workload, request.seed, env, request.fromSeconds, request.toSeconds);
    const source = withCacheHits(opened.source, request.cacheCapacityTokens, request.fromSeconds, request.toSeconds);
    let data = new Float64Array(FIELDS << 20);
    let count = 0;
    const r = newRequestRecord();
    while (source.next(r)) {
      if ((count + 1) * FIELDS > data.length) {
        const grown = new Float64Array(data.length * 2);
        grown.set(data);
        data = grown;
      }
      data.set([r.arrivalSeconds, r.modelIndex, r.channelIndex, r.inputTokens, r.outputTokens, r.blockTokens, r.blockCount, r.sessionId, r.hitBlocks], count * FIELDS);
      count++;
      if (r.arrivalSeconds >= request.toSeconds) break;
    }
    saved = { data, count, models: [...source.models], channels: [...source.channels] };
  }
  const { data, count, models, channels } = saved;
  let i = 0;
  const next = (out) => {
    if (i >= count) return false;
    const at = i++ * FIELDS;
    // Field by field: a destructuring here would cost more than the serving path it feeds.
    out.arrivalSeconds = data[at];
    out.modelIndex = data[at + 1];
    out.channelIndex = data[at + 2];
    out.inputTokens = data[at + 3];
    out.outputTokens = data[at + 4];
    out.blockTokens = data[at + 5];
    out.blockCount = data[at + 6];
    out.sessionId = data[at + 7];
    out.hitBlocks = data[at + 8];
    return true;
  };
  return { source: { models, channels, resolvesCacheHits: true, next }, skippedRows: () => 0, skippedExamples: () => [] };
}

const cpuSeconds = [];
for (let run = 0; run <= replays; run++) {
  const before = cpuUsage();
  const report = simulate(scenario, { env, fromBucket, toBucket, openWorkloadWithCacheHits: openSaved });
  const used = cpuUsage(before);
  // The first run also draws the workload: not counted.
  if (run > 0) cpuSeconds.push((used.user + used.system) / 1e6);
  if (run === replays) console.log(JSON.stringify({ requests: report.requests, replayCpuSeconds: cpuSeconds, bestCpuSeconds: Math.min(...cpuSeconds) }));
}
