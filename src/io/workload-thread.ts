import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { receiveMessageOnPort, type MessagePort, type ResourceLimits } from 'node:worker_threads';
import { InputError } from '../errors.js';
import type { CacheHitWorkloadRequest } from '../scenario/simulate.js';
import type { OpenWorkload } from '../scenario/workload-spec.js';
import type { RequestRecord } from '../workload/request.js';
import { HitRecordReader, newRecordRing } from './record-formats.js';
import { FAILED, type RingBuffers } from './record-ring.js';
import { postedError, postedSkippedExamples, type WorkloadThreadMessage } from './thread-messages.js';
import { superviseThreads } from './thread-supervisor.js';

export interface GenerationThreadData {
  scenarioPath: string;
  request: CacheHitWorkloadRequest;
  /** Records with their block keys, to the cache thread. */
  ring: RingBuffers;
  port: MessagePort;
}

export interface CacheThreadData {
  request: CacheHitWorkloadRequest;
  blocks: RingBuffers;
  /** Records with their hits, to the simulating thread. */
  hits: RingBuffers;
  port: MessagePort;
}

/**
 * Generates the scenario's workload and resolves its prefix-cache hits in two worker threads, a
 * pipeline beside the simulating thread: the generation thread hands records with their block keys to
 * the cache thread, which hands them on with their hits; the simulating thread only serves. Results are
 * identical (simulate() uses it only when the cache sees the same arrivals either way). Both run under a
 * supervisor (thread-supervisor.ts), so one that dies without a word fails the reader instead of hanging it.
 */
export function workloadInWorkerThread(
  scenarioPath: string,
  limits: { generation?: ResourceLimits; cache?: ResourceLimits } = {}, // tests: to make a thread run out of memory
): ((request: CacheHitWorkloadRequest) => OpenWorkload) | undefined {
  const generationFile = new URL('./generation-worker.js', import.meta.url);
  const cacheFile = new URL('./cache-worker.js', import.meta.url);
  // Run from TypeScript sources (tests), there are no compiled workers: stay on one thread.
  if (!existsSync(fileURLToPath(generationFile)) || !existsSync(fileURLToPath(cacheFile))) return undefined;
  return (request) => {
    const blocks = newRecordRing();
    const hits = newRecordRing();
    const generationData: Omit<GenerationThreadData, 'port'> = { scenarioPath, request, ring: blocks };
    const cacheData: Omit<CacheThreadData, 'port'> = { request, blocks, hits };
    const threads = superviseThreads([
      { name: 'workload generation', file: generationFile, data: generationData, writes: blocks, resourceLimits: limits.generation },
      { name: 'workload cache', file: cacheFile, data: cacheData, writes: hits, resourceLimits: limits.cache },
    ]);
    const [generationPort, cachePort] = threads.ports;
    const fail = (): never => {
      // The generation thread's error first: the cache thread fails after it, for want of records. A
      // thread that ended without a word has the supervisor's instead, also before the cache thread's.
      const error = postedError(generationPort) ?? postedError(threads.port) ?? postedError(cachePort);
      threads.close();
      if (error?.inputError) throw new InputError(error.message);
      const thrown = new Error(`workload thread: ${error ? error.message : 'stopped without saying why'}`);
      if (error?.stack) thrown.stack = error.stack;
      throw thrown;
    };
    const reader = new HitRecordReader(hits);
    if (reader.waitStarted() === FAILED) fail();
    const names = receiveMessageOnPort(generationPort)?.message as WorkloadThreadMessage | undefined;
    if (names?.type !== 'names') fail();
    const { models, channels } = names as Extract<WorkloadThreadMessage, { type: 'names' }>;
    let skippedExamples: readonly string[] = [];
    const close = (): void => {
      // The generation thread posts its skipped rows before it finishes: read them while its port is open.
      skippedExamples = postedSkippedExamples(generationPort) ?? skippedExamples;
      threads.close();
    };
    return {
      source: { models, channels, resolvesCacheHits: true, next: (out: RequestRecord) => reader.next(out, fail), close },
      skippedRows: () => reader.skippedRows,
      skippedExamples: () => skippedExamples,
    };
  };
}
