import type { PrefillPoolConfig } from './config.js';
import { EV_PREFILL_STEP_END, type SimContext } from './context.js';
import { growI32 } from './eventQueue.js';
import { FirstMinTree } from './firstMinTree.js';
import { F, PREFILL } from './metrics.js';
import { ACTIVE, DRAINING, Pool, type UnitBase } from './pool.js';
import { I32_PER_SLOT, R_COMPUTE_LEFT, R_COMPUTED, R_HIT, R_RANK, R_UNIT, touchBlock } from './requestTable.js';
import type { PrefillLoad } from './stepTime.js';

export interface PrefillUnit extends UnitBase {
  /**
   * Per GPU (attention data-parallel rank): a FIFO of request slots, a ring of queueCapacity entries
   * from rank × queueCapacity (its first at queueStart, queueLength of them). Slots side by side, so
   * a step's walk over a queue can fetch the requests' blocks together.
   */
  queue: Int32Array;
  queueStart: Int32Array;
  queueLength: Int32Array;
  queueCapacity: number;
  /** Per GPU: prompt tokens queued, and the balancer's work score of them. */
  queuedTokens: Float64Array;
  queuedWork: Float64Array;
  /** Per GPU: the balancer's score (queuedWork or queuedTokens), for its choice of GPU. */
  rankScores: FirstMinTree;
  totalTokens: number;
  totalWork: number;
  queuedRequests: number;
  stepping: boolean;
  /** Requests whose last chunk is in the current step. */
  finishing: Int32Array;
  finishingCount: number;
  stepStartSeconds: number;
  stepSeconds: number;
  /** Prompt tokens computed by the current step, all GPUs. */
  stepNewTokens: number;
}

/** Per rank, to start with (a power of two; doubled as needed). */
const INITIAL_QUEUE_CAPACITY = 16;
/** Queued requests per GPU whose blocks a step fetches ahead of its walk. */
const TOUCH_AHEAD = 16;

/**
 * The prefill pool: units of data-parallel GPUs that step in lockstep over chunked prompts. The
 * balancer decides where a prompt goes ("what"), the step-time model how long a step takes ("how
 * long"); cached prefix tokens are loaded at the cache's bandwidth, not recomputed.
 */
export class PrefillPool extends Pool<PrefillUnit> {
  private readonly config: PrefillPoolConfig;
  private readonly load: PrefillLoad;
  /** The balancer's score of each unit (work or tokens queued), +Infinity when not serving. */
  private unitScores = new FirstMinTree(8);
  private readonly byWork: boolean;
  /** Sink for loads made only to bring data into the cache. */
  private touched = 0;
  private roundRobinUnit = 0;
  private roundRobinRank = 0;
  /** Unit-seconds spent stepping since the start (the autoscaler's utilisation). */
  busyUnitSecondsTotal = 0;

  constructor(ctx: SimContext, startSeconds: number) {
    super(ctx, PREFILL, ctx.config.prefill, startSeconds);
    this.config = ctx.config.prefill;
    this.byWork = this.config.balancer === 'deepseek';
    this.load = {
      gpus: this.config.gpusPerUnit,
      microBatches: this.config.microBatches,
      newTokens: 0,
      attentionPairs: 0,
      cachedTokens: 0,
      sequences: 0,
      cacheLoadTokens: 0,
      unitNewTokens: 0,
    };
  }

  /**
   * Queues an admitted request on a GPU chosen by the balancer and starts a step if the unit is idle.
   * The request comes staged (RequestTable.allocate): it gets its slot here.
   */
  enqueue(staged: number, nowSeconds: number): void {
    const requests = this.ctx.requests;
    // Read from the staging record (in cache), not from the block being written.
    const compute = requests.computeLeft[staged];
    const work = this.workOf(compute, requests.hitTokens[staged]);
    const slot = requests.admit(staged);
    const packed = this.choose();
    const unit = this.units[packed >> 16];
    const rank = packed & 0xffff;
    const at = slot * I32_PER_SLOT;
    const i32 = requests.i32;
    i32[at + R_UNIT] = unit.index;
    i32[at + R_RANK] = rank;
    if (unit.queueLength[rank] === unit.queueCapacity) this.growQueues(unit);
    const capacity = unit.queueCapacity;
    unit.queue[rank * capacity + ((unit.queueStart[rank] + unit.queueLength[rank]) & (capacity - 1))] = slot;
    unit.queueLength[rank]++;
    unit.queuedTokens[rank] += compute;
    unit.queuedWork[rank] += work;
    unit.totalTokens += compute;
    unit.totalWork += work;
    if (this.byWork) {
      unit.rankScores.set(rank, unit.queuedWork[rank]);
      this.unitScores.set(unit.index, unit.totalWork);
    } else {
      unit.rankScores.set(rank, unit.queuedTokens[rank]);
      this.unitScores.set(unit.index, unit.totalTokens);
    }
    unit.queuedRequests++;
    if (!unit.stepping) this.startStep(unit, nowSeconds);
  }

  stepEnded(unitIndex: number, nowSeconds: number): void {
    const unit = this.units[unitIndex];
    unit.stepping = false;
    const m = this.ctx.metrics;
    m.addOverInterval(F.prefillBusyUnitSeconds, unit.stepStartSeconds, nowSeconds, 1);
    this.busyUnitSecondsTotal += nowSeconds - unit.stepStartSeconds;
    m.add(F.prefillComputedTokens, nowSeconds, unit.stepNewTokens);
    const finishing = unit.finishing;
    const i32 = this.ctx.requests.i32;
    let touched = 0;
    // Fetch the finishing requests' blocks together (see touchBlock).
    for (let i = 0; i < unit.finishingCount; i++) touched ^= touchBlock(i32, finishing[i]);
    this.touched = touched;
    for (let i = 0; i < unit.finishingCount; i++) this.ctx.prefillDone(finishing[i], nowSeconds, unit.stepSeconds);
    unit.finishingCount = 0;
    if (unit.queuedRequests > 0) this.startStep(unit, nowSeconds);
    else this.leaveIfDrained(unit, nowSeconds);
  }

  /** Token-equivalent work of computing `compute` prompt tokens after `prefix` cached ones. */
  private workOf(compute: number, prefix: number): number {
    return compute * (1 + (prefix + compute / 2) / this.config.attentionEquivalentContextTokens);
  }

  /** The balancer: returns unit × 2^16 + rank among serving units. */
  private choose(): number {
    const units = this.units;
    const gpus = this.config.gpusPerUnit;
    if (this.config.balancer === 'round-robin') {
      for (let tries = 0; tries <= units.length; tries++) {
        if (this.roundRobinUnit >= units.length) this.roundRobinUnit = 0;
        const u = units[this.roundRobinUnit];
        if (u.state === ACTIVE && this.roundRobinRank < gpus) return (u.index << 16) | this.roundRobinRank++;
        this.roundRobinUnit++;
        this.roundRobinRank = 0;
      }
      throw new Error('PrefillPool: no unit in service');
    }
    // The first unit with the lowest score (units out of service score +Infinity), then its first GPU
    // with the lowest.
    const bestIndex = this.unitScores.first;
    if (!(this.unitScores.firstValue < Number.POSITIVE_INFINITY)) throw new Error('PrefillPool: no unit in service');
    return (bestIndex << 16) | units[bestIndex].rankScores.first;
  }

  /** Forms the next batch: per GPU, chunks from the head of its queue up to the token budget. */
  private startStep(unit: PrefillUnit, nowSeconds: number): void {
    const i32 = this.ctx.requests.i32;
    const queue = unit.queue;
    const capacity = unit.queueCapacity;
    const budget = this.config.tokenBudgetPerGpu;
    const scale = this.config.attentionEquivalentContextTokens;
    const load = this.load;
    load.newTokens = 0;
    load.attentionPairs = 0;
    load.cachedTokens = 0;
    load.sequences = 0;
    load.cacheLoadTokens = 0;
    load.unitNewTokens = 0;
    const gpus = this.config.gpusPerUnit;
    // Fetch the blocks of the requests at the queues' heads together (see touchBlock): as many as a
    // step typically takes.
    let touched = 0;
    for (let r = 0; r < gpus; r++) {
      const ahead = Math.min(unit.queueLength[r], TOUCH_AHEAD);
      const start = unit.queueStart[r];
      for (let k = 0; k < ahead; k++) touched ^= touchBlock(i32, queue[r * capacity + ((start + k) & (capacity - 1))]);
    }
    this.touched = touched;
    let heaviestWork = 0;
    for (let r = 0; r < gpus; r++) {
      let length = unit.queueLength[r];
      if (length === 0) continue;
      let start = unit.queueStart[r];
      const base = r * capacity;
      let used = 0;
      let finishing = 0;
      let before = 0;
      let pairs = 0;
      let loaded = 0;
      let work = 0;
      while (length > 0 && used < budget) {
        const slot = queue[base + (start & (capacity - 1))];
        const at = slot * I32_PER_SLOT;
        const left = i32[at + R_COMPUTE_LEFT];
        const chunk = left < budget - used ? left : budget - used;
        const done = i32[at + R_COMPUTED];
        const hit = i32[at + R_HIT];
        const position = hit + done;
        if (done === 0) loaded += hit;
        pairs += chunk * position + (chunk * (chunk + 1)) / 2;
        before += position;
        work += chunk * (1 + (position + chunk / 2) / scale);
        used += chunk;
        i32[at + R_COMPUTED] = done + chunk;
        i32[at + R_COMPUTE_LEFT] = left - chunk;
        if (left - chunk > 0) break;
        finishing++;
        if (unit.finishingCount === unit.finishing.length) unit.finishing = growI32(unit.finishing, unit.finishing.length * 2);
        unit.finishing[unit.finishingCount++] = slot;
        unit.queuedRequests--;
        start++;
        length--;
      }
      unit.queueStart[r] = start & (capacity - 1);
      unit.queueLength[r] = length;
      if (length === 0) {
        unit.queuedTokens[r] = 0;
        unit.queuedWork[r] = 0;
      } else {
        unit.queuedTokens[r] -= used;
        unit.queuedWork[r] -= work;
      }
      unit.totalTokens -= used;
      unit.totalWork -= work;
      load.unitNewTokens += used;
      // The step lasts as long as its slowest GPU: take the whole load of the GPU with the most work
      // (tokens weighted by their attention span), not each field's maximum over different GPUs.
      if (work > heaviestWork) {
        heaviestWork = work;
        load.newTokens = used;
        load.sequences = finishing;
        load.cachedTokens = before;
        load.attentionPairs = pairs;
      }
      if (loaded > load.cacheLoadTokens) load.cacheLoadTokens = loaded;
    }
    if (unit.queuedRequests === 0) {
      unit.totalTokens = 0;
      unit.totalWork = 0;
    }
    unit.rankScores.setAll(this.byWork ? unit.queuedWork : unit.queuedTokens);
    this.refreshScore(unit);
    if (load.unitNewTokens === 0) return;
    let stepSeconds = this.ctx.prefillStepSeconds(load);
    const cache = this.ctx.config.cache;
    if (cache && load.cacheLoadTokens > 0) {
      const loadSeconds = (load.cacheLoadTokens * this.ctx.config.kvBytesPerToken) / cache.readBytesPerSecondPerGpu;
      stepSeconds = cache.overlapLoad ? Math.max(stepSeconds, loadSeconds) : stepSeconds + loadSeconds;
    }
    unit.stepping = true;
    unit.stepStartSeconds = nowSeconds;
    unit.stepSeconds = stepSeconds;
    unit.stepNewTokens = load.unitNewTokens;
    this.ctx.queue.schedule(nowSeconds + stepSeconds, EV_PREFILL_STEP_END, unit.index);
  }

  /** Counts the busy time of steps still running when the run stops. */
  override finish(nowSeconds: number): void {
    for (const u of this.units) {
      if (u.stepping && nowSeconds > u.stepStartSeconds) {
        this.ctx.metrics.addOverInterval(F.prefillBusyUnitSeconds, u.stepStartSeconds, nowSeconds, 1);
      }
    }
    super.finish(nowSeconds);
  }

  /** Doubles every rank's ring, keeping each queue's order. */
  private growQueues(unit: PrefillUnit): void {
    const old = unit.queueCapacity;
    const capacity = old * 2;
    const queue = new Int32Array(unit.queueLength.length * capacity);
    for (let r = 0; r < unit.queueLength.length; r++) {
      for (let k = 0; k < unit.queueLength[r]; k++) queue[r * capacity + k] = unit.queue[r * old + ((unit.queueStart[r] + k) & (old - 1))];
      unit.queueStart[r] = 0;
    }
    unit.queue = queue;
    unit.queueCapacity = capacity;
  }

  private refreshScore(unit: PrefillUnit): void {
    this.unitScores.set(unit.index, unit.state === ACTIVE ? (this.byWork ? unit.totalWork : unit.totalTokens) : Number.POSITIVE_INFINITY);
  }

  protected override stateChanged(unit: PrefillUnit): void {
    this.refreshScore(unit);
  }

  protected createUnit(index: number): PrefillUnit {
    const gpus = this.config.gpusPerUnit;
    if (index >= this.unitScores.leaves) {
      const old = this.unitScores;
      const grown = new FirstMinTree(old.leaves * 2);
      grown.setAll(Float64Array.from({ length: old.leaves }, (_, i) => old.value(i)));
      this.unitScores = grown;
    }
    return {
      index,
      state: ACTIVE,
      queue: new Int32Array(gpus * INITIAL_QUEUE_CAPACITY),
      queueStart: new Int32Array(gpus),
      queueLength: new Int32Array(gpus),
      queueCapacity: INITIAL_QUEUE_CAPACITY,
      queuedTokens: new Float64Array(gpus),
      queuedWork: new Float64Array(gpus),
      rankScores: new FirstMinTree(gpus, 0),
      totalTokens: 0,
      totalWork: 0,
      queuedRequests: 0,
      stepping: false,
      finishing: new Int32Array(64),
      finishingCount: 0,
      stepStartSeconds: 0,
      stepSeconds: 0,
      stepNewTokens: 0,
    };
  }

  protected resetUnit(unit: PrefillUnit): void {
    unit.queueStart.fill(0);
    unit.queueLength.fill(0);
    unit.queuedTokens.fill(0);
    unit.queuedWork.fill(0);
    unit.rankScores.setAll(unit.queuedWork); // zeros, as just filled
    unit.totalTokens = 0;
    unit.totalWork = 0;
    unit.queuedRequests = 0;
    unit.stepping = false;
    unit.finishingCount = 0;
    this.refreshScore(unit);
  }

  protected unitLoad(unit: PrefillUnit): number {
    return unit.totalWork + (unit.stepping ? 1 : 0);
  }

  protected unitIdle(unit: PrefillUnit): boolean {
    return !unit.stepping && unit.queuedRequests === 0;
  }

  protected onUnitReady(): void {}

  /** Serving or draining units with work (for tests and invariants). */
  get busyUnits(): number {
    let n = 0;
    for (const u of this.units) if ((u.state === ACTIVE || u.state === DRAINING) && u.stepping) n++;
    return n;
  }
}

