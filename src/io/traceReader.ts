import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { InputError } from '../errors.js';
import { fileErrorReason } from './files.js';
import type { RequestRecord, RequestSource } from '../workload/request.js';
import { traceParser, type TraceFormat } from '../workload/traceFormats.js';

/**
 * Reads a file line by line in fixed-size chunks, synchronously, so a RequestSource can pull one row
 * at a time without awaiting per request. Handles \n and \r\n and a last line without a newline.
 */
export class LineReader {
  private fd: number;
  private readonly buffer: Buffer;
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  private lines: string[] = [];
  private lineIndex = 0;
  private eof = false;
  /** 1-based number of the line last returned. */
  lineNumber = 0;

  constructor(path: string, chunkBytes = 1 << 20) {
    try {
      this.fd = openSync(path, 'r');
    } catch (error) {
      throw new InputError(`cannot open: ${fileErrorReason(error)}`, path);
    }
    // A folder opens, then fails its first read: say so now, as for a missing file.
    if (fstatSync(this.fd).isDirectory()) {
      this.close();
      throw new InputError('cannot open: is a directory', path);
    }
    this.buffer = Buffer.allocUnsafe(chunkBytes);
  }

  /** The next line without its line ending, or null at the end of the file. */
  nextLine(): string | null {
    while (this.lineIndex >= this.lines.length) {
      if (this.eof) return null;
      this.fill();
    }
    this.lineNumber++;
    return this.lines[this.lineIndex++];
  }

  close(): void {
    if (this.fd >= 0) {
      closeSync(this.fd);
      this.fd = -1;
    }
  }

  private fill(): void {
    const bytes = this.fd < 0 ? 0 : readSync(this.fd, this.buffer, 0, this.buffer.length, null);
    let text: string;
    if (bytes === 0) {
      this.eof = true;
      this.close();
      text = this.pending + this.decoder.end();
      this.lines = text.length > 0 ? [stripCr(text)] : [];
    } else {
      text = this.pending + this.decoder.write(this.buffer.subarray(0, bytes));
      const parts = text.split('\n');
      this.pending = parts.pop() as string;
      for (let i = 0; i < parts.length; i++) parts[i] = stripCr(parts[i]);
      this.lines = parts;
    }
    this.lineIndex = 0;
  }
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

export interface TraceReadOptions {
  /** Skip malformed rows and count them instead of stopping at the first (default false). */
  skipMalformed?: boolean;
  /** Name of the one model every row is attributed to (default 'default'). */
  model?: string;
  /** Name of the one channel every row is attributed to (default 'api'). */
  channel?: string;
  /** Name used in error messages instead of the path's base name. */
  displayName?: string;
}

export interface TraceSource extends RequestSource {
  readonly format: TraceFormat;
  /** Rows skipped as malformed so far (only with skipMalformed). */
  readonly skippedRows: number;
  /** The first few skip reasons, each `file:line: what was expected`. */
  readonly skippedExamples: readonly string[];
}

/** The format the file name tells: .jsonl → Mooncake, .csv → Azure 2023; undefined for any other name. */
export function inferTraceFormat(path: string): TraceFormat | undefined {
  if (path.endsWith('.jsonl')) return 'mooncake';
  if (path.endsWith('.csv')) return 'azure-2023';
  return undefined;
}

export const UNKNOWN_TRACE_FORMAT = 'cannot tell the trace format: expected a .csv (Azure 2023) or .jsonl (Mooncake) file';

/** Infers the format from the file name (inferTraceFormat), or fails naming the file. */
export function traceFormatOf(path: string): TraceFormat {
  const format = inferTraceFormat(path);
  if (format === undefined) throw new InputError(UNKNOWN_TRACE_FORMAT, path);
  return format;
}

/** A streaming source over a trace file; arrivals must be in time order (both public traces are). */
export function openTrace(path: string, format: TraceFormat = traceFormatOf(path), options: TraceReadOptions = {}): TraceSource {
  const reader = new LineReader(path);
  const parser = traceParser(format);
  const name = options.displayName ?? basename(path);
  const skippedExamples: string[] = [];
  let skippedRows = 0;
  let lastArrival = Number.NEGATIVE_INFINITY;
  return {
    format,
    models: [options.model ?? 'default'],
    channels: [options.channel ?? 'api'],
    get skippedRows() {
      return skippedRows;
    },
    skippedExamples,
    next(out: RequestRecord): boolean {
      for (;;) {
        const line = reader.nextLine();
        if (line === null) return false;
        const where = `${name}:${reader.lineNumber}`;
        try {
          if (!parser.parse(line, where, out)) continue;
          if (out.arrivalSeconds < lastArrival) {
            throw new InputError(`expected arrivals in time order, got ${out.arrivalSeconds} s after ${lastArrival} s`, where);
          }
          lastArrival = out.arrivalSeconds;
          return true;
        } catch (error) {
          if (!(error instanceof InputError) || !options.skipMalformed) {
            reader.close();
            throw error;
          }
          skippedRows++;
          if (skippedExamples.length < 10) skippedExamples.push(error.message);
        }
      }
    },
    close: () => reader.close(),
  };
}
