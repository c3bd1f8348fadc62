import { InputError, isInputError } from '../errors.js';
import type { TraceFormat } from '../workload/traceFormats.js';
import {
  empiricalLengthPairs,
  fixedTokens,
  geometricCount,
  independentLengths,
  lognormalTokens,
  uniformTokens,
  type LengthModel,
  type TokenDistribution,
} from '../workload/lengths.js';
import { RateProfile } from '../workload/profile.js';
import type { RequestSource } from '../workload/request.js';
import { Rng } from '../workload/rng.js';
import { SyntheticSource, type SyntheticStream } from '../workload/synthetic.js';
import { scaleRate, shiftTime, timeWindow } from '../workload/transforms.js';
import { ScenarioError, type KeyPath } from './scenario-error.js';
import type { DistributionFile, SimulationFile, StreamFile } from './simulation-schema.js';

export type WorkloadSpec =
  | {
      kind: 'synthetic';
      ratesPerSecond: number[];
      bucketSeconds: number;
      interArrivalCv: number;
      blockTokens: number;
      streams: StreamFile[];
      path: KeyPath;
    }
  | {
      kind: 'trace';
      path: string;
      format?: TraceFormat;
      model: string;
      channel: string;
      skipMalformed: boolean;
      rateScale: number;
      offsetSeconds: number;
    };

/** What only the Node side can do: open trace files (paths as written in the scenario). */
export interface WorkloadEnvironment {
  openTrace(
    path: string,
    format: TraceFormat | undefined,
    options: { model: string; channel: string; skipMalformed: boolean },
  ): RequestSource & { readonly skippedRows: number; readonly skippedExamples: readonly string[] };
  /** Every row's input and output tokens, for empirical lengths. */
  traceLengths(path: string): { inputs: ArrayLike<number>; outputs: ArrayLike<number> };
}

export function buildWorkloadSpec(
  file: SimulationFile['workload'],
  window: { bucketMs: number; buckets: number; bucketWeights: readonly number[] | null },
  path: KeyPath,
): WorkloadSpec {
  if ((file.synthetic === undefined) === (file.trace === undefined)) {
    throw new ScenarioError(path, 'expected exactly one of synthetic or trace');
  }
  if (file.trace) return { kind: 'trace', ...file.trace };
  const synthetic = file.synthetic!;
  const at: KeyPath = [...path, 'synthetic'];
  const bucketSeconds = window.bucketMs / 1000;
  let ratesPerSecond: number[];
  if ((synthetic.requestsPerSecond === undefined) === (synthetic.requestsInWindow === undefined)) {
    throw new ScenarioError(at, 'expected exactly one of requestsPerSecond (one rate per bucket) or requestsInWindow');
  }
  if (synthetic.requestsPerSecond) {
    if (synthetic.requestsPerSecond.length !== window.buckets) {
      throw new ScenarioError([...at, 'requestsPerSecond'], `expected ${window.buckets} rates, one per bucket, got ${synthetic.requestsPerSecond.length}`);
    }
    ratesPerSecond = synthetic.requestsPerSecond;
  } else {
    const weights = window.bucketWeights ?? new Array<number>(window.buckets).fill(1);
    const weightSum = weights.reduce((a, b) => a + b, 0);
    ratesPerSecond = weights.map((w) => (synthetic.requestsInWindow! * w) / weightSum / bucketSeconds);
  }
  synthetic.streams.forEach((stream, i) => {
    const hasDistributions = stream.inputTokens !== undefined && stream.outputTokens !== undefined;
    if (hasDistributions === (stream.lengthsFromTrace !== undefined)) {
      throw new ScenarioError([...at, 'streams', i], 'expected inputTokens and outputTokens, or lengthsFromTrace');
    }
    // Build every distribution now, so a bad one is reported at its key before a long run starts.
    const check = (file: DistributionFile | undefined, key: KeyPath) => {
      if (file === undefined) return;
      try {
        distribution(file);
      } catch (error) {
        if (isInputError(error)) throw new ScenarioError([...at, 'streams', i, ...key], error.message.replace(/^[a-z]+: /, ''));
        throw error;
      }
    };
    check(stream.inputTokens, ['inputTokens']);
    check(stream.outputTokens, ['outputTokens']);
    check(stream.conversation?.turns, ['conversation', 'turns']);
    check(stream.conversation?.thinkSeconds, ['conversation', 'thinkSeconds']);
  });
  return {
    kind: 'synthetic',
    ratesPerSecond,
    bucketSeconds,
    interArrivalCv: synthetic.interArrivalCv,
    blockTokens: synthetic.blockTokens,
    streams: synthetic.streams,
    path: at,
  };
}

/** Every trace file the workload section reads (path as written), with the key that names it and its format if given. */
export function workloadTraceFiles(file: SimulationFile['workload'], at: KeyPath): { key: KeyPath; path: string; format?: TraceFormat }[] {
  const files: { key: KeyPath; path: string; format?: TraceFormat }[] = [];
  if (file.trace) files.push({ key: [...at, 'trace', 'path'], path: file.trace.path, format: file.trace.format });
  file.synthetic?.streams.forEach((stream, i) => {
    if (stream.lengthsFromTrace !== undefined) files.push({ key: [...at, 'synthetic', 'streams', i, 'lengthsFromTrace'], path: stream.lengthsFromTrace });
  });
  return files;
}

/** The models and channels the workload will send, to check the price books before a long run. */
export function workloadNames(spec: WorkloadSpec): { model: string; channel: string }[] {
  return spec.kind === 'trace' ? [{ model: spec.model, channel: spec.channel }] : spec.streams.map(({ model, channel }) => ({ model, channel }));
}

/** A streaming request source for the spec over [fromSeconds, toSeconds) of the window, seeded. */
export interface OpenWorkload {
  source: RequestSource;
  /** Malformed trace rows skipped so far (with skipMalformed). */
  skippedRows(): number;
  /** The first few of them, each `file:line: what was expected`. */
  skippedExamples(): readonly string[];
}

export function openWorkload(spec: WorkloadSpec, seed: number, env: WorkloadEnvironment, fromSeconds: number, toSeconds: number): OpenWorkload {
  if (spec.kind === 'trace') {
    const trace = env.openTrace(spec.path, spec.format, { model: spec.model, channel: spec.channel, skipMalformed: spec.skipMalformed });
    let source: RequestSource = trace;
    if (spec.rateScale !== 1) source = scaleRate(source, spec.rateScale);
    if (spec.offsetSeconds !== 0) source = shiftTime(source, spec.offsetSeconds);
    return { source: timeWindow(source, fromSeconds, toSeconds), skippedRows: () => trace.skippedRows, skippedExamples: () => trace.skippedExamples };
  }
  const streams = spec.streams.map((stream): SyntheticStream => ({
    model: stream.model,
    channel: stream.channel,
    weight: stream.weight,
    lengths: lengthModel(stream, env),
    conversation: stream.conversation && {
      turns: distribution(stream.conversation.turns),
      systemPromptTokens: stream.conversation.systemPromptTokens,
      systemPromptVariants: stream.conversation.systemPromptVariants,
      thinkSeconds: distribution(stream.conversation.thinkSeconds),
      maxContextTokens: stream.conversation.maxContextTokens,
    },
  }));
  const firstBucket = Math.floor(fromSeconds / spec.bucketSeconds);
  const lastBucket = Math.ceil(toSeconds / spec.bucketSeconds);
  const profile = RateProfile.uniform(fromSeconds, spec.bucketSeconds, spec.ratesPerSecond.slice(firstBucket, lastBucket));
  const source = new SyntheticSource({ profile, interArrivalCv: spec.interArrivalCv, streams, blockTokens: spec.blockTokens }, new Rng(seed, 'workload'));
  return { source, skippedRows: () => 0, skippedExamples: () => [] };
}

function lengthModel(stream: StreamFile, env: WorkloadEnvironment): LengthModel {
  if (stream.lengthsFromTrace) {
    const { inputs, outputs } = env.traceLengths(stream.lengthsFromTrace);
    return empiricalLengthPairs(inputs, outputs);
  }
  return independentLengths(distribution(stream.inputTokens!), distribution(stream.outputTokens!));
}

export function distribution(file: DistributionFile): TokenDistribution {
  if (typeof file === 'number') return fixedTokens(file);
  if ('fixed' in file) return fixedTokens(file.fixed);
  if ('uniform' in file) return uniformTokens(file.uniform[0], file.uniform[1]);
  if ('lognormal' in file) {
    const { mean, cv, min, max } = file.lognormal;
    if (min !== undefined && max !== undefined && max < min) throw new InputError(`expected max ≥ min, got ${min}..${max}`, 'lognormal');
    return lognormalTokens(mean, cv, min, max);
  }
  return geometricCount(file.geometric);
}
