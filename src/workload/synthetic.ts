import { InputError } from '../errors.js';
import type { Distribution, LengthModel, TokenDistribution } from './lengths.js';
import { MinHeap } from './minHeap.js';
import { ArrivalProcess, type RateProfile } from './profile.js';
import { reserveBlocks, type RequestRecord, type RequestSource } from './request.js';
import { Rng } from './rng.js';

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

/**
 * A streaming synthetic workload: per stream, sessions arrive as a renewal process following the
 * rate profile (scaled by weight / mean turns); follow-up turns wait in a heap. Memory is the open
 * sessions only.
 */
export class SyntheticSource implements RequestSource {
  readonly models: readonly string[];
  readonly channels: readonly string[];
  private readonly config: SyntheticWorkloadConfig;
  private readonly streamModel: Int32Array;
  private readonly streamChannel: Int32Array;
  private readonly arrivals: ArrivalProcess[];
  private readonly nextSessionSeconds: Float64Array;
  private readonly rngs: Rng[];
  private readonly pending = new MinHeap();
  // Open sessions (pooled).
  private sessionStream = new Int32Array(64);
  private sessionNumber = new Float64Array(64);
  private sessionContextTokens = new Float64Array(64);
  private sessionTurnsLeft = new Int32Array(64);
  private sessionVariant = new Int32Array(64);
  private freeSessions: number[] = [];
  private sessionSlots = 0;
  private sessionsStarted = 0;
  private readonly lengthScratch = { inputTokens: 0, outputTokens: 0 };

  constructor(config: SyntheticWorkloadConfig, rng: Rng) {
    if (config.streams.length === 0) throw new InputError('expected at least one stream', 'workload.streams');
    if (!(config.blockTokens >= 1)) throw new InputError('expected blockTokens ≥ 1', 'workload.blockTokens');
    this.config = config;
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
    this.streamModel = new Int32Array(config.streams.length);
    this.streamChannel = new Int32Array(config.streams.length);
    this.arrivals = [];
    this.rngs = [];
    this.nextSessionSeconds = new Float64Array(config.streams.length);
    config.streams.forEach((s, i) => {
      if (!(s.weight >= 0)) throw new InputError('expected a weight ≥ 0', `workload.streams[${i}].weight`);
      this.streamModel[i] = indexOf(models, s.model);
      this.streamChannel[i] = indexOf(channels, s.channel);
      const meanTurns = s.conversation ? s.conversation.turns.mean : 1;
      const sessionProfile = config.profile.scaled(s.weight / totalWeight / meanTurns);
      this.rngs.push(rng.fork(`stream:${i}:lengths`));
      this.arrivals.push(new ArrivalProcess(sessionProfile, rng.fork(`stream:${i}:arrivals`), config.interArrivalCv ?? 1));
      this.nextSessionSeconds[i] = s.weight > 0 ? this.arrivals[i].next() : Number.POSITIVE_INFINITY;
    });
    this.models = models;
    this.channels = channels;
  }

  next(out: RequestRecord): boolean {
    for (;;) {
      let stream = -1;
      let best = this.pending.peekKey();
      for (let i = 0; i < this.nextSessionSeconds.length; i++) {
        if (this.nextSessionSeconds[i] < best) {
          best = this.nextSessionSeconds[i];
          stream = i;
        }
      }
      if (best === Number.POSITIVE_INFINITY) return false;
      let session: number;
      if (stream < 0) session = this.pending.pop();
      else {
        this.nextSessionSeconds[stream] = this.arrivals[stream].next();
        session = this.openSession(stream);
      }
      if (this.emitTurn(session, best, out)) return true;
    }
  }

  private openSession(stream: number): number {
    const s = this.config.streams[stream];
    const rng = this.rngs[stream];
    let slot: number;
    if (this.freeSessions.length > 0) slot = this.freeSessions.pop() as number;
    else {
      if (this.sessionSlots === this.sessionStream.length) this.growSessions();
      slot = this.sessionSlots++;
    }
    this.sessionStream[slot] = stream;
    this.sessionNumber[slot] = this.sessionsStarted++;
    const c = s.conversation;
    this.sessionContextTokens[slot] = c ? c.systemPromptTokens : 0;
    this.sessionTurnsLeft[slot] = c ? Math.max(1, c.turns.sample(rng)) : 1;
    this.sessionVariant[slot] = c && c.systemPromptVariants > 1 ? rng.nextInt(c.systemPromptVariants) : 0;
    return slot;
  }

  /** Fills `out` with the session's next turn and schedules the one after; false if the session ended. */
  private emitTurn(slot: number, arrivalSeconds: number, out: RequestRecord): boolean {
    const stream = this.sessionStream[slot];
    const s = this.config.streams[stream];
    const rng = this.rngs[stream];
    const c = s.conversation;
    s.lengths.sample(rng, this.lengthScratch);
    const context = this.sessionContextTokens[slot];
    let inputTokens = context + this.lengthScratch.inputTokens;
    if (c && inputTokens > c.maxContextTokens) {
      if (context > c.systemPromptTokens) {
        this.closeSession(slot);
        return false;
      }
      inputTokens = c.maxContextTokens;
    }
    const outputTokens = this.lengthScratch.outputTokens;
    out.arrivalSeconds = arrivalSeconds;
    out.modelIndex = this.streamModel[stream];
    out.channelIndex = this.streamChannel[stream];
    out.inputTokens = inputTokens;
    out.outputTokens = outputTokens;
    out.sessionId = this.sessionNumber[slot];
    this.fillBlocks(slot, inputTokens, out);
    this.sessionContextTokens[slot] = inputTokens + outputTokens;
    if (--this.sessionTurnsLeft[slot] > 0 && c) {
      const nextSeconds = arrivalSeconds + c.thinkSeconds.sample(rng);
      if (nextSeconds < this.config.profile.endSeconds) this.pending.push(nextSeconds, slot);
      else this.closeSession(slot);
    } else this.closeSession(slot);
    return true;
  }

  /** Full blocks only: a partial last block changes when the conversation grows, so it is never reused. */
  private fillBlocks(slot: number, inputTokens: number, out: RequestRecord): void {
    const blockTokens = this.config.blockTokens;
    const count = Math.floor(inputTokens / blockTokens);
    const ids = reserveBlocks(out, count);
    const c = this.config.streams[this.sessionStream[slot]].conversation;
    const sharedBlocks = c ? Math.min(count, Math.floor(c.systemPromptTokens / blockTokens)) : 0;
    const variantKey = (this.streamModel[this.sessionStream[slot]] * 1024 + this.sessionVariant[slot] + 1) * BLOCKS_PER_KEY_SPACE;
    for (let i = 0; i < sharedBlocks; i++) ids[i] = -(variantKey + i);
    const sessionKey = (this.sessionNumber[slot] + 1) * BLOCKS_PER_KEY_SPACE;
    for (let i = sharedBlocks; i < count; i++) ids[i] = sessionKey + i;
    out.blockCount = count;
    out.blockTokens = blockTokens;
  }

  private closeSession(slot: number): void {
    this.freeSessions.push(slot);
  }

  private growSessions(): void {
    const n = this.sessionStream.length * 2;
    const grow = <T extends Int32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.sessionStream = grow(this.sessionStream, (k) => new Int32Array(k));
    this.sessionNumber = grow(this.sessionNumber, (k) => new Float64Array(k));
    this.sessionContextTokens = grow(this.sessionContextTokens, (k) => new Float64Array(k));
    this.sessionTurnsLeft = grow(this.sessionTurnsLeft, (k) => new Int32Array(k));
    this.sessionVariant = grow(this.sessionVariant, (k) => new Int32Array(k));
  }
}
