// Step-time evaluations per second, as the simulator calls them: one model per unit kind, varying
// batches (warm memo, as in a long run) plus a cold pass where every batch size is new.
import { lookupGpu, lookupModel, createStepTimeModel } from '../dist/index.js';

const v3 = lookupModel('deepseek-v3');
const h800 = lookupGpu('h800');
const decode = createStepTimeModel(v3, h800, { nodes: 18, redundantExperts: 32 }, 'decode');
const prefill = createStepTimeModel(v3, h800, { nodes: 4, redundantExperts: 32 }, 'prefill');

function rate(label, calls, body) {
  let sink = 0;
  for (let i = 0; i < Math.min(calls, 10000); i++) sink += body(i);
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) sink += body(i);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (!Number.isFinite(sink)) throw new Error(`${label}: non-finite step time`);
  return calls / seconds;
}

const decodeRate = rate('decode', 2_000_000, (i) => {
  const sequences = 1 + (i % 150);
  return decode.decodeStepSeconds({ sequences, kvTokens: sequences * (1000 + (i % 4000)) });
});
const prefillRate = rate('prefill', 2_000_000, (i) => {
  const newTokens = 512 + (i % 16000);
  return prefill.prefillStepSeconds({ newTokens, attentionPairs: newTokens * 2048, cachedTokens: i % 8192, sequences: 1 + (i % 8) });
});
// Cold: a fresh model each round, so every call fills the memo (the worst case).
let coldModel = createStepTimeModel(v3, h800, { nodes: 18, redundantExperts: 32 }, 'decode');
const coldRate = rate('cold', 200_000, (i) => {
  if (i % 20000 === 0) coldModel = createStepTimeModel(v3, h800, { nodes: 18, redundantExperts: 32 }, 'decode');
  const sequences = 1 + (i % 20000) / 1000;
  return coldModel.decodeStepSeconds({ sequences, kvTokens: sequences * 4096 });
});

process.stdout.write(
  `${JSON.stringify({
    evaluationsPerSecond: Math.round((decodeRate + prefillRate) / 2),
    decodeEvaluationsPerSecond: Math.round(decodeRate),
    prefillEvaluationsPerSecond: Math.round(prefillRate),
    coldDecodeEvaluationsPerSecond: Math.round(coldRate),
  })}\n`,
);
