import { describe, expect, it } from 'vitest';
import { DONE, FAILED, newRingBuffers, RingReader, RingWriter, RUNNING, STARTING } from '../../src/io/record-ring.js';
import { newRequestRecord } from '../../src/workload/request.js';

const noFailure = (): never => {
  throw new Error('unexpected failure');
};

describe('the shared record ring', () => {
  it('hands over every record, in order and field for field, across chunk edges', () => {
    const buffers = newRingBuffers();
    const writer = new RingWriter(buffers);
    const reader = new RingReader(buffers);
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

  it('a failed producer turns into the failure the reader was given', () => {
    const buffers = newRingBuffers();
    const reader = new RingReader(buffers);
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
