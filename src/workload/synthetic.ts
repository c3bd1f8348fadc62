import { InputError } from '../errors.js';
import { Lognormal, lognormalLengths, type Distribution, type LengthModel, type TokenDistribution } from './lengths.js';
import { ArrivalProcess, type RateProfile } from './profile.js';
import { reserveBlocks, type RequestRecord, type RequestSource } from './request.js';
import { Rng } from './rng.js';
import { SLOT_NUMBERS, TurnQueue } from './turnQueue.js';

/**
 * Sessions of turns: each turn's prompt is the whole conversation so far (system prompt, earlier user
 * messages and answers) plus a new user message, so its leading blocks repeat the previous turn's and
 * cache hits emerge from reuse.
 */
export interface ConversationModel {
  /** Turns per session (≥ 1), e.g. geometricCount(3). */
  turns: TokenDistribution;
  /** Tokens of the shared system prompt at the start of every prompt. */
  systemPromptTokens: number;
  /** Distinct system prompts, chosen uniformly per session; sessions with the same one share its blocks. */
  systemPromptVariants: number;
  /** Seconds from one turn's arrival to the next (reading the answer and thinking); open loop. */
  thinkSeconds: Distribution;
  /** A session ends before a turn whose prompt would exceed this. */
  maxContextTokens: number;
}

export interface SyntheticStream {
  model: string;
  channel: string;
  /** Share of requests (turns, not sessions); streams' weights are normalised. */
  weight: number;
  /** Input = the new user message of a turn (the whole prompt without a conversation), and output. */
  lengths: LengthModel;
  /** Without it, every request is a one-turn session with no shared prefix. */
  conversation?: ConversationModel;
}

export interface SyntheticWorkloadConfig {
  /** Requests per second over time. */
  profile: RateProfile;
  /** Coefficient of variation of inter-arrival times of sessions (1 = Poisson). */
  interArrivalCv?: number;
  streams: readonly SyntheticStream[];
  /** Tokens per prefix block of the cache keys (Mooncake uses 512). */
  blockTokens: number;
}

/** Block keys: sessions get positive keys (session+1)·2^21 + block, shared system prompts negative ones. */
const BLOCKS_PER_KEY_SPACE = 2097152; // 2^21 blocks per session or system prompt

// An open session's numbers in its slot's line of `sessions` (SLOT_NUMBERS per slot: one cache line).
/** When its next turn is due; TurnQueue keeps a pending slot's key here. */
const DUE = 0;
const STREAM = 1;
const NUMBER = 2;
/** Tokens of the conversation so far: the next prompt starts with them. */
const CONTEXT = 3;
const TURNS_LEFT = 4;
/** The system prompt variant's key space, (model·1024 + variant + 1)·2^21. */
const VARIANT_KEY = 5;

/** What a turn needs of its stream, in one place (a stream's config is spread over several objects). */
class StreamState {
  readonly rng: Rng;
  readonly arrivals: ArrivalProcess;
  readonly lengths: LengthModel;
  readonly conversation: ConversationModel | undefined;
  readonly modelIndex: number;
  readonly channelIndex: number;
  /** Leading blocks of every prompt that belong to the shared system prompt. */
  readonly systemPromptBlocks: number;
  /** The usual log-normal input, output and think time, called directly (or null: ask `lengths`). */
  readonly lognormalInput: Lognormal | null = null;
  readonly lognormalOutput: Lognormal | null = null;
  readonly lognormalThink: Lognormal | null = null;

  constructor(stream: SyntheticStream, rng: Rng, arrivals: ArrivalProcess, modelIndex: number, channelIndex: number, blockTokens: number) {
    this.rng = rng;
    this.arrivals = arrivals;
    this.lengths = stream.lengths;
    this.conversation = stream.conversation;
    this.modelIndex = modelIndex;
    this.channelIndex = channelIndex;
    this.systemPromptBlocks = stream.conversation ? Math.floor(stream.conversation.systemPromptTokens / blockTokens) : 0;
    const lognormal = lognormalLengths(stream.lengths);
    if (lognormal) {
      this.lognormalInput = lognormal.input;
      this.lognormalOutput = lognormal.output;
    }
    if (stream.conversation?.thinkSeconds instanceof Lognormal) this.lognormalThink = stream.conversation.thinkSeconds;
  }
}

/**
 * A streaming synthetic workload: per stream, sessions arrive as a renewal process following the
 * rate profile (scaled by weight / mean turns); follow-up turns wait in a queue. Memory is the open
 * sessions only.
 */
export class SyntheticSource implements RequestSource {
  readonly models: readonly string[];
  readonly channels: readonly string[];
  private readonly blockTokens: number;
  private readonly endSeconds: number;
  private readonly streams: StreamState[] = [];
  private readonly nextSessionSeconds: Float64Array;
  /** The earliest of nextSessionSeconds (the first such stream on ties), kept up to date. */
  private firstSessionSeconds = Number.POSITIVE_INFINITY;
  private firstSessionStream = -1;
  private readonly pending: TurnQueue;
  /**
   * Open sessions by slot, a line each. Slots are reused last-freed first; a slot also orders pending
   * turns due at the same time.
   */
  private sessions = new Float64Array(64 * SLOT_NUMBERS);
  private freeSlots = new Int32Array(64);
  private freeCount = 0;
  private slotCount = 0;
  private sessionsStarted = 0;
  private readonly lengthScratch = { inputTokens: 0, outputTokens: 0 };

  constructor(config: SyntheticWorkloadConfig, rng: Rng) {
    if (config.streams.length === 0) throw new InputError('expected at least one stream', 'workload.streams');
    if (!(config.blockTokens >= 1)) throw new InputError('expected blockTokens ≥ 1', 'workload.blockTokens');
    this.blockTokens = config.blockTokens;
    this.endSeconds = config.profile.endSeconds;
    const models: string[] = [];
    const channels: string[] = [];
    const indexOf = (list: string[], name: string): number => {
      const i = list.indexOf(name);
      if (i >= 0) return i;
      list.push(name);
      return list.length - 1;
    };
    let totalWeight = 0;
    for (const s of config.streams) totalWeight += s.weight;
    if (!(totalWeight > 0)) throw new InputError('expected stream weights summing to > 0', 'workload.streams');
    this.nextSessionSeconds = new Float64Array(config.streams.length);
    config.streams.forEach((s, i) => {
      if (!(s.weight >= 0)) throw new InputError('expected a weight ≥ 0', `workload.streams[${i}].weight`);
      const modelIndex = indexOf(models, s.model);
      const channelIndex = indexOf(channels, s.channel);
      const meanTurns = s.conversation ? s.conversation.turns.mean : 1;
      const sessionProfile = config.profile.scaled(s.weight / totalWeight / meanTurns);
      const lengthsRng = rng.fork(`stream:${i}:lengths`);
      const arrivals = new ArrivalProcess(sessionProfile, rng.fork(`stream:${i}:arrivals`), config.interArrivalCv ?? 1);
      this.streams.push(new StreamState(s, lengthsRng, arrivals, modelIndex, channelIndex, config.blockTokens));
      this.nextSessionSeconds[i] = s.weight > 0 ? arrivals.next() : Number.POSITIVE_INFINITY;
    });
    this.findFirstSession();
    this.models = models;
    this.channels = channels;
    this.pending = pendingTurnQueue(config);
  }

  next(out: RequestRecord): boolean {
    for (;;) {
      // A pending turn wins a tie with a new session, as the earlier stream wins among sessions.
      const pendingSeconds = this.pending.peekKey(this.sessions);
      if (this.firstSessionSeconds < pendingSeconds) {
        const stream = this.firstSessionStream;
        const arrivalSeconds = this.firstSessionSeconds;
        this.nextSessionSeconds[stream] = this.streams[stream].arrivals.next();
        this.findFirstSession();
        const slot = this.openSession(stream);
        this.sessions[slot * SLOT_NUMBERS + DUE] = arrivalSeconds;
        if (this.emitTurn(slot, out)) return true;
      } else if (pendingSeconds === Number.POSITIVE_INFINITY) return false;
      else if (this.emitTurn(this.pending.pop(), out)) return true;
    }
  }

  private findFirstSession(): void {
    let first = Number.POSITIVE_INFINITY;
    let stream = -1;
    for (let i = 0; i < this.nextSessionSeconds.length; i++) {
      if (this.nextSessionSeconds[i] < first) {
        first = this.nextSessionSeconds[i];
        stream = i;
      }
    }
    this.firstSessionSeconds = first;
    this.firstSessionStream = stream;
  }

  /** Starts a session of the stream and returns its slot (the caller sets when its first turn is due). */
  private openSession(stream: number): number {
    const st = this.streams[stream];
    const rng = st.rng;
    let slot: number;
    if (this.freeCount > 0) slot = this.freeSlots[--this.freeCount];
    else {
      slot = this.slotCount++;
      if (this.slotCount * SLOT_NUMBERS > this.sessions.length) this.growSessions();
    }
    const at = slot * SLOT_NUMBERS;
    const sessions = this.sessions;
    sessions[at + STREAM] = stream;
    sessions[at + NUMBER] = this.sessionsStarted++;
    const c = st.conversation;
    sessions[at + CONTEXT] = c ? c.systemPromptTokens : 0;
    // `| 0` as when these were Int32Array fields: odd configured values still give the same numbers.
    sessions[at + TURNS_LEFT] = c ? Math.max(1, c.turns.sample(rng)) | 0 : 1;
    const variant = c && c.systemPromptVariants > 1 ? rng.nextInt(c.systemPromptVariants) | 0 : 0;
    sessions[at + VARIANT_KEY] = (st.modelIndex * 1024 + variant + 1) * BLOCKS_PER_KEY_SPACE;
    return slot;
  }

  private growSessions(): void {
    const sessions = new Float64Array(this.sessions.length * 2);
    sessions.set(this.sessions);
    this.sessions = sessions;
  }

  private closeSession(slot: number): void {
    if (this.freeCount === this.freeSlots.length) {
      const grown = new Int32Array(this.freeCount * 2);
      grown.set(this.freeSlots);
      this.freeSlots = grown;
    }
    this.freeSlots[this.freeCount++] = slot;
  }

  /** Fills `out` with the session's turn that is due and schedules the next; false if the session ended instead. */
  private emitTurn(slot: number, out: RequestRecord): boolean {
    const state = this.sessions;
    const at = slot * SLOT_NUMBERS;
    const arrivalSeconds = state[at + DUE];
    const st = this.streams[state[at + STREAM]];
    const rng = st.rng;
    const c = st.conversation;
    let newTokens: number;
    let outputTokens: number;
    if (st.lognormalInput !== null && st.lognormalOutput !== null) {
      newTokens = st.lognormalInput.sample(rng);
      outputTokens = st.lognormalOutput.sample(rng);
    } else {
      st.lengths.sample(rng, this.lengthScratch);
      newTokens = this.lengthScratch.inputTokens;
      outputTokens = this.lengthScratch.outputTokens;
    }
    const context = state[at + CONTEXT];
    let inputTokens = context + newTokens;
    if (c && inputTokens > c.maxContextTokens) {
      if (context > c.systemPromptTokens) {
        this.closeSession(slot);
        return false;
      }
      inputTokens = c.maxContextTokens;
    }
    out.arrivalSeconds = arrivalSeconds;
    out.modelIndex = st.modelIndex;
    out.channelIndex = st.channelIndex;
    out.inputTokens = inputTokens;
    out.outputTokens = outputTokens;
    const sessionNumber = state[at + NUMBER];
    out.sessionId = sessionNumber;
    // Full blocks only: a partial last block changes when the conversation grows, so it is never reused.
    const blockTokens = this.blockTokens;
    const count = Math.floor(inputTokens / blockTokens);
    const ids = reserveBlocks(out, count);
    const sharedBlocks = Math.min(count, st.systemPromptBlocks);
    const variantKey = state[at + VARIANT_KEY];
    for (let i = 0; i < sharedBlocks; i++) ids[i] = -(variantKey + i);
    const sessionKey = (sessionNumber + 1) * BLOCKS_PER_KEY_SPACE;
    for (let i = sharedBlocks; i < count; i++) ids[i] = sessionKey + i;
    out.blockCount = count;
    out.blockTokens = blockTokens;
    state[at + CONTEXT] = inputTokens + outputTokens;
    const turnsLeft = (state[at + TURNS_LEFT] - 1) | 0;
    state[at + TURNS_LEFT] = turnsLeft;
    if (turnsLeft > 0 && c) {
      const thinkSeconds = st.lognormalThink !== null ? st.lognormalThink.sample(rng) : c.thinkSeconds.sample(rng);
      const nextSeconds = arrivalSeconds + thinkSeconds;
      if (nextSeconds < this.endSeconds) {
        this.pending.push(nextSeconds, slot, state);
        return true;
      }
    }
    this.closeSession(slot);
    return true;
  }
}

/**
 * A queue whose time buckets hold a few dozen turns at the peak rate (loading a bucket then overlaps
 * that many cache misses; finer buckets measured slower), over a horizon of several mean think times
 * (later turns wait in the queue's overflow heap: correct, just slower).
 */
function pendingTurnQueue(config: SyntheticWorkloadConfig): TurnQueue {
  const peakRate = config.profile.peakRatePerSecond;
  let bucketsPerSecond = 1;
  while (bucketsPerSecond < 4096 && bucketsPerSecond * 64 < peakRate) bucketsPerSecond *= 2;
  let horizonSeconds = 1;
  for (const s of config.streams) if (s.conversation) horizonSeconds = Math.max(horizonSeconds, 8 * s.conversation.thinkSeconds.mean);
  let ringBuckets = 1024;
  while (ringBuckets < 262144 && ringBuckets < horizonSeconds * bucketsPerSecond) ringBuckets *= 2;
  return new TurnQueue(bucketsPerSecond, ringBuckets);
}
