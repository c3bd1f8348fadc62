// The generation thread behind workload-thread.ts: opens the scenario's workload exactly as the
// simulating thread would and streams the records, with their prefix-block keys, to the cache thread.
// Everything but the ring is imported inside the try, so any failure reaches the cache thread and,
// through it, the simulating thread (both wait on rings, not on worker events).
import { workerData } from 'node:worker_threads';
import { BlockRecordWriter } from './record-formats.js';
import { DONE, RUNNING } from './record-ring.js';
import { reportFailure, type WorkloadThreadMessage } from './thread-messages.js';
import type { GenerationThreadData } from './workload-thread.js';

const { scenarioPath, request, ring, port } = workerData as GenerationThreadData;
const writer = new BlockRecordWriter(ring);

try {
  const [{ readSimulationScenarioFile }, { workloadEnvironment }, { openWorkload }, { newRequestRecord }] = await Promise.all([
    import('./scenario-file.js'),
    import('./workload-env.js'),
    import('../scenario/workload-spec.js'),
    import('../workload/request.js'),
  ]);
  const spec = readSimulationScenarioFile(scenarioPath).simulation;
  const { fromSeconds, toSeconds } = request;
  const { source, skippedRows, skippedExamples } = openWorkload(spec.workload, request.seed, workloadEnvironment(scenarioPath), fromSeconds, toSeconds);
  const names: WorkloadThreadMessage = { type: 'names', models: [...source.models], channels: [...source.channels] };
  port.postMessage(names);
  writer.setState(RUNNING);
  const record = newRequestRecord();
  // The simulator stops at the first arrival at or after the window's end; so does this thread.
  while (source.next(record)) {
    writer.push(record);
    if (record.arrivalSeconds >= toSeconds) break;
  }
  source.close?.();
  // Posted before the ring is done, so the simulating thread finds it once it has read every record.
  const examples = skippedExamples();
  if (examples.length > 0) port.postMessage({ type: 'skipped', examples: [...examples] } satisfies WorkloadThreadMessage);
  writer.flush();
  writer.setSkippedRows(skippedRows());
  writer.setState(DONE);
} catch (error) {
  reportFailure(port, writer, error);
}
