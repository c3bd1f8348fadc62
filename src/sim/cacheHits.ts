import type { RequestRecord, RequestSource } from '../workload/request.js';
import { PrefixCache } from './prefixCache.js';

/**
 * Looks up and stores every in-window request's prefix in arrival order, as the simulator does at
 * admission, and hands the hit over in `hitBlocks`. When no request can be rejected the cache sees the
 * same sequence either way, so this can run ahead of the serving path (in another thread) and give
 * identical results. Records outside [startSeconds, endSeconds) are passed on unresolved (-1): the
 * simulator skips them without touching the cache.
 */
export function withCacheHits(source: RequestSource, capacityTokens: number, startSeconds: number, endSeconds: number): RequestSource {
  const cache = new PrefixCache(capacityTokens);
  return {
    models: source.models,
    channels: source.channels,
    resolvesCacheHits: true,
    next(out: RequestRecord): boolean {
      if (!source.next(out)) return false;
      const t = out.arrivalSeconds;
      if (!(t >= startSeconds && t < endSeconds)) out.hitBlocks = -1;
      else out.hitBlocks = out.blockCount > 0 ? cache.lookupAndInsert(out.blockIds, out.blockCount, out.blockTokens) : 0;
      return true;
    },
    close: () => source.close?.(),
  };
}
