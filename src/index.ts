// The library's public face; each layer adds its exports here.
export { InputError, isInputError } from './errors.js';
