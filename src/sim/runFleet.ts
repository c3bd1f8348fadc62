import { InputError } from '../errors.js';
import { newRequestRecord, type RequestRecord, type RequestSource } from '../workload/request.js';
import { validateFleetConfig, type FleetConfig } from './config.js';
import {
  EV_ARRIVAL,
  EV_AUTOSCALE,
  EV_DECODE_SEGMENT_END,
  EV_KV_ARRIVED,
  EV_PLAN_STEP,
  EV_PREFILL_STEP_END,
  EV_UNIT_READY,
  type SimContext,
} from './context.js';
import { DecodePool } from './decodePool.js';
import { EventQueue } from './eventQueue.js';
import { FleetPlanner } from './fleetPlan.js';
import { F, FleetMetrics, type Gauge } from './metrics.js';
import { PrefillPool } from './prefillPool.js';
import { PrefixCache } from './prefixCache.js';
import { F64_PER_SLOT, I32_PER_SLOT, R_ARRIVAL, R_CHANNEL, R_FIRST_TOKEN, R_HIT, R_INPUT, R_MODEL, R_OUTPUT, RequestTable } from './requestTable.js';
import { buildResult, type FleetResult } from './result.js';
import type { DecodeLoad, PrefillLoad, StepTimeModel } from './stepTime.js';

export interface RunProgress {
  simulatedSeconds: number;
  arrived: number;
  completed: number;
  inFlight: number;
  events: number;
}

export interface RunOptions {
  /** After the window ends, keep serving until every admitted request completes (default true). */
  drain?: boolean;
  /** Called every `progressEveryEvents` events (default 2^18); the library never prints. */
  onProgress?: (progress: RunProgress) => void;
  progressEveryEvents?: number;
}

/**
 * Replays a workload through the disaggregated fleet: API server → prefill balancer → prefill units
 * (with the prefix cache) → KV transfer → decode balancer → decode units, with the fleet sized by a
 * schedule or an autoscaler. Deterministic: the same inputs give the same result, field for field.
 */
export function runFleet(config: FleetConfig, source: RequestSource, stepModel: StepTimeModel, options: RunOptions = {}): FleetResult {
  return new FleetRun(config, source, stepModel, options).run();
}

class FleetRun implements SimContext {
  readonly config: FleetConfig;
  readonly queue = new EventQueue(4096, EV_ARRIVAL);
  readonly requests = new RequestTable(4096);
  readonly metrics: FleetMetrics;
  private readonly stepModel: StepTimeModel;
  private readonly source: RequestSource;
  private readonly options: RunOptions;
  private readonly cache: PrefixCache | null;
  private readonly prefill: PrefillPool;
  private readonly decode: DecodePool;
  private readonly planner: FleetPlanner;
  private readonly record: RequestRecord = newRequestRecord();
  private readonly prefillQueue: Gauge;
  private readonly decodeWaiting: Gauge;
  private readonly inFlight: Gauge;
  private prefillQueued = 0;
  private arrived = 0;
  private beforeWindow = 0;
  private admitted = 0;
  private rejected = 0;
  private rejectedTooLongForDecode = 0;
  private completed = 0;
  /** Events handled where they arose instead of going through the queue. */
  private inlineEvents = 0;
  private sourceOpen = true;
  private lastArrivalSeconds = Number.NEGATIVE_INFINITY;

  constructor(config: FleetConfig, source: RequestSource, stepModel: StepTimeModel, options: RunOptions) {
    validateFleetConfig(config);
    this.config = config;
    this.source = source;
    this.stepModel = stepModel;
    this.options = options;
    const { startSeconds, endSeconds, bucketSeconds } = config;
    this.metrics = new FleetMetrics(
      startSeconds,
      bucketSeconds,
      Math.max(1, source.models.length),
      Math.max(1, source.channels.length),
      Math.ceil((endSeconds - startSeconds) / bucketSeconds),
    );
    if (source.resolvesCacheHits) {
      // Hits resolved ahead assume the cache sees every arrival; a rejected request would not touch it.
      if (!config.cache) throw new Error('runFleet: the source resolves cache hits but the fleet has no KV cache');
      if (config.api.maxQueuedRequests !== Number.POSITIVE_INFINITY) throw new Error('runFleet: cache hits resolved ahead need an API server that never rejects');
    }
    this.cache = config.cache && !source.resolvesCacheHits ? new PrefixCache(config.cache.capacityBytes / config.kvBytesPerToken) : null;
    this.prefill = new PrefillPool(this, startSeconds);
    this.decode = new DecodePool(this, startSeconds);
    this.decode.onWaitingChanged = (now) => this.metrics.setGauge(this.decodeWaiting, now, this.decode.waitingCount);
    this.planner = new FleetPlanner(this, this.prefill, this.decode);
    this.prefillQueue = this.metrics.newGauge(F.prefillQueueRequestSeconds, F.prefillQueueMax, startSeconds);
    this.decodeWaiting = this.metrics.newGauge(F.decodeWaitingRequestSeconds, F.decodeWaitingMax, startSeconds);
    this.inFlight = this.metrics.newGauge(F.inFlightRequestSeconds, F.inFlightMax, startSeconds);
  }

  run(): FleetResult {
    const { startSeconds, endSeconds } = this.config;
    const drain = this.options.drain ?? true;
    const progressEvery = this.options.progressEveryEvents ?? 1 << 18;
    const onProgress = this.options.onProgress;
    this.planner.start(startSeconds);
    this.pullNextArrival();
    const queue = this.queue;
    let events = 0;
    let untilProgress = progressEvery;
    let now = startSeconds;
    while (queue.size > 0) {
      if (!drain && queue.peekTime() > endSeconds) break;
      queue.pop();
      now = queue.poppedTimeSeconds;
      const target = queue.poppedTarget;
      switch (queue.poppedKind) {
        case EV_ARRIVAL:
          this.arrive(now);
          this.pullNextArrival();
          break;
        case EV_PREFILL_STEP_END:
          this.prefill.stepEnded(target, now);
          break;
        case EV_KV_ARRIVED:
          this.decode.admit(target, now);
          break;
        case EV_DECODE_SEGMENT_END:
          this.decode.segmentEnded(target, now);
          break;
        case EV_PLAN_STEP:
          this.planner.planStep(target, now);
          break;
        case EV_AUTOSCALE:
          this.planner.autoscale(target, now);
          break;
        case EV_UNIT_READY:
          (target >> 20 === 0 ? this.prefill : this.decode).unitReady(target & 0xfffff, now);
          break;
        default:
          throw new Error(`unknown event kind ${queue.poppedKind}`);
      }
      events++;
      if (--untilProgress === 0) {
        untilProgress = progressEvery;
        onProgress?.({ simulatedSeconds: now, arrived: this.arrived, completed: this.completed, inFlight: this.requests.inFlight, events: events + this.inlineEvents });
      }
    }
    this.source.close?.();
    const finishSeconds = drain ? Math.max(endSeconds, now) : endSeconds;
    for (const gauge of [this.prefillQueue, this.decodeWaiting, this.inFlight]) this.metrics.closeGauge(gauge, finishSeconds);
    this.prefill.finish(finishSeconds);
    this.decode.finish(finishSeconds);
    const decodeShape = this.config.decode;
    return buildResult({
      metrics: this.metrics,
      models: this.source.models.length > 0 ? [...this.source.models] : ['default'],
      channels: this.source.channels.length > 0 ? [...this.source.channels] : ['default'],
      window: { startSeconds, endSeconds, finishSeconds, bucketSeconds: this.config.bucketSeconds },
      requests: {
        arrived: this.arrived,
        beforeWindow: this.beforeWindow,
        admitted: this.admitted,
        rejected: this.rejected,
        rejectedTooLongForDecode: this.rejectedTooLongForDecode,
        completed: this.completed,
        inFlightAtEnd: this.requests.inFlight,
        peakInFlight: this.requests.capacityUsed,
      },
      prefillNodesPerUnit: this.config.prefill.nodesPerUnit,
      decodeNodesPerUnit: decodeShape.nodesPerUnit,
      decodeGpusPerNode: decodeShape.gpusPerUnit / decodeShape.nodesPerUnit,
      fleetSteps: { prefill: this.prefill.steps, decode: this.decode.steps },
      events: queue.scheduledCount + this.inlineEvents,
    });
  }

  /** Holds the source's next request in `record` and schedules its arrival; one arrival event at a time. */
  private pullNextArrival(): void {
    while (this.sourceOpen) {
      if (!this.source.next(this.record)) {
        this.sourceOpen = false;
        return;
      }
      const t = this.record.arrivalSeconds;
      if (!(t >= this.lastArrivalSeconds)) {
        throw new InputError(`expected arrivals in time order, got ${t} s after ${this.lastArrivalSeconds} s`, 'workload');
      }
      this.lastArrivalSeconds = t;
      if (t >= this.config.endSeconds) {
        this.sourceOpen = false;
        return;
      }
      if (t < this.config.startSeconds) {
        this.arrived++;
        this.beforeWindow++;
        continue;
      }
      this.queue.schedule(t, EV_ARRIVAL, 0);
      return;
    }
  }

  private arrive(now: number): void {
    const r = this.record;
    const m = this.metrics;
    this.arrived++;
    m.add(F.arrived, now, 1);
    if (this.prefillQueued >= this.config.api.maxQueuedRequests) {
      this.rejected++;
      m.add(F.rejected, now, 1);
      return;
    }
    this.admitted++;
    m.add(F.admitted, now, 1);
    const requests = this.requests;
    const slot = requests.allocate();
    const input = r.inputTokens;
    let hit = 0;
    if (this.source.resolvesCacheHits) {
      if (r.hitBlocks < 0) throw new Error(`runFleet: a request at ${now} s came without its cache hit`);
      hit = Math.min(r.hitBlocks * r.blockTokens, input);
    } else if (this.cache && r.blockCount > 0) {
      const blocks = this.cache.lookupAndInsert(r.blockIds, r.blockCount, r.blockTokens);
      hit = Math.min(blocks * r.blockTokens, input);
    }
    requests.arrivalSeconds[slot] = now;
    requests.inputTokens[slot] = input;
    requests.outputTokens[slot] = r.outputTokens;
    requests.hitTokens[slot] = hit;
    // At least one token is computed: the last prompt position yields the first output token.
    requests.computeLeft[slot] = Math.max(1, input - hit);
    requests.computed[slot] = 0;
    requests.modelIndex[slot] = r.modelIndex;
    requests.channelIndex[slot] = r.channelIndex;
    m.add(F.admittedInputTokens, now, input);
    m.add(F.admittedHitTokens, now, hit);
    this.prefillQueued++;
    m.setGauge(this.prefillQueue, now, this.prefillQueued);
    m.setGauge(this.inFlight, now, requests.inFlight);
    this.prefill.enqueue(slot, now);
  }

  // The only calls into the step-time model.
  prefillStepSeconds(load: PrefillLoad): number {
    return checkedStep(this.stepModel.prefillStepSeconds(load), 'prefill', load);
  }

  decodeStepSeconds(load: DecodeLoad): number {
    return checkedStep(this.stepModel.decodeStepSeconds(load), 'decode', load);
  }

  prefillDone(slot: number, nowSeconds: number, lastStepSeconds: number): void {
    const requests = this.requests;
    const m = this.metrics;
    const i32 = requests.i32;
    const at = slot * I32_PER_SLOT;
    const input = i32[at + R_INPUT];
    const hit = i32[at + R_HIT];
    const model = i32[at + R_MODEL];
    const channel = i32[at + R_CHANNEL];
    requests.f64[slot * F64_PER_SLOT + R_FIRST_TOKEN] = nowSeconds;
    m.prefilled(nowSeconds, model, channel, hit, input);
    this.prefillQueued--;
    m.setGauge(this.prefillQueue, nowSeconds, this.prefillQueued);
    if (i32[at + R_OUTPUT] <= 1) {
      this.finish(slot, nowSeconds);
      return;
    }
    const t = this.config.kvTransfer;
    const transferSeconds = (input * this.config.kvBytesPerToken) / t.bytesPerSecondPerGpu;
    const delaySeconds = t.overlapped ? Math.max(0, transferSeconds - lastStepSeconds) : transferSeconds;
    if (delaySeconds > 0) {
      this.queue.schedule(nowSeconds + delaySeconds, EV_KV_ARRIVED, slot);
      return;
    }
    // Transferred while the step ran (the usual case): the event would come next at this instant, as
    // the rest of the step's requests' do, so it is handled here and only counted.
    this.inlineEvents++;
    this.decode.admit(slot, nowSeconds);
  }

  decodeDone(slot: number, nowSeconds: number): void {
    this.finish(slot, nowSeconds);
  }

  decodeRejected(slot: number, nowSeconds: number): void {
    const requests = this.requests;
    const m = this.metrics;
    const i32 = requests.i32;
    const at = slot * I32_PER_SLOT;
    // A refused request pays nothing: its prompt, billed when computed, leaves the ledger.
    m.unbilled(requests.f64[slot * F64_PER_SLOT + R_FIRST_TOKEN], i32[at + R_MODEL], i32[at + R_CHANNEL], i32[at + R_HIT], i32[at + R_INPUT]);
    this.rejected++;
    this.rejectedTooLongForDecode++;
    m.add(F.rejected, nowSeconds, 1);
    requests.release(slot);
    m.setGauge(this.inFlight, nowSeconds, requests.inFlight);
  }

  /** A request's last token is out (its first, for a one-token answer: no time per output token). */
  private finish(slot: number, nowSeconds: number): void {
    const requests = this.requests;
    const m = this.metrics;
    const i32 = requests.i32;
    const f64 = requests.f64;
    const at = slot * I32_PER_SLOT;
    const d = slot * F64_PER_SLOT;
    const arrival = f64[d + R_ARRIVAL];
    const firstToken = f64[d + R_FIRST_TOKEN];
    const output = i32[at + R_OUTPUT];
    // Computed here, not passed in: a double handed to a call the compiler does not inline is boxed.
    const tpotSeconds = output > 1 ? (nowSeconds - firstToken) / (output - 1) : -1;
    m.completed(nowSeconds, i32[at + R_MODEL], i32[at + R_CHANNEL], i32[at + R_INPUT], output, firstToken - arrival, tpotSeconds, nowSeconds - arrival);
    this.completed++;
    requests.release(slot);
    m.setGauge(this.inFlight, nowSeconds, requests.inFlight);
  }
}

function checkedStep(seconds: number, kind: string, load: PrefillLoad | DecodeLoad): number {
  if (seconds > 0 && seconds < Number.POSITIVE_INFINITY) return seconds;
  throw new Error(`step-time model returned ${seconds} s for a ${kind} step with load ${JSON.stringify(load)}`);
}
