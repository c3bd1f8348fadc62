import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { openTrace } from '../../src/io/traceReader.js';
import { runFleet } from '../../src/sim/runFleet.js';
import { AffineStepTimeModel } from '../../src/sim/stepTime.js';
import { scaleRate, timeWindow } from '../../src/workload/transforms.js';
import { smallFleet } from '../sim/fixtures.js';
import { collect, newRequestRecord } from '../../src/workload/request.js';
import { tracesDir } from '../paths.js';

const tmp = mkdtempSync(join(tmpdir(), 'tokenfleet-traces-'));
function file(name: string, text: string): string {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
}

function count(path: string): { rows: number; input: number; output: number; last: number } {
  const source = openTrace(path);
  const r = newRequestRecord();
  let rows = 0;
  let input = 0;
  let output = 0;
  while (source.next(r)) {
    rows++;
    input += r.inputTokens;
    output += r.outputTokens;
  }
  return { rows, input, output, last: r.arrivalSeconds };
}

describe('trace readers on the shared traces', () => {
  it('reads the Azure 2023 conversation trace (19,366 rows, 57.3-58.4 minutes)', () => {
    const c = count(join(tracesDir, 'azure_llm_2023/AzureLLMInferenceTrace_conv.csv'));
    expect(c.rows).toBe(19366);
    expect(c.input / c.rows).toBeCloseTo(1154.7, 0); // README: in mean 1,155
    expect(c.output / c.rows).toBeCloseTo(211.1, 0);
    expect(c.last).toBeCloseTo(3501.722, 2); // stats.json duration_s
  });

  it('reads the Azure 2023 code trace, whose last row has no newline', () => {
    expect(count(join(tracesDir, 'azure_llm_2023/AzureLLMInferenceTrace_code.csv')).rows).toBe(8819);
  });

  it('reads the Mooncake conversation trace with its 512-token hash_ids', () => {
    const source = openTrace(join(tracesDir, 'mooncake_fast25/conversation_trace.jsonl'));
    const rows = collect(source);
    expect(rows.length).toBe(12031);
    expect(rows[0].blockIds[0]).toBe(0);
    expect(rows[0].blockTokens).toBe(512);
    for (const r of rows.slice(0, 200)) expect(r.blockCount).toBe(Math.ceil(r.inputTokens / 512));
    expect(rows[rows.length - 1].arrivalSeconds).toBeCloseTo(3536.999, 3);
  });
});

describe('malformed rows', () => {
  it('names the file and line and what was expected', () => {
    const path = file('bad.csv', 'TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.6805900,374,44\n2023-11-16 18:15:50.99,abc,109\n');
    const source = openTrace(path);
    const r = newRequestRecord();
    expect(source.next(r)).toBe(true);
    expect(() => source.next(r)).toThrow(InputError);
    expect(() => openTraceAndDrain(path)).toThrow(/^bad\.csv:3: expected whole token counts/);
  });

  it('reports a broken JSON line and a missing field in Mooncake rows', () => {
    const path = file('bad.jsonl', '{"timestamp": 0, "input_length": 10, "output_length": 1, "hash_ids": [0]}\n{"timestamp": 5,\n');
    expect(() => openTraceAndDrain(path)).toThrow(/^bad\.jsonl:2: expected one JSON object per line/);
    const missing = file('missing.jsonl', '{"timestamp": 0, "output_length": 1, "hash_ids": [0]}\n');
    expect(() => openTraceAndDrain(missing)).toThrow(/^missing\.jsonl:1: expected "input_length"/);
  });

  it('rejects arrivals out of time order', () => {
    const path = file('order.jsonl', '{"timestamp": 5, "input_length": 1, "output_length": 1, "hash_ids": [0]}\n{"timestamp": 1, "input_length": 1, "output_length": 1, "hash_ids": [0]}\n');
    expect(() => openTraceAndDrain(path)).toThrow(/^order\.jsonl:2: expected arrivals in time order/);
  });

  it('skips and counts malformed rows when asked', () => {
    const path = file(
      'mixed.csv',
      'TIMESTAMP,ContextTokens,GeneratedTokens\r\n2023-11-16 18:15:46.0,374,44\r\nnot a row\r\n2023-11-16 18:15:47.5,10,-1\r\n2023-11-16 18:15:48.0,20,5',
    );
    const source = openTrace(path, 'azure-2023', { skipMalformed: true });
    const rows = collect(source);
    expect(rows.map((r) => r.arrivalSeconds)).toEqual([0, 2]);
    expect(source.skippedRows).toBe(2);
    expect(source.skippedExamples[0]).toMatch(/^mixed\.csv:3: expected 3 comma-separated fields/);
    expect(source.skippedExamples[1]).toMatch(/^mixed\.csv:4: /);
  });

  it('names a file it cannot open, once, with the reason in a few words', () => {
    const absent = join(tmp, 'absent.csv');
    expect(() => openTrace(absent)).toThrow(InputError);
    expect(() => openTrace(absent)).toThrow(new InputError('cannot open: no such file', absent));
    expect(() => openTrace(tmp, 'mooncake')).toThrow(`${tmp}: cannot open: is a directory`);
  });
});

function openTraceAndDrain(path: string): number {
  return collect(openTrace(path)).length;
}

describe('a trace through the fleet', () => {
  it('replays a window of the Azure conversation trace, scaled up, and serves every request', () => {
    const source = timeWindow(scaleRate(openTrace(join(tracesDir, 'azure_llm_2023/AzureLLMInferenceTrace_conv.csv')), 2), 0, 600);
    const config = smallFleet({ endSeconds: 600, bucketSeconds: 60 });
    const model = new AffineStepTimeModel({ prefillFixedSeconds: 0.02, prefillSecondsPerNewToken: 2e-5, decodeFixedSeconds: 0.02, decodeSecondsPerSequence: 1e-4 });
    const result = runFleet(config, source, model);
    // Twice the rate: the first 20 minutes of the trace (about 1/3 of its 19,366 rows) in 10.
    expect(result.requests.arrived).toBeGreaterThan(5000);
    expect(result.requests.completed).toBe(result.requests.arrived);
    expect(result.totals.cacheHitInputTokens).toBe(0); // no prefix identity in the Azure trace
    expect(result.buckets.slice(0, 10).every((b) => b.arrived > 0)).toBe(true);
  });
});
