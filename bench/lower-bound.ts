/**
 * The lower bound a scenario is compared with: the fewest requests the Kestra API needs for it,
 * arranged in dependency rounds. With C requests in flight at most and L ms per request, no
 * client can finish sooner than max(critical path, ⌈requests / C⌉) rounds × L.
 */
export interface LowerBound {
  requests: number;
  rounds: number;
  ms: number;
  concurrency: number;
}

export function lowerBound(requests: number, criticalPath: number, concurrency: number, latencyMs: number): LowerBound {
  const rounds = Math.max(criticalPath, Math.ceil(requests / concurrency));
  return { requests, rounds, ms: rounds * latencyMs, concurrency };
}

/** Paged listing: page 1 tells the total; later pages can go at once. */
export function pages(items: number, pageSize: number): { requests: number; depth: number } {
  const n = Math.max(1, Math.ceil(items / pageSize));
  return { requests: n, depth: n > 1 ? 2 : 1 };
}
