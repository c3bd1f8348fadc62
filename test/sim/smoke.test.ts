import { describe, expect, it } from 'vitest';
import { AffineStepTimeModel } from '../../src/sim/stepTime.js';
import { runFleet } from '../../src/sim/runFleet.js';
import { arraySource } from '../../src/workload/request.js';
import { smallFleet } from './fixtures.js';

describe('runFleet smoke', () => {
  it('serves a few requests', () => {
    const model = new AffineStepTimeModel({ prefillFixedSeconds: 0.1, decodeFixedSeconds: 0.05 });
    const source = arraySource([
      { arrivalSeconds: 0, inputTokens: 100, outputTokens: 10 },
      { arrivalSeconds: 1, inputTokens: 200, outputTokens: 20 },
      { arrivalSeconds: 1, inputTokens: 300, outputTokens: 1 },
    ]);
    const result = runFleet(smallFleet(), source, model);
    expect(result.requests.completed).toBe(3);
  });
});
