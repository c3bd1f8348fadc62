// The library's public face; each layer adds its exports here.
export { InputError, isInputError } from './errors.js';
export * from './econ/exact.js';
export * from './econ/pricebook.js';
export * from './econ/ledger.js';
export * from './econ/totals.js';
export * from './econ/fleet-usage.js';
export { loadScenario } from './scenario/load.js';
export { buildScenario, type Scenario, type BuildOptions } from './scenario/build.js';
export { scenarioLedger } from './scenario/ledger.js';
export { buildStatement } from './report/build-statement.js';
export { renderStatementText } from './report/terminal.js';
export { renderHourlyCsv } from './report/csv.js';
export type * from './report/statement.js';
