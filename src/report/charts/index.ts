export * from './style.js';
export * from './time-series.js';
export * from './bars.js';
export * from './statement-charts.js';
export * from './render.js';
