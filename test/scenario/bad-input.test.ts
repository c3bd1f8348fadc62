import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { InputError } from '../../src/errors.js';
import { loadScenario } from '../../src/scenario/load.js';

const BASE = `name: small
window:
  start: 2025-01-01T00:00:00Z
  end: 2025-01-01T04:00:00Z
  timeZone: UTC
  bucket: 1h
fleet:
  gpu: h800
  gpusPerNode: 8
  gpuCost: { usdPerGpuHour: 2 }
  pools:
    - name: prefill
      serves: input
      nodesPerUnit: 4
      steps:
        - { from: "00:00", units: 2 }
        - { from: "02:00", units: 1 }
traffic:
  totals: { input: 1000, inputCacheHit: 400, output: 100 }
  bucketWeights: [1, 1, 1, 1]
  mix:
    - { model: r1, channel: api, share: 1 }
priceBooks:
  theoretical:
    name: list
    paidChannels: all
    prices:
      r1: { inputCacheHit: 0.14, inputCacheMiss: 0.55, output: 2.19 }
    timeOfDay:
      - { name: night, from: "22:00", to: "06:00", timeZone: UTC, priceFactor: { r1: 0.5 } }
`;

/** The base scenario with one value replaced (path as in YAML), loaded; returns the error line. */
function errorFor(edit: (doc: ReturnType<typeof parseDocument>) => void, text = BASE): string {
  const doc = parseDocument(text);
  edit(doc);
  try {
    loadScenario(doc.toString(), 'bad.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    const message = (error as InputError).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected the scenario to be rejected');
}

describe('bad scenarios get one clear line', () => {
  it('accepts the base scenario', () => {
    expect(loadScenario(BASE, 'ok.yaml').buckets).toHaveLength(4);
  });

  it('an unknown key, with its line and the keys it could be', () => {
    const message = errorFor((doc) => doc.setIn(['fleet', 'pools', 0, 'nodesPerUnt'], 4));
    expect(message).toMatch(/^bad\.yaml:\d+: fleet\.pools\[0\]\.nodesPerUnt: unknown key "nodesPerUnt" \(expected one of: .*nodesPerUnit/);
  });

  it('points at the line of the offending key', () => {
    expect(errorFor(() => {}, BASE.replace('gpusPerNode: 8', 'gpusPerNode: eight'))).toMatch(
      /^bad\.yaml:9: fleet\.gpusPerNode: expected number, got string "eight"/,
    );
  });

  it('a bucket without a unit, and a price in an unknown unit', () => {
    expect(errorFor((doc) => doc.setIn(['window', 'bucket'], '60'))).toMatch(/window\.bucket: "60" is not a duration with a unit/);
    expect(errorFor((doc) => doc.setIn(['priceBooks', 'theoretical', 'unit'], 'EUR per 1M tokens'))).toMatch(
      /priceBooks\.theoretical\.unit: unknown price unit "EUR per 1M tokens" \(expected one of: USD per 1M tokens/,
    );
  });

  it('a negative volume', () => {
    expect(errorFor((doc) => doc.setIn(['traffic', 'totals', 'output'], -5))).toMatch(/traffic\.totals\.output: expected tokens >= 0/);
  });

  it('cache hits above inputs', () => {
    expect(errorFor((doc) => doc.setIn(['traffic', 'totals', 'inputCacheHit'], 1001))).toMatch(
      /traffic\.totals\.inputCacheHit: cache hits \(1001\) above inputs \(1000\)/,
    );
  });

  it('a price window that does not parse', () => {
    const message = errorFor((doc) => doc.setIn(['priceBooks', 'theoretical', 'timeOfDay', 0, 'from'], '4pm'));
    expect(message).toMatch(/priceBooks\.theoretical\.timeOfDay\[0\]\.from: expected a time of day "HH:MM"/);
    expect(errorFor((doc) => doc.setIn(['priceBooks', 'theoretical', 'timeOfDay', 0, 'to'], '25:00'))).toMatch(/"25:00" is not a time of day/);
    expect(errorFor((doc) => doc.setIn(['priceBooks', 'theoretical', 'timeOfDay', 0, 'timeZone'], 'Mars/Olympus'))).toMatch(
      /timeOfDay\[0\]\.timeZone: unknown time zone "Mars\/Olympus"/,
    );
  });

  it('steps out of order', () => {
    const iso = (hour: number) => `2025-01-01T0${hour}:00:00Z`;
    const message = errorFor((doc) => {
      doc.setIn(['fleet', 'pools', 0, 'steps', 0, 'from'], iso(0));
      doc.setIn(['fleet', 'pools', 0, 'steps', 1, 'from'], iso(3));
      doc.addIn(['fleet', 'pools', 0, 'steps'], { from: iso(2), units: 1 });
    });
    expect(message).toMatch(/^bad\.yaml:\d+: fleet\.pools\[0\]\.steps\[2\]\.from: step at "2025-01-01T02:00:00Z" is out of order/);
    // A wall-clock step that would only come round again after the window's end.
    expect(errorFor((doc) => doc.addIn(['fleet', 'pools', 0, 'steps'], { from: '01:00', units: 1 }))).toMatch(
      /steps\[2\]\.from: step at "01:00" falls at or after the window's end/,
    );
    expect(errorFor((doc) => doc.setIn(['fleet', 'pools', 0, 'steps', 0, 'from'], '00:30'))).toMatch(/first step must be at the window's start/);
  });

  it('a model the price book cannot price, and a paid channel nobody uses', () => {
    expect(errorFor((doc) => doc.setIn(['traffic', 'mix', 0, 'model'], 'v3'))).toMatch(
      /priceBooks\.theoretical\.prices: no price for model "v3"/,
    );
    expect(errorFor((doc) => doc.setIn(['priceBooks', 'theoretical', 'paidChannels'], ['apl']))).toMatch(
      /paidChannels\[0\]: channel "apl" does not appear in the traffic \(channels: api\)/,
    );
  });

  it('a price book that takes effect after the window starts', () => {
    expect(errorFor((doc) => doc.setIn(['priceBooks', 'theoretical', 'effectiveFrom'], '2025-01-01T02:00:00Z'))).toMatch(
      /^bad\.yaml:\d+: priceBooks\.theoretical\.effectiveFrom: prices take effect at 2025-01-01T02:00:00Z, after the window starts \(2025-01-01T00:00:00Z\); the earlier hours would have no price/,
    );
    const doc = parseDocument(BASE);
    doc.setIn(['priceBooks', 'theoretical', 'effectiveFrom'], '2025-01-01T00:00:00Z');
    expect(loadScenario(doc.toString(), 'ok.yaml').theoretical.versions).toHaveLength(1);
  });

  it('mix shares that do not sum to 1, and weights that do not match the buckets', () => {
    expect(errorFor((doc) => doc.setIn(['traffic', 'mix', 0, 'share'], 0.9))).toMatch(/^bad\.yaml:\d+: traffic\.mix: the inputCacheHit shares sum to 0\.9, expected exactly 1/);
    // Exact: a share a float tolerance would have let through is named to its last digit.
    const perClass = { inputCacheHit: 1, inputCacheMiss: 1, output: 0.9999996 };
    expect(errorFor((doc) => doc.setIn(['traffic', 'mix', 0, 'share'], perClass))).toMatch(/traffic\.mix: the output shares sum to 0\.9999996, expected exactly 1/);
    expect(errorFor((doc) => doc.setIn(['traffic', 'bucketWeights'], [1, 2]))).toMatch(/expected 4 weights, one per bucket/);
  });

  it('a window that cannot be read', () => {
    expect(errorFor((doc) => doc.setIn(['window', 'end'], '2025-01-01T04:00:00'))).toMatch(/window\.end: .* not an ISO timestamp with an offset/);
    expect(errorFor((doc) => doc.setIn(['window', 'end'], '2024-12-31T00:00:00Z'))).toMatch(/window\.end: the window ends at or before it starts/);
    expect(errorFor((doc) => doc.setIn(['window', 'bucket'], '7m'))).toMatch(/does not divide the window/);
  });

  it('a GPU cost given both ways, or neither', () => {
    expect(errorFor((doc) => doc.setIn(['fleet', 'gpuCost'], {}))).toMatch(/fleet\.gpuCost: expected exactly one of usdPerGpuHour or tco/);
  });

  it('text that is not YAML, and JSON with an error', () => {
    expect(() => loadScenario('name: [unclosed\n', 'bad.yaml')).toThrow(/^bad\.yaml:\d+: not valid YAML or JSON/);
    expect(() => loadScenario('{"name": "x",}', 'bad.json')).toThrow(/bad\.json:1:/);
  });
});

describe('catalog checks', () => {
  it('an unknown GPU lists the known ones', () => {
    expect(errorFor((doc) => doc.setIn(['fleet', 'gpu'], 'h900'))).toMatch(/^bad\.yaml:8: fleet\.gpu: unknown GPU "h900" \(known GPUs: h800, /);
    expect(errorFor((doc) => doc.setIn(['fleet', 'pools', 0, 'gpu'], 'tpu'))).toMatch(/fleet\.pools\[0\]\.gpu: unknown GPU "tpu"/);
  });
});

describe('cross-key checks found in review', () => {
  it('a price factor for a model nobody sends', () => {
    expect(errorFor((doc) => doc.setIn(['priceBooks', 'theoretical', 'timeOfDay', 0, 'priceFactor'], { r2: 0.5 }))).toMatch(
      /timeOfDay\[0\]\.priceFactor\.r2: model "r2" does not appear in the traffic \(models: r1\)/,
    );
  });

  it('bucket weights that are all zero', () => {
    expect(errorFor((doc) => doc.setIn(['traffic', 'bucketWeights'], [0, 0, 0, 0]))).toMatch(/traffic\.bucketWeights: expected at least one weight > 0/);
  });

  it('a window from 00:00 to 24:00 is the whole day, not an empty one', () => {
    const doc = parseDocument(BASE);
    doc.setIn(['priceBooks', 'theoretical', 'timeOfDay', 0, 'from'], '00:00');
    doc.setIn(['priceBooks', 'theoretical', 'timeOfDay', 0, 'to'], '24:00');
    expect(loadScenario(doc.toString(), 'ok.yaml').theoretical.rules[0]).toMatchObject({ startMinute: 0, endMinute: 1440 });
  });
});

describe('simulation section checks', () => {
  const SIM = `${BASE.replace('    - name: prefill', '    - { name: decode, serves: output, nodesPerUnit: 4, steps: [{ from: "00:00", units: 1 }] }\n    - name: prefill')}simulation:
  model: deepseek-v3
  workload:
    synthetic:
      requestsInWindow: 1000
      streams:
        - { model: r1, channel: api, weight: 1, inputTokens: 1000, outputTokens: { lognormal: { mean: 100, cv: 1 } } }
  serving:
    prefill: { layout: { ep: 32 } }
    decode: { layout: { ep: 32 } }
    kvTransfer: { gigabytesPerSecondPerGpu: 40 }
`;

  it('accepts the base simulation', () => {
    expect(loadScenario(SIM, 'ok.yaml').simulation?.config.prefill.gpusPerUnit).toBe(32);
  });

  it('prefill and decode on the same pool', () => {
    expect(errorFor((doc) => doc.setIn(['simulation', 'serving', 'decode', 'pool'], 'prefill'), SIM)).toMatch(
      /simulation\.serving\.decode\.pool: prefill and decode need pools of their own; both are "prefill"/,
    );
  });

  it('a length distribution that cannot be drawn, before the run', () => {
    expect(errorFor((doc) => doc.setIn(['simulation', 'workload', 'synthetic', 'streams', 0, 'inputTokens'], { uniform: [200, 100] }), SIM)).toMatch(
      /streams\[0\]\.inputTokens: expected max ≥ min, got 200\.\.100/,
    );
    expect(
      errorFor((doc) => doc.setIn(['simulation', 'workload', 'synthetic', 'streams', 0, 'outputTokens'], { lognormal: { mean: 100, cv: 1, min: 500, max: 200 } }), SIM),
    ).toMatch(/streams\[0\]\.outputTokens: expected max ≥ min/);
  });

  it('an unknown model for the performance model', () => {
    expect(errorFor((doc) => doc.setIn(['simulation', 'model'], 'gpt-9'), SIM)).toMatch(/simulation\.model: unknown model "gpt-9" \(known models: /);
  });
});
