import type { UnitShape } from './config.js';
import type { SimContext } from './context.js';
import { EV_UNIT_READY } from './context.js';
import type { Gauge } from './metrics.js';
import { F, POOL_NAMES } from './metrics.js';

export const PROVISIONING = 0;
export const ACTIVE = 1;
export const DRAINING = 2;
export const GONE = 3;

export interface UnitBase {
  index: number;
  state: number;
}

/** A change in a pool's size, for the result's node steps. */
export interface PoolStep {
  atSeconds: number;
  /** Units taking new work. */
  servingUnits: number;
  /** Units holding nodes (serving, provisioning or draining). */
  aliveUnits: number;
}

/**
 * What prefill and decode pools share: units that are provisioned, serve, drain and leave. A removed
 * unit takes no new work and keeps its nodes (and their node-seconds) until its work is done.
 */
export abstract class Pool<U extends UnitBase> {
  readonly units: U[] = [];
  readonly poolIndex: number;
  readonly shape: UnitShape;
  protected readonly ctx: SimContext;
  servingUnits = 0;
  aliveUnits = 0;
  readonly steps: PoolStep[] = [];
  private readonly nodesGauge: Gauge;

  constructor(ctx: SimContext, poolIndex: number, shape: UnitShape, startSeconds: number) {
    this.ctx = ctx;
    this.poolIndex = poolIndex;
    this.shape = shape;
    const field = poolIndex === 0 ? F.prefillNodeSeconds : F.decodeNodeSeconds;
    this.nodesGauge = ctx.metrics.newGauge(field, null, startSeconds);
  }

  get name(): string {
    return POOL_NAMES[this.poolIndex];
  }

  /** Puts one more unit in service: a draining unit is taken back first, else a new one is provisioned. */
  addUnit(nowSeconds: number, provisionSeconds: number): void {
    for (const u of this.units) {
      if (u.state === DRAINING) {
        u.state = ACTIVE;
        this.stateChanged(u);
        this.servingUnits++;
        this.changed(nowSeconds);
        this.onUnitReady(u, nowSeconds);
        return;
      }
    }
    let unit = this.units.find((u) => u.state === GONE);
    if (unit) this.resetUnit(unit);
    else {
      unit = this.createUnit(this.units.length);
      this.units.push(unit);
    }
    this.aliveUnits++;
    if (provisionSeconds > 0) {
      unit.state = PROVISIONING;
      this.stateChanged(unit);
      this.ctx.queue.schedule(nowSeconds + provisionSeconds, EV_UNIT_READY, this.poolIndex * 1048576 + unit.index);
      this.changed(nowSeconds);
    } else {
      unit.state = ACTIVE;
      this.stateChanged(unit);
      this.servingUnits++;
      this.changed(nowSeconds);
      // Work waiting for room (decode's line) may take it now, as when a provisioned unit is ready.
      this.onUnitReady(unit, nowSeconds);
    }
  }

  unitReady(unitIndex: number, nowSeconds: number): void {
    const unit = this.units[unitIndex];
    if (unit.state !== PROVISIONING) return;
    unit.state = ACTIVE;
    this.stateChanged(unit);
    this.servingUnits++;
    this.changed(nowSeconds);
    this.onUnitReady(unit, nowSeconds);
  }

  /** Takes the least-loaded serving unit out of service (newest first on ties); false if none can go. */
  removeUnit(nowSeconds: number): boolean {
    if (this.servingUnits <= 1) return false;
    let chosen: U | undefined;
    let chosenLoad = Number.POSITIVE_INFINITY;
    for (const u of this.units) {
      if (u.state !== ACTIVE) continue;
      const load = this.unitLoad(u);
      if (load <= chosenLoad) {
        chosen = u;
        chosenLoad = load;
      }
    }
    if (!chosen) return false;
    chosen.state = DRAINING;
    this.stateChanged(chosen);
    this.servingUnits--;
    this.changed(nowSeconds);
    this.leaveIfDrained(chosen, nowSeconds);
    return true;
  }

  protected leaveIfDrained(unit: U, nowSeconds: number): void {
    if (unit.state !== DRAINING || !this.unitIdle(unit)) return;
    unit.state = GONE;
    this.stateChanged(unit);
    this.aliveUnits--;
    this.changed(nowSeconds);
  }

  /** Closes the node-seconds integral at the end of the run. */
  finish(nowSeconds: number): void {
    this.ctx.metrics.closeGauge(this.nodesGauge, nowSeconds);
  }

  private changed(nowSeconds: number): void {
    this.ctx.metrics.setGauge(this.nodesGauge, nowSeconds, this.aliveUnits * this.shape.nodesPerUnit);
    const last = this.steps[this.steps.length - 1];
    if (last && last.atSeconds === nowSeconds) {
      last.servingUnits = this.servingUnits;
      last.aliveUnits = this.aliveUnits;
    } else this.steps.push({ atSeconds: nowSeconds, servingUnits: this.servingUnits, aliveUnits: this.aliveUnits });
  }

  protected abstract createUnit(index: number): U;
  protected abstract resetUnit(unit: U): void;
  /** Work held by the unit (decides which unit drains). */
  protected abstract unitLoad(unit: U): number;
  protected abstract unitIdle(unit: U): boolean;
  protected abstract onUnitReady(unit: U, nowSeconds: number): void;
  /** Called after a unit's state changes. */
  protected stateChanged(_unit: U): void {}
}
