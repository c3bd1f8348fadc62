import fc from 'fast-check';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { BlockRecordReader, BlockRecordWriter, HitRecordReader, HitRecordWriter, newRecordRing } from '../../src/io/record-formats.js';
import { DONE, FAILED, newRingBuffers, RingWriter, RUNNING, STARTING } from '../../src/io/record-ring.js';
import { newRequestRecord, type RequestRecord } from '../../src/workload/request.js';
import { repoRoot } from '../helpers.js';

const noFailure = (): never => {
  throw new Error('unexpected failure');
};

/** Prefix-block keys as workloads make them: stepping runs (exact or not near 2^53) and arbitrary numbers, mixed. */
const blockKeys = (maxPartKeys: number) =>
  fc
    .array(
      fc.oneof(
        fc
          .record({ first: fc.maxSafeInteger(), step: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), length: fc.integer({ min: 1, max: maxPartKeys }) })
          .map(({ first, step, length }) => Array.from({ length }, (_, i) => first + step * i)),
        fc.array(fc.oneof(fc.maxSafeInteger(), fc.integer({ min: 0, max: 9 }), fc.double({ noNaN: true }).map((x) => x + 0)), { maxLength: maxPartKeys }),
      ),
      { maxLength: 8 },
    )
    .map((parts) => Float64Array.from(parts.flat()));

const keyedRecord = (maxPartKeys: number) =>
  fc.record({
    arrivalSeconds: fc.double({ noNaN: true }),
    modelIndex: fc.nat(9),
    channelIndex: fc.nat(9),
    inputTokens: fc.nat(),
    outputTokens: fc.nat(),
    blockTokens: fc.constantFrom(0, 16, 512),
    sessionId: fc.integer({ min: -1, max: 2 ** 40 }),
    blockIds: blockKeys(maxPartKeys),
  });

type KeyedRecord = { blockIds: Float64Array } & Omit<RequestRecord, 'blockIds' | 'blockCount' | 'hitBlocks'>;

function expectRecord(out: RequestRecord, expected: KeyedRecord): void {
  const { blockIds, ...fields } = expected;
  expect(out).toMatchObject({ ...fields, blockCount: blockIds.length, hitBlocks: -1 });
  expect(Array.from(out.blockIds.subarray(0, out.blockCount))).toEqual(Array.from(blockIds));
}

describe('the shared record ring', () => {
  it('hands over every record with its hit, in order and field for field, across chunk edges', () => {
    const buffers = newRecordRing();
    const writer = new HitRecordWriter(buffers);
    const reader = new HitRecordReader(buffers);
    writer.setState(RUNNING);
    const record = newRequestRecord();
    const count = 10_001; // two full chunks and a partial one
    for (let i = 0; i < count; i++) {
      Object.assign(record, { arrivalSeconds: i / 7, modelIndex: i % 3, channelIndex: i % 2, inputTokens: i, outputTokens: 2 * i, blockTokens: 512, blockCount: i % 5, sessionId: i - 1, hitBlocks: i % 4 });
      writer.push(record);
    }
    writer.flush();
    writer.setSkippedRows(3);
    writer.setState(DONE);
    expect(reader.waitStarted()).toBe(DONE);
    const out = newRequestRecord();
    for (let i = 0; i < count; i++) {
      expect(reader.next(out, noFailure)).toBe(true);
      expect(out).toMatchObject({ arrivalSeconds: i / 7, modelIndex: i % 3, channelIndex: i % 2, inputTokens: i, outputTokens: 2 * i, blockTokens: 512, blockCount: i % 5, sessionId: i - 1, hitBlocks: i % 4 });
    }
    expect(reader.next(out, noFailure)).toBe(false);
    expect(reader.skippedRows).toBe(3);
  });

  it('hands over records with their block keys exactly, however they split over chunks', () => {
    // 16-float chunks: a record's keys often span several, each record is published and read in turn.
    const buffers = newRingBuffers(64, 16);
    const writer = new BlockRecordWriter(buffers);
    const reader = new BlockRecordReader(buffers);
    writer.setState(RUNNING);
    const record = newRequestRecord();
    const out = newRequestRecord();
    fc.assert(
      fc.property(keyedRecord(40), (expected) => {
        Object.assign(record, expected, { blockCount: expected.blockIds.length, hitBlocks: 7 });
        writer.push(record);
        writer.flush();
        expect(reader.next(out, noFailure)).toBe(true);
        expectRecord(out, expected);
      }),
      { numRuns: 500 },
    );
  });

  it('hands over records longer than the whole ring between two threads', async () => {
    const records = fc.sample(keyedRecord(300), { seed: 11, numRuns: 200 });
    const buffers = newRingBuffers(2, 16); // 32 floats: most records outgrow the ring
    // The writer runs from the build (npm test builds first), as the workload threads do.
    const formats = pathToFileURL(resolve(repoRoot, 'dist/io/record-formats.js')).href;
    const worker = new Worker(
      `const { workerData } = require('node:worker_threads');
      import(workerData.formats).then(({ BlockRecordWriter }) => {
        const writer = new BlockRecordWriter(workerData.buffers);
        writer.setState(1); // RUNNING
        for (const r of workerData.records) writer.push({ ...r, blockCount: r.blockIds.length });
        writer.flush();
        writer.setState(2); // DONE
      }).catch((error) => {
        console.error(error);
        const control = new Int32Array(workerData.buffers.control);
        Atomics.store(control, 3, 3); // STATE: FAILED, so the reader stops waiting
        Atomics.add(control, 0, 1);
        Atomics.notify(control, 0);
      });`,
      { eval: true, workerData: { formats, buffers, records } },
    );
    try {
      const { BlockRecordReader: BuiltReader } = (await import(formats)) as { BlockRecordReader: typeof BlockRecordReader };
      const reader = new BuiltReader(buffers);
      expect(reader.waitStarted()).toBe(RUNNING);
      const out = newRequestRecord();
      for (const expected of records) {
        expect(reader.next(out, noFailure)).toBe(true);
        expectRecord(out, expected);
      }
      expect(reader.next(out, noFailure)).toBe(false);
    } finally {
      await worker.terminate();
    }
  });

  it('a failed producer turns into the failure the reader was given', () => {
    const buffers = newRecordRing();
    const reader = new HitRecordReader(buffers);
    expect(Atomics.load(new Int32Array(buffers.control), 3)).toBe(STARTING);
    new RingWriter(buffers).setState(FAILED);
    expect(reader.waitStarted()).toBe(FAILED);
    expect(() =>
      reader.next(newRequestRecord(), () => {
        throw new Error('worker failed');
      }),
    ).toThrow('worker failed');
  });
});
