import { MessageChannel, Worker, type MessagePort, type ResourceLimits } from 'node:worker_threads';
import type { RingBuffers } from './record-ring.js';

/** A worker thread to start under supervision; it is given `data` and a port of its own as its workerData. */
export interface SupervisedThread {
  /** Names the thread in errors, e.g. `workload generation`. */
  name: string;
  file: URL;
  data: object;
  /** The ring it writes: failed for it if it ends without finishing or failing it. */
  writes: RingBuffers;
  resourceLimits?: ResourceLimits;
}

/** What supervisor-worker.ts is given. */
export interface SupervisorData {
  threads: { name: string; href: string; data: object; writes: RingBuffers; resourceLimits?: ResourceLimits; port: MessagePort }[];
  /** Why a thread ended early, as a thread-messages.ts error. */
  port: MessagePort;
}

export interface SupervisedThreads {
  /** Each thread's port, in the order given. */
  ports: MessagePort[];
  /** The supervisor's: why a thread ended early, if one did. */
  port: MessagePort;
  close(): void;
}

/**
 * Starts `threads` as children of a supervisor thread, whose event loop stays free while the caller
 * blocks on a ring: it sees a thread end (out of memory, process.exit, a crash) where a blocked caller
 * cannot. Neither the supervisor nor its threads keep the process alive.
 */
export function superviseThreads(threads: SupervisedThread[]): SupervisedThreads {
  const channels = threads.map(() => new MessageChannel());
  const own = new MessageChannel();
  const workerData: SupervisorData = {
    threads: threads.map(({ name, file, data, writes, resourceLimits }, i) => ({ name, href: file.href, data, writes, resourceLimits, port: channels[i].port2 })),
    port: own.port2,
  };
  const transferList = [own.port2, ...channels.map((c) => c.port2)];
  const supervisor = new Worker(new URL('./supervisor-worker.js', import.meta.url), { workerData, transferList });
  supervisor.unref();
  const ports = channels.map((c) => c.port1);
  return {
    ports,
    port: own.port1,
    close() {
      for (const port of [...ports, own.port1]) port.close();
      // Its threads end with it.
      void supervisor.terminate();
    },
  };
}
