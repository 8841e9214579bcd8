/** Every request the embedded server answered, with counters, for tests and benchmarks. */
export interface RequestLogEntry {
  method: string;
  /** Path without the query. */
  path: string;
  query: string;
  /** Route template, e.g. `/api/v1/{tenant}/flows/{namespace}/{id}`; '' when no route matched. */
  route: string;
  operationId: string;
  status: number;
  bytesIn: number;
  bytesOut: number;
  ms: number;
  /** Set when a fault was injected instead of (or after) the real answer. */
  fault?: string;
}

const READ_ONLY_POSTS = new Set(['validateFlows']);

export class RequestLog {
  private readonly list: RequestLogEntry[] = [];

  add(e: RequestLogEntry): void {
    this.list.push(e);
  }

  entries(): RequestLogEntry[] {
    return [...this.list];
  }

  clear(): void {
    this.list.length = 0;
  }

  countsByOperation(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const e of this.list) out[e.operationId || `${e.method} (no route)`] = (out[e.operationId || `${e.method} (no route)`] ?? 0) + 1;
    return out;
  }

  /** Requests that change something (not GET, not POST /flows/validate). */
  writes(): RequestLogEntry[] {
    return this.list.filter((e) => e.method !== 'GET' && e.method !== 'HEAD' && !READ_ONLY_POSTS.has(e.operationId));
  }

  hasWrites(): boolean {
    return this.writes().length > 0;
  }
}
