import { formatInstant, parseInstant, parseTimeZone, type TimeZone } from '../econ/clock.js';
import { add, compare, fromDecimal, ONE, toExactString, ZERO, type Ratio } from '../econ/exact.js';
import type { TrafficCell } from '../econ/ledger.js';
import type { PriceBook } from '../econ/pricebook.js';
import { TOKEN_CLASSES } from '../econ/pricebook.js';
import { buildPools, type PoolPlan } from './build-fleet.js';
import { buildPriceBook } from './build-prices.js';
import { buildSimulation, type SimulationSpec } from './build-simulation.js';
import { workloadNames } from './workload-spec.js';
import { ScenarioError, type KeyPath } from './scenario-error.js';
import type { PriceBookFile, ScenarioFile, TrafficFile } from './schema.js';
import { apportion, resolveVolume } from './volumes.js';

/** A scenario with every time resolved, every amount exact and every cross-field rule checked. */
export interface Scenario {
  name: string;
  description: string;
  assumptions: string[];
  window: { startMs: number; endMs: number; zone: TimeZone; zoneName: string; bucketMs: number };
  buckets: { startMs: number; endMs: number }[];
  pools: PoolPlan[];
  /** Per bucket, the tokens of each model x channel; null when only a simulation makes them. */
  traffic: TrafficCell[][] | null;
  theoretical: PriceBook;
  realized: PriceBook | null;
  /** How to replay the window request by request; null when the scenario has no simulation section. */
  simulation: SimulationSpec | null;
}

/**
 * The scenario's simulation section, for library functions that replay or draw its workload; without
 * one, a ScenarioError at `simulation` saying what the section would have given (`needed`).
 */
export function requireSimulation(scenario: Scenario, needed: string): SimulationSpec {
  if (!scenario.simulation) throw new ScenarioError(['simulation'], `the scenario has no simulation section (${needed})`);
  return scenario.simulation;
}

export function buildScenario(file: ScenarioFile): Scenario {
  const window = buildWindow(file.window);
  const buckets: Scenario['buckets'] = [];
  for (let startMs = window.startMs; startMs < window.endMs; startMs += window.bucketMs) {
    buckets.push({ startMs, endMs: startMs + window.bucketMs });
  }
  const pools = buildPools(file.fleet, window);
  const traffic = file.traffic ? buildTraffic(file.traffic, buckets, window.zone) : null;
  const simulation = file.simulation
    ? buildSimulation(file.simulation, pools, { ...window, buckets: buckets.length, bucketWeights: file.traffic?.bucketWeights ?? null })
    : null;
  if (!traffic && !simulation) throw new ScenarioError([], 'missing "traffic" (the volumes to price) or "simulation" (a workload to replay)');
  // Every model and channel that may carry tokens must be priced: the given traffic's and the workload's.
  const cells = [...(traffic ?? []).flat(), ...(simulation ? workloadNames(simulation.workload) : [])];
  const models = new Set(cells.map((cell) => cell.model));
  const channels = new Set(cells.map((cell) => cell.channel));
  const books = file.priceBooks;
  const book = (key: 'theoretical' | 'realized', bookFile: PriceBookFile): PriceBook => {
    const path = ['priceBooks', key];
    const built = buildPriceBook(bookFile, path, models, channels);
    // A book whose prices take effect after the window starts has no price for the hours before: an
    // error, not those hours silently billed at prices that did not yet hold.
    if (built.versions[0].effectiveFromMs > window.startMs) {
      throw new ScenarioError(
        [...path, 'effectiveFrom'],
        `prices take effect at ${bookFile.effectiveFrom}, after the window starts (${formatInstant(window.startMs, window.zone)}); ` +
          'the earlier hours would have no price (give the prices in force then, and this list under "changes")',
      );
    }
    return built;
  };
  return {
    name: file.name,
    description: file.description ?? '',
    assumptions: file.assumptions,
    window,
    buckets,
    pools,
    traffic,
    theoretical: book('theoretical', books.theoretical),
    realized: books.realized ? book('realized', books.realized) : null,
    simulation,
  };
}

const DURATION_UNITS_MS: Record<string, number> = { s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 };

function buildWindow(file: ScenarioFile['window']): Scenario['window'] {
  const zone = parseTimeZone(file.timeZone);
  if (!zone) throw new ScenarioError(['window', 'timeZone'], `unknown time zone "${file.timeZone}" (expected UTC, +08:00, UTC+8 or an IANA name)`);
  const startMs = parseInstant(file.start);
  if (startMs === null) throw new ScenarioError(['window', 'start'], `"${file.start}" is not an ISO timestamp with an offset (e.g. 2025-02-27T12:00:00+08:00)`);
  const endMs = parseInstant(file.end);
  if (endMs === null) throw new ScenarioError(['window', 'end'], `"${file.end}" is not an ISO timestamp with an offset`);
  if (endMs <= startMs) throw new ScenarioError(['window', 'end'], 'the window ends at or before it starts');
  const duration = /^(\d+(?:\.\d+)?)\s*(s|m|min|h|d)$/.exec(file.bucket.trim());
  if (!duration) throw new ScenarioError(['window', 'bucket'], `"${file.bucket}" is not a duration with a unit (expected e.g. 1h, 15m, 30min)`);
  const bucketMs = Number(duration[1]) * DURATION_UNITS_MS[duration[2]];
  if (!Number.isInteger(bucketMs) || bucketMs <= 0 || (endMs - startMs) % bucketMs !== 0) {
    throw new ScenarioError(['window', 'bucket'], `a bucket of ${file.bucket} does not divide the window into whole buckets`);
  }
  return { startMs, endMs, zone, zoneName: file.timeZone, bucketMs };
}

function buildTraffic(file: TrafficFile, buckets: Scenario['buckets'], zone: TimeZone): TrafficCell[][] {
  const profileKeys = (['totals', 'bucketWeights', 'mix'] as const).filter((key) => file[key] !== undefined);
  if (file.buckets !== undefined) {
    if (profileKeys.length > 0) throw new ScenarioError(['traffic', profileKeys[0]], 'give traffic as buckets, or as totals + bucketWeights + mix, not both');
    return explicitTraffic(file.buckets, buckets, zone);
  }
  for (const key of ['totals', 'bucketWeights', 'mix'] as const) {
    if (file[key] === undefined) throw new ScenarioError(['traffic'], `missing "${key}" (a profile needs totals, bucketWeights and mix; or give buckets)`);
  }
  return profileTraffic(file as Required<Omit<TrafficFile, 'buckets'>>, buckets.length);
}

/** Each class's total spread over buckets by weight, then over the mix by share, to the token. */
function profileTraffic(file: Required<Omit<TrafficFile, 'buckets'>>, bucketCount: number): TrafficCell[][] {
  const totals = resolveVolume(file.totals, ['traffic', 'totals']);
  if (file.bucketWeights.length !== bucketCount) {
    throw new ScenarioError(['traffic', 'bucketWeights'], `expected ${bucketCount} weights, one per bucket of the window, got ${file.bucketWeights.length}`);
  }
  if (!file.bucketWeights.some((w) => w > 0)) {
    throw new ScenarioError(['traffic', 'bucketWeights'], 'expected at least one weight > 0 to spread the totals over');
  }
  const seen = new Set<string>();
  file.mix.forEach((entry, i) => {
    const key = `${entry.model}/${entry.channel}`;
    if (seen.has(key)) throw new ScenarioError(['traffic', 'mix', i], `duplicate mix entry for model "${entry.model}" on channel "${entry.channel}"`);
    seen.add(key);
  });
  const cells: TrafficCell[][] = Array.from({ length: bucketCount }, () =>
    file.mix.map((entry) => ({ model: entry.model, channel: entry.channel, inputCacheHit: 0, inputCacheMiss: 0, output: 0 })),
  );
  const bucketWeights = file.bucketWeights.map((w) => fromDecimal(w));
  for (const tokenClass of TOKEN_CLASSES) {
    const shares: Ratio[] = file.mix.map((entry) => fromDecimal(typeof entry.share === 'number' ? entry.share : entry.share[tokenClass]));
    // Shares are exact decimals and must sum to exactly 1: nothing is rescaled, so a mix that is off
    // by a rounding (0.333 x 3) is an error rather than tokens silently moved between models.
    const shareSum = shares.reduce(add, ZERO);
    if (compare(shareSum, ONE) !== 0) {
      throw new ScenarioError(
        ['traffic', 'mix'],
        `the ${tokenClass} shares sum to ${toExactString(shareSum)}, expected exactly 1 (e.g. thirds as 0.3333, 0.3333, 0.3334)`,
      );
    }
    apportion(totals[tokenClass], bucketWeights).forEach((bucketTokens, b) => {
      apportion(bucketTokens, shares).forEach((tokens, m) => {
        cells[b][m][tokenClass] = tokens;
      });
    });
  }
  return cells;
}

function explicitTraffic(rows: NonNullable<TrafficFile['buckets']>, buckets: Scenario['buckets'], zone: TimeZone): TrafficCell[][] {
  const indexByStart = new Map(buckets.map((bucket, b) => [bucket.startMs, b]));
  const cells: TrafficCell[][] = buckets.map(() => []);
  rows.forEach((row, r) => {
    const path: KeyPath = ['traffic', 'buckets', r];
    const startMs = parseInstant(row.start);
    const b = startMs === null ? undefined : indexByStart.get(startMs);
    if (b === undefined) {
      const first = formatInstant(buckets[0].startMs, zone);
      throw new ScenarioError([...path, 'start'], `"${row.start}" is not the start of a bucket of the window (e.g. ${first})`);
    }
    const volume = resolveVolume(row, path);
    let cell = cells[b].find((c) => c.model === row.model && c.channel === row.channel);
    if (!cell) {
      cell = { model: row.model, channel: row.channel, inputCacheHit: 0, inputCacheMiss: 0, output: 0 };
      cells[b].push(cell);
    }
    for (const tokenClass of TOKEN_CLASSES) cell[tokenClass] += volume[tokenClass];
  });
  return cells;
}
