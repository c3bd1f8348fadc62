import { formatNumber } from '../report/format.js';

/** `3 malformed trace rows (first: t.jsonl:4: expected ...)`: what a run that skips bad rows says about them. */
export function skippedRowsLine(rows: number, first: string | null | undefined): string {
  return `${formatNumber(rows, 0)} malformed trace row${rows === 1 ? '' : 's'}${first == null ? '' : ` (first: ${first})`}`;
}
