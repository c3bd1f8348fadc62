// Workload sources: records, synthetic generators, transforms and trace row parsers.
export {
  empiricalLengthPairs,
  empiricalTokens,
  exponentialSeconds,
  fixedTokens,
  geometricCount,
  independentLengths,
  lengthsFromSource,
  lognormalSeconds,
  lognormalTokens,
  uniformTokens,
  type Distribution,
  type LengthModel,
  type TokenDistribution,
} from './lengths.js';
export { ArrivalProcess, RateProfile, type RatePiece } from './profile.js';
export {
  arraySource,
  collect,
  copyRequestRecord,
  newRequestRecord,
  reserveBlocks,
  type RequestRecord,
  type RequestSource,
} from './request.js';
export { Rng } from './rng.js';
export { SyntheticSource, type ConversationModel, type SyntheticStream, type SyntheticWorkloadConfig } from './synthetic.js';
export {
  azure2023Parser,
  MOONCAKE_BLOCK_TOKENS,
  mooncakeParser,
  parseNaiveUtc,
  traceParser,
  type TraceFormat,
  type TraceRowParser,
} from './traceFormats.js';
export { scaleRate, shiftTime, takeRequests, timeWindow } from './transforms.js';
