import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { InputError } from '../errors.js';
import type { CacheHitWorkloadRequest } from '../scenario/simulate.js';
import type { OpenWorkload } from '../scenario/workload-spec.js';
import type { RequestRecord } from '../workload/request.js';
import { HitRecordReader, newRecordRing } from './record-formats.js';
import { FAILED, type RingBuffers } from './record-ring.js';

/** What the worker posts on its port: the names first, or why it stopped. */
export type WorkloadThreadMessage =
  | { type: 'names'; models: string[]; channels: string[] }
  | { type: 'error'; message: string; inputError: boolean; stack?: string };

export interface WorkloadThreadData {
  scenarioPath: string;
  request: CacheHitWorkloadRequest;
  buffers: RingBuffers;
  port: MessagePort;
}

/**
 * Generates the scenario's workload and resolves its prefix-cache hits in a worker thread, so the
 * simulating thread only serves: on two cores a day runs about twice as fast, with identical results
 * (simulate() uses it only when the cache sees the same arrivals either way).
 */
export function workloadInWorkerThread(scenarioPath: string): ((request: CacheHitWorkloadRequest) => OpenWorkload) | undefined {
  const workerFile = new URL('./workload-thread-worker.js', import.meta.url);
  // Run from TypeScript sources (tests), there is no compiled worker: stay on one thread.
  if (!existsSync(fileURLToPath(workerFile))) return undefined;
  return (request) => {
    const buffers = newRecordRing();
    const { port1, port2 } = new MessageChannel();
    const data: WorkloadThreadData = { scenarioPath, request, buffers, port: port2 };
    const worker = new Worker(workerFile, { workerData: data, transferList: [port2] });
    worker.unref();
    const close = () => {
      port1.close();
      void worker.terminate();
    };
    const fail = (): never => {
      const message = receiveMessageOnPort(port1)?.message as WorkloadThreadMessage | undefined;
      close();
      if (message?.type === 'error' && message.inputError) throw new InputError(message.message);
      const error = new Error(`workload thread: ${message?.type === 'error' ? message.message : 'stopped without saying why'}`);
      if (message?.type === 'error' && message.stack) error.stack = message.stack;
      throw error;
    };
    const reader = new HitRecordReader(buffers);
    if (reader.waitStarted() === FAILED) fail();
    const names = receiveMessageOnPort(port1)?.message as WorkloadThreadMessage | undefined;
    if (names?.type !== 'names') fail();
    const { models, channels } = names as Extract<WorkloadThreadMessage, { type: 'names' }>;
    return {
      source: { models, channels, resolvesCacheHits: true, next: (out: RequestRecord) => reader.next(out, fail), close },
      skippedRows: () => reader.skippedRows,
    };
  };
}
