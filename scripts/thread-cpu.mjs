#!/usr/bin/env node
// Runs `tokenfleet simulate <scenario> [simulate options]` and reports where its CPU went, per thread,
// read from Linux's /proc: one JSON line every 10 s while it runs, then the totals. Threads are named
// by role: the serving (main) thread, and the two busiest others (the workload's generation and cache
// threads when it runs them). `otherProcessesCpuSeconds` is what the rest of the machine used meanwhile:
// when it is not near 0, another job shared the cores and the wall time says little.
//
//   node scripts/thread-cpu.mjs scenarios/deepseek-v3-r1-2025-02-27.yaml [--from 10:00 --to 11:00]
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ, the unit of /proc's CPU times on Linux
const SAMPLE_MS = 500; // threads' times are read often: a thread's entry vanishes when it ends
const REPORT_MS = 10_000;

const [scenario, ...options] = process.argv.slice(2);
if (!scenario) {
  console.error('usage: node scripts/thread-cpu.mjs <scenario.yaml> [simulate options]');
  process.exit(2);
}
const cli = fileURLToPath(new URL('../bin/tokenfleet.js', import.meta.url));
const startedMs = performance.now();
const child = spawn(process.execPath, [cli, 'simulate', scenario, ...options, '--no-progress', '--json'], { stdio: ['ignore', 'ignore', 'inherit'] });

/** CPU seconds (user + system) of each of the child's threads, by thread id; empty once it has exited. */
function threadCpuSeconds() {
  const byThread = new Map();
  try {
    for (const tid of readdirSync(`/proc/${child.pid}/task`)) {
      try {
        const stat = readFileSync(`/proc/${child.pid}/task/${tid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        byThread.set(tid, (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND);
      } catch {
        // The thread ended between the listing and the read.
      }
    }
  } catch {
    // The process has exited.
  }
  return byThread;
}

/** CPU seconds the whole machine has been busy since boot. */
function machineBusySeconds() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return (f[0] + f[1] + f[2] + f[5] + f[6] + f[7]) / CLOCK_TICKS_PER_SECOND; // user nice system irq softirq steal
}

/** Each thread's CPU seconds when last seen: a thread that has ended keeps its final figure. */
const latest = new Map();
let lastBusy = machineBusySeconds();
let lastOurs = 0;
let otherProcessesCpuSeconds = 0;
const sampler = setInterval(() => {
  for (const [tid, seconds] of threadCpuSeconds()) latest.set(tid, seconds);
}, SAMPLE_MS);

function report(final) {
  const ours = [...latest.values()].reduce((a, b) => a + b, 0);
  const busy = machineBusySeconds();
  otherProcessesCpuSeconds += Math.max(0, busy - lastBusy - (ours - lastOurs));
  lastBusy = busy;
  lastOurs = ours;
  const others = [...latest].filter(([tid]) => tid !== String(child.pid)).map(([, s]) => s).sort((a, b) => b - a);
  const round = (x) => Math.round(x * 10) / 10;
  console.log(
    JSON.stringify({
      ...(final ? { final: true } : {}),
      wallSeconds: round((performance.now() - startedMs) / 1000),
      servingThreadCpuSeconds: round(latest.get(String(child.pid)) ?? 0),
      busiestOtherThreadsCpuSeconds: others.slice(0, 2).map(round),
      allThreadsCpuSeconds: round(ours),
      otherProcessesCpuSeconds: round(otherProcessesCpuSeconds),
    }),
  );
}

const reporter = setInterval(() => report(false), REPORT_MS);
const exitCode = await new Promise((resolve) => child.on('exit', resolve));
clearInterval(reporter);
clearInterval(sampler);
report(true);
process.exit(exitCode ?? 1);
