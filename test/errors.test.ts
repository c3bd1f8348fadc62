import { describe, expect, it } from 'vitest';
import { InputError, isInputError } from '../src/errors.js';

describe('InputError', () => {
  it('puts where before what', () => {
    const error = new InputError('expected a number', 'scenario.yaml:3');
    expect(error.message).toBe('scenario.yaml:3: expected a number');
    expect(isInputError(error)).toBe(true);
    expect(isInputError(new Error('x'))).toBe(false);
  });
});
