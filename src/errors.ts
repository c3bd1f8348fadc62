/**
 * Errors a user can act on: bad input (a scenario key, a trace line, an unknown GPU) or a request the
 * model cannot honour (a batch that does not fit). The CLI prints `message` as one line and exits 1;
 * anything else is a bug and keeps its stack.
 */
export class InputError extends Error {
  override readonly name = 'InputError';
  /** Where the problem is, e.g. `scenario.yaml:12` or `fleet.pools[0].steps[3].from`. */
  readonly where: string | undefined;

  constructor(message: string, where?: string) {
    super(where ? `${where}: ${message}` : message);
    this.where = where;
  }
}

export function isInputError(error: unknown): error is InputError {
  return error instanceof InputError;
}
