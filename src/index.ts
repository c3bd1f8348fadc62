// The library's public face; each layer adds its exports here.
export { InputError, isInputError } from './errors.js';
export * from './sim/index.js';
export * from './workload/index.js';
