import { randomBytes } from 'node:crypto';
import { accessSync, constants, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../errors.js';

export function readTextFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read: ${fileErrorReason(error)}`, path);
  }
}

/** Why a file could not be opened, in a few words and without the path (the caller names it once). */
export function fileErrorReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  const message = (error as Error).message;
  // Node's own messages end with the syscall and the path ("..., open '/x'"): keep the reason only.
  return code && message.startsWith(`${code}: `) ? message.slice(code.length + 2).replace(/, \w+ '.*'$/, '') : message;
}

/** Why `path` could not be read as a file, or undefined if it can. */
export function unreadableFileReason(path: string): string | undefined {
  try {
    if (statSync(path).isDirectory()) return 'is a directory';
    accessSync(path, constants.R_OK);
    return undefined;
  } catch (error) {
    return fileErrorReason(error);
  }
}

/**
 * Writes the whole file or nothing: the text goes to a temporary file beside the target, which is
 * renamed over it only once complete, so a failure never leaves a half-written output.
 */
export function writeFileAtomic(path: string, text: string): void {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new InputError(`cannot write: ${(error as Error).message}`, path);
  }
}

/** Fails now, with the path, if `path` could not be written later (a missing or read-only folder). */
export function checkWritable(path: string): void {
  const folder = dirname(path);
  try {
    if (!statSync(folder).isDirectory()) throw new Error('not a folder');
    accessSync(folder, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`cannot write: ${code === 'ENOENT' ? `no folder ${folder}` : (error as Error).message}`, path);
  }
}
