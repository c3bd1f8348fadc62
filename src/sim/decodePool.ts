import { CompletionWheel } from './completionWheel.js';
import type { DecodePoolConfig } from './config.js';
import { EV_DECODE_SEGMENT_END, type SimContext } from './context.js';
import { growI32 } from './eventQueue.js';
import { GpuLoadHeap } from './gpuLoadHeap.js';
import { DECODE, F } from './metrics.js';
import { ACTIVE, DRAINING, GONE, Pool, type UnitBase } from './pool.js';
import { F64_PER_SLOT, I32_PER_SLOT, R_INPUT, R_JOIN_STEP, R_OUTPUT, R_RANK, R_UNIT, touchBlock } from './requestTable.js';
import type { DecodeLoad } from './stepTime.js';

/**
 * Per GPU the balancer keeps n (requests) and A = Σ(input − t·joinStep), t tokens per step; at unit
 * step S the GPU's KV in use is A + n·t·S. Ordering GPUs by (n, A) therefore orders them by requests and then by current KV,
 * and the order only changes when a request joins or leaves, so an indexed heap keeps it in O(log g).
 */
export interface DecodeUnit extends UnitBase {
  /** Per GPU, GPU_FIELDS numbers from rank × GPU_FIELDS: n, A and the reserved KV (G_N, G_A, G_RESERVED). */
  gpus: Float64Array;
  /** The GPUs by (n, A, rank), or (n, rank) for the least-loaded balancer. */
  heap: GpuLoadHeap;
  totalN: number;
  totalA: number;
  /** Unit step count at the start of the current segment. */
  step: number;
  /** The requests producing tokens, by finish step. */
  completions: CompletionWheel;
  /** Requests that join at the next step boundary. */
  pending: Int32Array;
  pendingCount: number;
  running: boolean;
  eventHandle: number;
  segmentStartSeconds: number;
  segmentSteps: number;
  stepSeconds: number;
}

// A GPU's fields in DecodeUnit.gpus, side by side so a scan over the unit reads one array.
const GPU_FIELDS = 4;
/** Requests on the GPU. */
const G_N = 0;
/** Σ(input − t·joinStep) over its requests. */
const G_A = 1;
/** KV tokens its sequences will hold when they finish (prompt + whole answer), reserved at admission. */
const G_RESERVED = 2;

/**
 * The decode pool: continuous batching per GPU, units stepping in lockstep, each step as long as the
 * most-loaded GPU's. Runs of steps without a join or a completion are advanced in one event (up to
 * maxStrideSteps, step time evaluated at the run's middle); a join cuts the run at the next boundary.
 */
export class DecodePool extends Pool<DecodeUnit> {
  private readonly config: DecodePoolConfig;
  private readonly load: DecodeLoad;
  private readonly secondaryByKv: boolean;
  /** Tokens a sequence gains per step (1; more with multi-token prediction). */
  private readonly tokensPerStep: number;
  /** The same in a typed array, whose loads the compiler keeps unboxed in the GPU scan. */
  private readonly tokensPerStepF64: Float64Array;
  private waitingHead = -1;
  private waitingTail = -1;
  waitingCount = 0;
  /** Sink for loads made only to bring data into the cache. */
  private touched = 0;
  private roundRobinUnit = 0;
  private roundRobinRank = 0;
  /** Σ sequences × seconds since the start (the autoscaler's utilisation). */
  sequenceSecondsTotal = 0;
  /** Called when the waiting line changes length. */
  onWaitingChanged: (nowSeconds: number) => void = () => {};

  constructor(ctx: SimContext, startSeconds: number) {
    super(ctx, DECODE, ctx.config.decode, startSeconds);
    this.config = ctx.config.decode;
    this.secondaryByKv = this.config.balancer === 'deepseek';
    this.tokensPerStep = this.config.tokensPerStep ?? 1;
    this.tokensPerStepF64 = Float64Array.of(this.tokensPerStep);
    this.load = {
      gpus: this.config.gpusPerUnit,
      microBatches: this.config.microBatches,
      sequences: 0,
      kvTokens: 0,
      unitSequences: 0,
      unitKvTokens: 0,
    };
  }

  /**
   * A request whose KV has arrived: placed on a GPU, or queued until one has room, or rejected when
   * no GPU ever will have (its KV at the end exceeds an empty GPU's capacity), so that it does not
   * hold up the first-in, first-out line behind it for good.
   */
  admit(slot: number, nowSeconds: number): void {
    if (this.waitingCount === 0 && this.place(slot, nowSeconds)) return;
    if (this.kvTokensAtEnd(slot) > this.config.kvCapacityTokensPerGpu) {
      this.ctx.decodeRejected(slot, nowSeconds);
      return;
    }
    const next = this.ctx.requests.next;
    next[slot] = -1;
    if (this.waitingTail >= 0) next[this.waitingTail] = slot;
    else this.waitingHead = slot;
    this.waitingTail = slot;
    this.waitingCount++;
    this.onWaitingChanged(nowSeconds);
  }

  segmentEnded(unitIndex: number, nowSeconds: number): void {
    const unit = this.units[unitIndex];
    const i32 = this.ctx.requests.i32;
    const f64 = this.ctx.requests.f64;
    const metrics = this.ctx.metrics;
    const steps = unit.segmentSteps;
    const active = unit.completions.length;
    if (steps > 0) {
      metrics.add(F.decodeOutputTokens, nowSeconds, steps * active * this.tokensPerStep);
      metrics.addOverInterval(F.decodeSequenceSeconds, unit.segmentStartSeconds, nowSeconds, active);
      metrics.addOverInterval(F.decodeBusyUnitSeconds, unit.segmentStartSeconds, nowSeconds, 1);
      this.sequenceSecondsTotal += active * (nowSeconds - unit.segmentStartSeconds);
    }
    unit.step += steps;
    // A zero-step boundary at `now`: joins from here on start at this step.
    unit.segmentStartSeconds = nowSeconds;
    unit.segmentSteps = 0;
    unit.eventHandle = -1;
    const completions = unit.completions;
    const dueCount = completions.takeDue(unit.step);
    const due = completions.due;
    let touched = 0;
    // Fetch the finishing requests' blocks together (see touchBlock).
    for (let k = 0; k < dueCount; k++) touched ^= touchBlock(i32, due[k]);
    this.touched = touched;
    for (let k = 0; k < dueCount; k++) {
      const slot = due[k];
      if (this.tokensPerStep !== 1) {
        // The last step was partly used: take back the tokens counted beyond the answer's end.
        const decodeTokens = i32[slot * I32_PER_SLOT + R_OUTPUT] - 1;
        metrics.add(F.decodeOutputTokens, nowSeconds, decodeTokens - this.stepsFor(decodeTokens) * this.tokensPerStep);
      }
      this.leave(unit, slot);
      this.ctx.decodeDone(slot, nowSeconds);
    }
    if (this.waitingCount > 0) this.drainWaiting(nowSeconds);
    for (let i = 0; i < unit.pendingCount; i++) {
      const slot = unit.pending[i];
      completions.push(f64[slot * F64_PER_SLOT + R_JOIN_STEP] + this.stepsFor(i32[slot * I32_PER_SLOT + R_OUTPUT] - 1), slot);
    }
    unit.pendingCount = 0;
    if (completions.length === 0) {
      unit.running = false;
      this.leaveIfDrained(unit, nowSeconds);
      return;
    }
    let stride = completions.nextStep() - unit.step;
    if (stride > this.config.maxStrideSteps) stride = this.config.maxStrideSteps;
    if (stride < 1) stride = 1;
    const load = this.load;
    const middleStep = unit.step + stride / 2;
    let maxN = 0;
    let maxKv = 0;
    let sumKv = 0;
    const gpus = unit.gpus;
    const tokensPerStep = this.tokensPerStepF64[0];
    const end = gpus.length | 0;
    for (let g = 0; g < end; g = (g + GPU_FIELDS) | 0) {
      const n = gpus[(g + G_N) | 0];
      if (n === 0) continue;
      const kv = gpus[(g + G_A) | 0] + n * middleStep * tokensPerStep;
      sumKv += kv;
      if (n > maxN) maxN = n;
      if (kv > maxKv) maxKv = kv;
    }
    load.sequences = maxN;
    load.kvTokens = maxKv;
    load.unitSequences = unit.totalN;
    load.unitKvTokens = sumKv;
    const stepSeconds = this.ctx.decodeStepSeconds(load);
    unit.segmentSteps = stride;
    unit.stepSeconds = stepSeconds;
    unit.eventHandle = this.ctx.queue.schedule(nowSeconds + stride * stepSeconds, EV_DECODE_SEGMENT_END, unit.index);
  }

  /** Tries to put a request on a GPU with room; false if none has. */
  private place(slot: number, nowSeconds: number): boolean {
    const kvTokensAtEnd = this.kvTokensAtEnd(slot);
    const units = this.units;
    if (this.config.balancer === 'round-robin') {
      const gpus = this.config.gpusPerUnit;
      const tries = units.length * gpus + 1;
      for (let t = 0; t < tries; t++) {
        if (this.roundRobinRank >= gpus) {
          this.roundRobinRank = 0;
          this.roundRobinUnit++;
        }
        if (this.roundRobinUnit >= units.length) this.roundRobinUnit = 0;
        const u = units[this.roundRobinUnit];
        if (u.state !== ACTIVE) {
          this.roundRobinRank = gpus;
          continue;
        }
        const rank = this.roundRobinRank++;
        if (this.fits(u, rank, kvTokensAtEnd)) {
          this.join(u, rank, slot, nowSeconds);
          return true;
        }
      }
      return false;
    }
    // Units in order of (requests, KV in use); the first whose least-loaded GPU has room takes it. The
    // best unit's GPU usually has room: one pass. When it has not, a second pass takes the best of the
    // units whose GPU has room: the unit that trying them one by one in that order would reach, at the
    // cost of one more pass however many units there are.
    let withRoomOnly = false;
    for (;;) {
      let best: DecodeUnit | undefined;
      let bestN = Number.POSITIVE_INFINITY;
      let bestKv = Number.POSITIVE_INFINITY;
      for (let i = 0; i < units.length; i++) {
        const u = units[i];
        if (u.state !== ACTIVE || (withRoomOnly && !this.fits(u, u.heap.first, kvTokensAtEnd))) continue;
        const kv = this.secondaryByKv ? u.totalA + u.totalN * u.step * this.tokensPerStep : 0;
        if (u.totalN < bestN || (u.totalN === bestN && kv < bestKv)) {
          best = u;
          bestN = u.totalN;
          bestKv = kv;
        }
      }
      if (!best) return false;
      const rank = best.heap.first;
      if (withRoomOnly || this.fits(best, rank, kvTokensAtEnd)) {
        this.join(best, rank, slot, nowSeconds);
        return true;
      }
      withRoomOnly = true;
    }
  }

  /** KV tokens the request holds when it finishes: prompt and whole answer. */
  private kvTokensAtEnd(slot: number): number {
    const i32 = this.ctx.requests.i32;
    return i32[slot * I32_PER_SLOT + R_INPUT] + i32[slot * I32_PER_SLOT + R_OUTPUT];
  }

  /** Decode steps to produce `tokens` tokens. */
  private stepsFor(tokens: number): number {
    return this.tokensPerStep === 1 ? tokens : Math.ceil(tokens / this.tokensPerStep - 1e-9);
  }

  /**
   * Room for the request's prompt and whole answer next to what the GPU's sequences will grow to: the
   * KV in use only grows until a sequence leaves, so reserving at admission means no step ever
   * outgrows the GPU's memory (no preemption is modelled). An empty GPU (maxSequencesPerGpu ≥ 1) takes
   * any request within kvCapacityTokensPerGpu, so a request fails on every GPU for good only beyond it.
   */
  private fits(unit: DecodeUnit, rank: number, kvTokensAtEnd: number): boolean {
    const g = rank * GPU_FIELDS;
    return unit.gpus[g + G_N] < this.config.maxSequencesPerGpu && unit.gpus[g + G_RESERVED] + kvTokensAtEnd <= this.config.kvCapacityTokensPerGpu;
  }

  private join(unit: DecodeUnit, rank: number, slot: number, nowSeconds: number): void {
    const requests = this.ctx.requests;
    const at = slot * I32_PER_SLOT;
    let joinStep = unit.step;
    if (!unit.running) {
      unit.running = true;
      unit.segmentStartSeconds = nowSeconds;
      unit.segmentSteps = 0;
      unit.stepSeconds = 0;
      unit.eventHandle = this.ctx.queue.schedule(nowSeconds, EV_DECODE_SEGMENT_END, unit.index);
    } else if (unit.segmentSteps > 0) {
      // Joins at the first boundary after now; the run of steps is cut there.
      const elapsed = Math.floor((nowSeconds - unit.segmentStartSeconds) / unit.stepSeconds);
      const boundary = Math.min(Math.max(elapsed + 1, 1), unit.segmentSteps);
      joinStep = unit.step + boundary;
      if (boundary < unit.segmentSteps) {
        unit.segmentSteps = boundary;
        this.ctx.queue.reschedule(unit.eventHandle, unit.segmentStartSeconds + boundary * unit.stepSeconds);
      }
    }
    const i32 = requests.i32;
    i32[at + R_UNIT] = unit.index;
    i32[at + R_RANK] = rank;
    requests.f64[slot * F64_PER_SLOT + R_JOIN_STEP] = joinStep;
    const input = i32[at + R_INPUT];
    const contribution = input - joinStep * this.tokensPerStep;
    const gpus = unit.gpus;
    const g = rank * GPU_FIELDS;
    gpus[g + G_N]++;
    gpus[g + G_A] += contribution;
    gpus[g + G_RESERVED] += input + i32[at + R_OUTPUT];
    unit.totalN++;
    unit.totalA += contribution;
    this.reorder(unit, rank);
    if (unit.pendingCount === unit.pending.length) unit.pending = growI32(unit.pending, unit.pending.length * 2);
    unit.pending[unit.pendingCount++] = slot;
  }

  private leave(unit: DecodeUnit, slot: number): void {
    const requests = this.ctx.requests;
    const i32 = requests.i32;
    const at = slot * I32_PER_SLOT;
    const rank = i32[at + R_RANK];
    const input = i32[at + R_INPUT];
    const contribution = input - requests.f64[slot * F64_PER_SLOT + R_JOIN_STEP] * this.tokensPerStep;
    const gpus = unit.gpus;
    const g = rank * GPU_FIELDS;
    gpus[g + G_N]--;
    gpus[g + G_A] -= contribution;
    gpus[g + G_RESERVED] -= input + i32[at + R_OUTPUT];
    unit.totalN--;
    unit.totalA -= contribution;
    if (gpus[g + G_N] === 0) {
      gpus[g + G_A] = 0;
      gpus[g + G_RESERVED] = 0;
    }
    if (unit.totalN === 0) unit.totalA = 0;
    this.reorder(unit, rank);
  }

  private drainWaiting(nowSeconds: number): void {
    while (this.waitingHead >= 0) {
      const slot = this.waitingHead;
      if (!this.place(slot, nowSeconds)) break;
      this.waitingHead = this.ctx.requests.next[slot];
      if (this.waitingHead < 0) this.waitingTail = -1;
      this.waitingCount--;
    }
    this.onWaitingChanged(nowSeconds);
  }

  /** Moves the GPU to its place in the unit's heap after its load changed. */
  private reorder(unit: DecodeUnit, rank: number): void {
    const g = rank * GPU_FIELDS;
    unit.heap.update(rank, unit.gpus, g + G_N, this.secondaryByKv ? g + G_A : -1);
  }

  /** Counts busy time and batch occupancy of runs still going when the run stops. */
  override finish(nowSeconds: number): void {
    for (const u of this.units) {
      if (u.running && u.segmentSteps > 0 && nowSeconds > u.segmentStartSeconds) {
        const m = this.ctx.metrics;
        m.addOverInterval(F.decodeBusyUnitSeconds, u.segmentStartSeconds, nowSeconds, 1);
        m.addOverInterval(F.decodeSequenceSeconds, u.segmentStartSeconds, nowSeconds, u.completions.length);
      }
    }
    super.finish(nowSeconds);
  }

  protected createUnit(index: number): DecodeUnit {
    const gpus = this.config.gpusPerUnit;
    const unit: DecodeUnit = {
      index,
      state: ACTIVE,
      gpus: new Float64Array(gpus * GPU_FIELDS),
      heap: new GpuLoadHeap(gpus),
      totalN: 0,
      totalA: 0,
      step: 0,
      completions: new CompletionWheel(),
      pending: new Int32Array(64),
      pendingCount: 0,
      running: false,
      eventHandle: -1,
      segmentStartSeconds: 0,
      segmentSteps: 0,
      stepSeconds: 0,
    };
    this.resetUnit(unit);
    return unit;
  }

  protected resetUnit(unit: DecodeUnit): void {
    unit.gpus.fill(0);
    unit.heap.reset();
    unit.totalN = 0;
    unit.totalA = 0;
    unit.step = 0;
    unit.completions.clear();
    unit.pendingCount = 0;
    unit.running = false;
    unit.eventHandle = -1;
  }

  protected unitLoad(unit: DecodeUnit): number {
    return unit.totalN;
  }

  protected unitIdle(unit: DecodeUnit): boolean {
    return !unit.running && unit.totalN === 0;
  }

  protected onUnitReady(_unit: DecodeUnit, nowSeconds: number): void {
    if (this.waitingCount > 0) this.drainWaiting(nowSeconds);
  }

  /** Sequences in decode batches (active and about to join). */
  get sequences(): number {
    let total = 0;
    for (const u of this.units) if (u.state !== GONE) total += u.totalN;
    return total;
  }

  get drainingUnits(): number {
    return this.units.filter((u) => u.state === DRAINING).length;
  }
}
