// The library's public face; each layer adds its exports here.
export { InputError, isInputError } from './errors.js';
export * from './catalog/gpus.js';
export * from './catalog/models.js';
export { CALIBRATION, type Calibration } from './perf/calibration.js';
export * from './perf/layout.js';
export * from './perf/memory.js';
export { expertImbalanceFactor, zipfExpertLoads } from './perf/imbalance.js';
export * from './perf/step-model.js';
export * from './perf/evaluate.js';
export * from './perf/presets.js';
