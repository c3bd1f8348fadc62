// The supervisor behind thread-supervisor.ts: the parent of the threads it is given. A thread that ends
// without finishing or failing its ring (out of memory, process.exit, terminated) cannot say so itself,
// and its reader, blocked on the ring, cannot see it end: the supervisor says why on its port and fails
// the ring, as reportFailure does. A thread that finished or failed its own ring is left alone.
import { Worker, workerData } from 'node:worker_threads';
import { DONE, FAILED, RingWriter } from './record-ring.js';
import type { WorkloadThreadMessage } from './thread-messages.js';
import type { SupervisorData } from './thread-supervisor.js';

const { threads, port } = workerData as SupervisorData;

for (const { name, href, data, writes, resourceLimits, port: threadPort } of threads) {
  const ring = new RingWriter(writes);
  // `oneLine` (as for bad input): the user can act on it, and a stack from this thread would say nothing.
  const endedEarly = (why: string, oneLine: boolean, stack?: string) => {
    if (ring.state === DONE || ring.state === FAILED) return;
    const message: WorkloadThreadMessage = { type: 'error', message: `${name} thread ${why}`, inputError: oneLine, stack };
    port.postMessage(message);
    ring.setState(FAILED);
  };
  let error: (Error & { code?: string }) | undefined;
  try {
    const worker = new Worker(new URL(href), { workerData: { ...data, port: threadPort }, transferList: [threadPort], resourceLimits });
    worker.on('error', (e: Error) => (error = e));
    worker.on('exit', (code) => {
      if (error?.code === 'ERR_WORKER_OUT_OF_MEMORY') endedEarly('ran out of memory (NODE_OPTIONS=--max-old-space-size=<MB> gives it more)', true);
      else if (error) endedEarly(`failed: ${error.message}`, false, error.stack); // thrown outside its try: a bug
      else endedEarly(`exited with code ${code} before finishing`, true);
    });
  } catch (e) {
    endedEarly(`did not start: ${e instanceof Error ? e.message : String(e)}`, false, e instanceof Error ? e.stack : undefined);
  }
}
