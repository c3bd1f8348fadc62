import { InputError } from '../errors.js';

/** One piece of a piecewise-constant rate: `ratePerSecond` from `atSeconds` until the next piece. */
export interface RatePiece {
  atSeconds: number;
  ratePerSecond: number;
}

/**
 * A non-negative arrival rate over [startSeconds, endSeconds), piecewise constant. Carries its
 * cumulative integral Λ(t) and the inverse, which turn a unit-rate process into one with this rate
 * (time rescaling).
 */
export class RateProfile {
  readonly startSeconds: number;
  readonly endSeconds: number;
  private readonly starts: Float64Array;
  private readonly rates: Float64Array;
  /** Λ at the start of each piece. */
  private readonly cumulative: Float64Array;
  private cursor = 0;

  constructor(pieces: readonly RatePiece[], endSeconds: number, where = 'rate profile') {
    if (pieces.length === 0) throw new InputError('expected at least one rate piece', where);
    for (let i = 0; i < pieces.length; i++) {
      const p = pieces[i];
      if (!(p.ratePerSecond >= 0) || !Number.isFinite(p.ratePerSecond)) {
        throw new InputError(`expected a finite rate ≥ 0, got ${p.ratePerSecond}`, `${where}[${i}].ratePerSecond`);
      }
      if (i > 0 && !(p.atSeconds > pieces[i - 1].atSeconds)) {
        throw new InputError('expected times in increasing order', `${where}[${i}].atSeconds`);
      }
    }
    if (!(endSeconds > pieces[pieces.length - 1].atSeconds)) {
      throw new InputError('expected the end after the last piece', `${where}.endSeconds`);
    }
    this.startSeconds = pieces[0].atSeconds;
    this.endSeconds = endSeconds;
    this.starts = Float64Array.from(pieces, (p) => p.atSeconds);
    this.rates = Float64Array.from(pieces, (p) => p.ratePerSecond);
    this.cumulative = new Float64Array(pieces.length + 1);
    for (let i = 0; i < pieces.length; i++) {
      const end = i + 1 < pieces.length ? this.starts[i + 1] : endSeconds;
      this.cumulative[i + 1] = this.cumulative[i] + this.rates[i] * (end - this.starts[i]);
    }
  }

  /** Equal-length pieces from `startSeconds`, e.g. 24 hourly rates. */
  static uniform(startSeconds: number, pieceSeconds: number, ratesPerSecond: readonly number[]): RateProfile {
    return new RateProfile(
      ratesPerSecond.map((ratePerSecond, i) => ({ atSeconds: startSeconds + i * pieceSeconds, ratePerSecond })),
      startSeconds + ratesPerSecond.length * pieceSeconds,
    );
  }

  /** The same shape with every rate multiplied by `factor`. */
  scaled(factor: number): RateProfile {
    const pieces: RatePiece[] = [];
    for (let i = 0; i < this.starts.length; i++) pieces.push({ atSeconds: this.starts[i], ratePerSecond: this.rates[i] * factor });
    return new RateProfile(pieces, this.endSeconds);
  }

  /** Expected arrivals over the whole profile, Λ(end). */
  get totalExpected(): number {
    return this.cumulative[this.cumulative.length - 1];
  }

  /** The highest rate of any piece. */
  get peakRatePerSecond(): number {
    let peak = 0;
    for (let i = 0; i < this.rates.length; i++) peak = Math.max(peak, this.rates[i]);
    return peak;
  }

  rateAt(timeSeconds: number): number {
    if (timeSeconds < this.startSeconds || timeSeconds >= this.endSeconds) return 0;
    let i = 0;
    while (i + 1 < this.starts.length && this.starts[i + 1] <= timeSeconds) i++;
    return this.rates[i];
  }

  /**
   * The time t with Λ(t) = `cumulativeArrivals`, or +Infinity past the end. Calls with increasing
   * arguments run in amortised O(1) (a cursor walks the pieces).
   */
  timeAtCumulative(cumulativeArrivals: number): number {
    const cum = this.cumulative;
    const last = this.starts.length - 1;
    if (cumulativeArrivals >= cum[last + 1]) return Number.POSITIVE_INFINITY;
    if (cumulativeArrivals < cum[this.cursor]) this.cursor = 0;
    while (this.cursor < last && (cum[this.cursor + 1] <= cumulativeArrivals || this.rates[this.cursor] === 0)) this.cursor++;
    const i = this.cursor;
    return this.starts[i] + (cumulativeArrivals - cum[i]) / this.rates[i];
  }
}

/**
 * Arrival times following a rate profile: a unit-rate renewal process with Gamma inter-arrival times
 * (mean 1, coefficient of variation `cv`; cv = 1 is Poisson) mapped through Λ⁻¹.
 */
export class ArrivalProcess {
  private readonly profile: RateProfile;
  private readonly shape: number;
  private readonly sample: () => number;
  private cumulative = 0;

  constructor(profile: RateProfile, rng: { exponential(mean: number): number; gamma(shape: number): number }, cv = 1) {
    if (!(cv > 0)) throw new InputError(`expected an inter-arrival CV > 0, got ${cv}`, 'interArrivalCv');
    this.profile = profile;
    this.shape = 1 / (cv * cv);
    const scale = cv * cv;
    this.sample = cv === 1 ? () => rng.exponential(1) : () => rng.gamma(this.shape) * scale;
  }

  /** The next arrival time in seconds, or +Infinity when the profile has ended. */
  next(): number {
    this.cumulative += this.sample();
    return this.profile.timeAtCumulative(this.cumulative);
  }
}
