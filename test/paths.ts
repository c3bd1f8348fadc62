import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The shared trace folder sits beside the clone (../shared/traces), locally and in CI. */
export const tracesDir = resolve(repoRoot, '../shared/traces');
