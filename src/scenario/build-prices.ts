import { parseInstant, parseTimeOfDay, parseTimeZone } from '../econ/clock.js';
import { div, fromDecimal, ratio, type Ratio } from '../econ/exact.js';
import { ANY_MODEL, type ClassPrices, type PriceBook, type PriceVersion, type TimeOfDayRule } from '../econ/pricebook.js';
import { ScenarioError, type KeyPath } from './scenario-error.js';
import { PRICE_UNITS, type PriceBookFile } from './schema.js';

/** Tokens per price unit, relative to the ledger's unit (USD per million tokens). */
const PER_MILLION_DIVISOR: Record<(typeof PRICE_UNITS)[number], Ratio> = {
  'USD per 1M tokens': ratio(1),
  'USD per 1K tokens': ratio(1, 1000),
};

/** Builds a price book and checks it prices every model the traffic uses. */
export function buildPriceBook(
  file: PriceBookFile,
  path: KeyPath,
  trafficModels: ReadonlySet<string>,
  trafficChannels: ReadonlySet<string>,
): PriceBook {
  if (!(PRICE_UNITS as readonly string[]).includes(file.unit)) {
    throw new ScenarioError([...path, 'unit'], `unknown price unit "${file.unit}" (expected one of: ${PRICE_UNITS.join(', ')})`);
  }
  const perMillion = PER_MILLION_DIVISOR[file.unit as (typeof PRICE_UNITS)[number]];
  const toPrices = (prices: PriceBookFile['prices'], at: KeyPath) => {
    for (const model of trafficModels) {
      if (!(model in prices) && !(ANY_MODEL in prices)) {
        throw new ScenarioError(at, `no price for model "${model}", which the traffic uses (add it, or a "${ANY_MODEL}" entry)`);
      }
    }
    return new Map(
      Object.entries(prices).map(([model, p]): [string, ClassPrices] => [
        model,
        {
          inputCacheHit: div(fromDecimal(p.inputCacheHit), perMillion),
          inputCacheMiss: div(fromDecimal(p.inputCacheMiss), perMillion),
          output: div(fromDecimal(p.output), perMillion),
        },
      ]),
    );
  };

  const versions: PriceVersion[] = [
    {
      effectiveFromMs: file.effectiveFrom === undefined ? -Infinity : instant(file.effectiveFrom, [...path, 'effectiveFrom']),
      pricesByModel: toPrices(file.prices, [...path, 'prices']),
    },
  ];
  file.changes.forEach((change, i) => {
    const at: KeyPath = [...path, 'changes', i];
    const effectiveFromMs = instant(change.effectiveFrom, [...at, 'effectiveFrom']);
    if (effectiveFromMs <= versions[versions.length - 1].effectiveFromMs) {
      throw new ScenarioError([...at, 'effectiveFrom'], 'price changes must be in time order, each after the one before');
    }
    versions.push({ effectiveFromMs, pricesByModel: toPrices(change.prices, [...at, 'prices']) });
  });

  const rules = file.timeOfDay.map((rule, i): TimeOfDayRule => {
    const at: KeyPath = [...path, 'timeOfDay', i];
    const zone = parseTimeZone(rule.timeZone);
    if (!zone) throw new ScenarioError([...at, 'timeZone'], `unknown time zone "${rule.timeZone}" (expected UTC, +08:00, UTC+8 or an IANA name)`);
    const startMinute = minuteOfDay(rule.from, [...at, 'from']);
    const endMinute = minuteOfDay(rule.to, [...at, 'to']);
    if (startMinute === endMinute) throw new ScenarioError([...at, 'to'], 'the window is empty: "to" equals "from"');
    for (const model of Object.keys(rule.priceFactor)) {
      if (model !== ANY_MODEL && !trafficModels.has(model)) {
        throw new ScenarioError([...at, 'priceFactor', model], `model "${model}" does not appear in the traffic (models: ${[...trafficModels].join(', ')})`);
      }
    }
    return {
      name: rule.name,
      zone,
      startMinute: startMinute % 1440,
      endMinute,
      factorByModel: new Map(Object.entries(rule.priceFactor).map(([model, f]) => [model, fromDecimal(f)])),
    };
  });

  let paidChannels: PriceBook['paidChannels'] = 'all';
  if (file.paidChannels !== 'all') {
    file.paidChannels.forEach((channel, i) => {
      if (!trafficChannels.has(channel)) {
        throw new ScenarioError([...path, 'paidChannels', i], `channel "${channel}" does not appear in the traffic (channels: ${[...trafficChannels].join(', ')})`);
      }
    });
    paidChannels = new Set(file.paidChannels);
  }
  return { name: file.name, versions, rules, paidChannels };
}

function instant(text: string, path: KeyPath): number {
  const ms = parseInstant(text);
  if (ms === null) throw new ScenarioError(path, `"${text}" is not an ISO timestamp with an offset (e.g. 2025-02-09T00:00:00Z)`);
  return ms;
}

function minuteOfDay(text: string, path: KeyPath): number {
  const minutes = parseTimeOfDay(text);
  if (minutes === null) throw new ScenarioError(path, `"${text}" is not a time of day (expected "HH:MM", 00:00 to 24:00)`);
  return minutes;
}
