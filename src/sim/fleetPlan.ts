import type { AutoscalePlan, PoolPlan } from './config.js';
import { EV_AUTOSCALE, EV_PLAN_STEP, type SimContext } from './context.js';
import type { DecodePool } from './decodePool.js';
import type { PrefillPool } from './prefillPool.js';

/**
 * Who decides the fleet's size over time: a schedule (the scenario's node steps) or an autoscaler.
 * Both act only through Pool.addUnit / Pool.removeUnit.
 */
export class FleetPlanner {
  private readonly ctx: SimContext;
  private readonly pools: readonly [PrefillPool, DecodePool];
  private readonly plans: readonly [PoolPlan, PoolPlan];
  private readonly lastMeasure = [0, 0];
  private readonly lastChangeSeconds = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
  /** Units wanted in service (autoscaler), counting those still provisioning. */
  private readonly wanted = [0, 0];

  constructor(ctx: SimContext, prefill: PrefillPool, decode: DecodePool) {
    this.ctx = ctx;
    this.pools = [prefill, decode];
    this.plans = [ctx.config.prefill.plan, ctx.config.decode.plan];
  }

  /** Puts the initial fleet in place and schedules the plan's future events. */
  start(startSeconds: number): void {
    for (let pool = 0; pool < 2; pool++) {
      const plan = this.plans[pool];
      if (plan.kind === 'schedule') {
        let first = 0;
        while (first + 1 < plan.steps.length && plan.steps[first + 1].atSeconds <= startSeconds) first++;
        this.resize(pool, plan.steps[first].units, startSeconds, 0);
        for (let i = first + 1; i < plan.steps.length; i++) {
          if (plan.steps[i].atSeconds < this.ctx.config.endSeconds) {
            this.ctx.queue.schedule(plan.steps[i].atSeconds, EV_PLAN_STEP, pool * 1048576 + i);
          }
        }
      } else {
        this.resize(pool, plan.initialUnits, startSeconds, 0);
        this.wanted[pool] = plan.initialUnits;
        this.ctx.queue.schedule(startSeconds + plan.intervalSeconds, EV_AUTOSCALE, pool);
      }
    }
  }

  planStep(target: number, nowSeconds: number): void {
    const pool = target >> 20;
    const plan = this.plans[pool];
    if (plan.kind !== 'schedule') return;
    this.resize(pool, plan.steps[target & 0xfffff].units, nowSeconds, 0);
  }

  autoscale(pool: number, nowSeconds: number): void {
    const plan = this.plans[pool] as AutoscalePlan;
    const p = this.pools[pool];
    const measure = pool === 0 ? this.pools[0].busyUnitSecondsTotal : this.decodeSlotSeconds();
    const utilisation = (measure - this.lastMeasure[pool]) / (Math.max(1, p.servingUnits) * plan.intervalSeconds);
    this.lastMeasure[pool] = measure;
    const current = this.wanted[pool];
    let desired = Math.ceil((p.servingUnits * utilisation) / plan.targetUtilisation - 1e-9);
    desired = Math.min(plan.maxUnits, Math.max(plan.minUnits, desired));
    const coolingDown = nowSeconds - this.lastChangeSeconds[pool] < plan.cooldownSeconds;
    if (desired > current || (desired < current - plan.hysteresisUnits && !coolingDown)) {
      this.resize(pool, desired, nowSeconds, desired > current ? plan.provisionSeconds : 0);
      this.wanted[pool] = desired;
      this.lastChangeSeconds[pool] = nowSeconds;
    }
    if (nowSeconds + plan.intervalSeconds < this.ctx.config.endSeconds) {
      this.ctx.queue.schedule(nowSeconds + plan.intervalSeconds, EV_AUTOSCALE, pool);
    }
  }

  /** Decode utilisation: sequence-seconds over the pool's sequence slots (GPUs × max batch). */
  private decodeSlotSeconds(): number {
    const c = this.ctx.config.decode;
    return this.pools[1].sequenceSecondsTotal / (c.gpusPerUnit * c.maxSequencesPerGpu);
  }

  private resize(pool: number, units: number, nowSeconds: number, provisionSeconds: number): void {
    const p = this.pools[pool];
    let inService = p.servingUnits + this.provisioning(pool);
    while (inService < units) {
      p.addUnit(nowSeconds, provisionSeconds);
      inService++;
    }
    while (inService > units && p.removeUnit(nowSeconds)) inService--;
  }

  private provisioning(pool: number): number {
    let n = 0;
    for (const u of this.pools[pool].units) if (u.state === 0) n++;
    return n;
  }
}
