// The cache thread behind workload-thread.ts: reads the generation thread's records in arrival order,
// resolves each one's prefix-cache hit (sim/cacheHits.ts) and streams the records, without their
// block keys, to the simulating thread. Everything but the rings is imported inside the try, so any
// failure, its own or the generation thread's, reaches the simulating thread through the ring.
import { workerData } from 'node:worker_threads';
import { BlockRecordReader, HitRecordWriter } from './record-formats.js';
import { DONE, FAILED, RUNNING } from './record-ring.js';
import { reportFailure } from './thread-messages.js';
import type { RequestRecord } from '../workload/request.js';
import type { CacheThreadData } from './workload-thread.js';

const { request, blocks, hits, port } = workerData as CacheThreadData;
const writer = new HitRecordWriter(hits);

try {
  const [{ withCacheHits }, { newRequestRecord }] = await Promise.all([import('../sim/cacheHits.js'), import('../workload/request.js')]);
  const reader = new BlockRecordReader(blocks);
  // The generation thread has posted its own error: the simulating thread reports that one.
  const generationFailed = (): never => {
    throw new Error('the generation thread failed');
  };
  if (reader.waitStarted() === FAILED) generationFailed();
  writer.setState(RUNNING);
  const generated = { models: [], channels: [], next: (out: RequestRecord) => reader.next(out, generationFailed) };
  const source = withCacheHits(generated, request.cacheCapacityTokens, request.fromSeconds, request.toSeconds);
  const record = newRequestRecord();
  while (source.next(record)) writer.push(record);
  writer.flush();
  writer.setSkippedRows(reader.skippedRows);
  writer.setState(DONE);
} catch (error) {
  reportFailure(port, writer, error);
}
