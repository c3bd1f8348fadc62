import type { FleetConfig } from './config.js';
import type { EventQueue } from './eventQueue.js';
import type { FleetMetrics } from './metrics.js';
import type { RequestTable } from './requestTable.js';
import type { DecodeLoad, PrefillLoad } from './stepTime.js';

/** Event kinds of the fleet run; the target's meaning depends on the kind. */
export const EV_ARRIVAL = 0; // target unused: the source's next record is held by the run
export const EV_PREFILL_STEP_END = 1; // target: prefill unit
export const EV_KV_ARRIVED = 2; // target: request slot
export const EV_DECODE_SEGMENT_END = 3; // target: decode unit
export const EV_PLAN_STEP = 4; // target: pool × 2^20 + index of the schedule step
export const EV_AUTOSCALE = 5; // target: pool
export const EV_UNIT_READY = 6; // target: pool × 2^20 + unit

/** What the pools need from the run that owns them: shared state and the two hand-offs. */
export interface SimContext {
  readonly config: FleetConfig;
  readonly queue: EventQueue;
  readonly requests: RequestTable;
  readonly metrics: FleetMetrics;
  /** Prices a prefill step: the one door to the step-time model (checked > 0 and finite). */
  prefillStepSeconds(load: PrefillLoad): number;
  /** Prices a decode step, likewise. */
  decodeStepSeconds(load: DecodeLoad): number;
  /** A request's prompt is computed: first token out, KV on its way to decode. */
  prefillDone(slot: number, nowSeconds: number, lastStepSeconds: number): void;
  /** A request's last token is out. */
  decodeDone(slot: number, nowSeconds: number): void;
  /** A request whose prompt and answer can never fit one decode GPU's KV: refused at decode admission. */
  decodeRejected(slot: number, nowSeconds: number): void;
}
