// The worker thread behind workload-thread.ts: opens the scenario's workload exactly as the simulating
// thread would, resolves each request's prefix-cache hit in arrival order, and streams the records
// through the shared ring. Everything but the ring is imported inside the try, so any failure reaches
// the simulating thread (which waits on the ring, not on worker events).
import { workerData } from 'node:worker_threads';
import { isInputError } from '../errors.js';
import { HitRecordWriter } from './record-formats.js';
import { DONE, FAILED, RUNNING } from './record-ring.js';
import type { WorkloadThreadData, WorkloadThreadMessage } from './workload-thread.js';

const { scenarioPath, request, buffers, port } = workerData as WorkloadThreadData;
const writer = new HitRecordWriter(buffers);
const post = (message: WorkloadThreadMessage) => port.postMessage(message);

try {
  const [{ readScenarioFile }, { workloadEnvironment }, { openWorkload }, { withCacheHits }, { newRequestRecord }] = await Promise.all([
    import('./scenario-file.js'),
    import('./workload-env.js'),
    import('../scenario/workload-spec.js'),
    import('../sim/cacheHits.js'),
    import('../workload/request.js'),
  ]);
  const spec = readScenarioFile(scenarioPath).simulation;
  if (!spec) throw new Error(`${scenarioPath} has no simulation section`);
  const { fromSeconds, toSeconds } = request;
  const opened = openWorkload(spec.workload, request.seed, workloadEnvironment(scenarioPath), fromSeconds, toSeconds);
  const source = withCacheHits(opened.source, request.cacheCapacityTokens, fromSeconds, toSeconds);
  post({ type: 'names', models: [...source.models], channels: [...source.channels] });
  writer.setState(RUNNING);
  const record = newRequestRecord();
  // The simulator stops at the first arrival at or after the window's end; so does this thread.
  while (source.next(record)) {
    writer.push(record);
    if (record.arrivalSeconds >= toSeconds) break;
  }
  source.close?.();
  writer.flush();
  writer.setSkippedRows(opened.skippedRows());
  writer.setState(DONE);
} catch (error) {
  const e = error instanceof Error ? error : new Error(String(error));
  post({ type: 'error', message: e.message, inputError: isInputError(error), stack: e.stack });
  writer.setState(FAILED);
}
