import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { InputError } from '../errors.js';
import type { CacheHitWorkloadRequest } from '../scenario/simulate.js';
import type { OpenWorkload } from '../scenario/workload-spec.js';
import type { RequestRecord } from '../workload/request.js';
import { HitRecordReader, newRecordRing } from './record-formats.js';
import { FAILED, type RingBuffers } from './record-ring.js';
import { postedError, type WorkloadThreadMessage } from './thread-messages.js';

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
 * identical (simulate() uses it only when the cache sees the same arrivals either way).
 */
export function workloadInWorkerThread(scenarioPath: string): ((request: CacheHitWorkloadRequest) => OpenWorkload) | undefined {
  const generationFile = new URL('./generation-worker.js', import.meta.url);
  const cacheFile = new URL('./cache-worker.js', import.meta.url);
  // Run from TypeScript sources (tests), there are no compiled workers: stay on one thread.
  if (!existsSync(fileURLToPath(generationFile)) || !existsSync(fileURLToPath(cacheFile))) return undefined;
  return (request) => {
    const blocks = newRecordRing();
    const hits = newRecordRing();
    const generation = startWorker<GenerationThreadData>(generationFile, { scenarioPath, request, ring: blocks });
    const cache = startWorker<CacheThreadData>(cacheFile, { request, blocks, hits });
    const close = () => {
      generation.close();
      cache.close();
    };
    const fail = (): never => {
      // The generation thread's error first: the cache thread fails after it, for want of records.
      const error = postedError(generation.port) ?? postedError(cache.port);
      close();
      if (error?.inputError) throw new InputError(error.message);
      const thrown = new Error(`workload thread: ${error ? error.message : 'stopped without saying why'}`);
      if (error?.stack) thrown.stack = error.stack;
      throw thrown;
    };
    const reader = new HitRecordReader(hits);
    if (reader.waitStarted() === FAILED) fail();
    const names = receiveMessageOnPort(generation.port)?.message as WorkloadThreadMessage | undefined;
    if (names?.type !== 'names') fail();
    const { models, channels } = names as Extract<WorkloadThreadMessage, { type: 'names' }>;
    return {
      source: { models, channels, resolvesCacheHits: true, next: (out: RequestRecord) => reader.next(out, fail), close },
      skippedRows: () => reader.skippedRows,
    };
  };
}

/** Starts a worker with `data` and a port of its own; the worker does not keep the process alive. */
function startWorker<Data extends { port: MessagePort }>(file: URL, data: Omit<Data, 'port'>): { port: MessagePort; close(): void } {
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(file, { workerData: { ...data, port: port2 }, transferList: [port2] });
  worker.unref();
  return {
    port: port1,
    close() {
      port1.close();
      void worker.terminate();
    },
  };
}
