import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { isInputError } from '../errors.js';
import { FAILED, type RingWriter } from './record-ring.js';

/**
 * What a workload thread posts on its port: the names first (the generation thread), the first trace
 * rows it skipped (before it finishes, if it skipped any), or why it stopped; its supervisor posts why
 * for a thread that could not. An `inputError` is reported as one line.
 */
export type WorkloadThreadMessage =
  | { type: 'names'; models: string[]; channels: string[] }
  | { type: 'skipped'; examples: string[] }
  | { type: 'error'; message: string; inputError: boolean; stack?: string };

type ErrorMessage = Extract<WorkloadThreadMessage, { type: 'error' }>;

/** A worker's last word: says why on its port, then fails its ring (the reader waits on the ring, not on the port). */
export function reportFailure(port: MessagePort, ring: RingWriter, error: unknown): void {
  const e = error instanceof Error ? error : new Error(String(error));
  const message: WorkloadThreadMessage = { type: 'error', message: e.message, inputError: isInputError(error), stack: e.stack };
  port.postMessage(message);
  ring.setState(FAILED);
}

/** The first message of `type` a worker posted on the other end of `port`, if any (others are passed over). */
function posted<T extends WorkloadThreadMessage['type']>(port: MessagePort, type: T): Extract<WorkloadThreadMessage, { type: T }> | undefined {
  for (let received = receiveMessageOnPort(port); received; received = receiveMessageOnPort(port)) {
    const message = received.message as WorkloadThreadMessage;
    if (message.type === type) return message as Extract<WorkloadThreadMessage, { type: T }>;
  }
  return undefined;
}

/** The error a worker posted on the other end of `port`, if any. */
export function postedError(port: MessagePort): ErrorMessage | undefined {
  return posted(port, 'error');
}

/** The skipped trace rows the generation thread posted on the other end of `port`, if any. */
export function postedSkippedExamples(port: MessagePort): string[] | undefined {
  return posted(port, 'skipped')?.examples;
}
