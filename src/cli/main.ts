import { Command, CommanderError } from 'commander';
import { isInputError } from '../errors.js';
import { registerReport } from './report.js';
import { registerPerf } from './perf.js';
import { registerSimulate } from './simulate.js';
import { registerWorkload } from './workload.js';

/** Where the CLI writes; tests pass their own to capture output. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** Runs the `tokenfleet` command line; resolves to the process exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const program = new Command('tokenfleet')
    .description('A digital twin of an LLM inference fleet joined to an exact economics ledger')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  registerReport(program, io);
  registerPerf(program, io);
  registerSimulate(program, io);
  registerWorkload(program, io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (isInputError(error)) {
      io.stderr(`tokenfleet: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
