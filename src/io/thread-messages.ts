import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { isInputError } from '../errors.js';
import { FAILED, type RingWriter } from './record-ring.js';

/**
 * What a workload thread posts on its port: the names first (the generation thread), or why it stopped;
 * its supervisor posts why for a thread that could not. An `inputError` is reported as one line.
 */
export type WorkloadThreadMessage =
  | { type: 'names'; models: string[]; channels: string[] }
  | { type: 'error'; message: string; inputError: boolean; stack?: string };

type ErrorMessage = Extract<WorkloadThreadMessage, { type: 'error' }>;

/** A worker's last word: says why on its port, then fails its ring (the reader waits on the ring, not on the port). */
export function reportFailure(port: MessagePort, ring: RingWriter, error: unknown): void {
  const e = error instanceof Error ? error : new Error(String(error));
  const message: WorkloadThreadMessage = { type: 'error', message: e.message, inputError: isInputError(error), stack: e.stack };
  port.postMessage(message);
  ring.setState(FAILED);
}

/** The error a worker posted on the other end of `port`, if any (other messages are passed over). */
export function postedError(port: MessagePort): ErrorMessage | undefined {
  for (let received = receiveMessageOnPort(port); received; received = receiveMessageOnPort(port)) {
    const message = received.message as WorkloadThreadMessage;
    if (message.type === 'error') return message;
  }
  return undefined;
}
