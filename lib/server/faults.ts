/**
 * Test and benchmark knobs: injected latency (fixed, or fixed + jitter from a seeded RNG) and
 * injected failures (a rate of 5xx, connection resets, 429 with Retry-After, or the Nth request
 * matching a route), each before or after the request's effect is applied.
 */
import { seededRandom } from '../util/random';

export { seededRandom };

export type FaultPhase = 'before' | 'after';

export interface FailRule {
  /** Matches by operationId and/or method; all given fields must match. */
  operationId?: string;
  method?: string;
  /** 1-based: fail the Nth matching request (counted from when the rule was added). */
  nth: number;
  status?: number;
  reset?: boolean;
  retryAfterSeconds?: number;
  phase?: FaultPhase;
}

export interface FaultOptions {
  /** Share of requests answered with a 5xx (errorStatus, default 503). */
  errorRate?: number;
  errorStatus?: number;
  /** Share of requests whose connection is reset without an answer. */
  resetRate?: number;
  /** Share of requests answered 429 with Retry-After. */
  tooManyRequestsRate?: number;
  retryAfterSeconds?: number;
  /** When random faults strike (default 'before'; 'after' = the write happened, the client saw an error). */
  phase?: FaultPhase;
  /** Only requests of these operations are eligible for random faults. */
  operations?: string[];
  failNth?: FailRule[];
  seed?: number;
}

export interface LatencyOptions {
  fixedMs?: number;
  jitterMs?: number;
  seed?: number;
}

export type InjectedFault =
  | { kind: 'status'; status: number; retryAfterSeconds?: number; phase: FaultPhase; label: string }
  | { kind: 'reset'; phase: FaultPhase; label: string };

export class FaultInjector {
  private faults: FaultOptions = {};
  private latency: LatencyOptions = {};
  private rng = seededRandom(1);
  private latencyRng = seededRandom(2);
  private ruleCounts = new Map<FailRule, number>();

  setFaults(f: FaultOptions = {}): void {
    this.faults = { ...f, failNth: [...(f.failNth ?? [])] };
    this.rng = seededRandom(f.seed ?? 1);
    this.ruleCounts.clear();
  }

  addRule(rule: FailRule): void {
    (this.faults.failNth ??= []).push(rule);
  }

  setLatency(l: LatencyOptions = {}): void {
    this.latency = l;
    this.latencyRng = seededRandom(l.seed ?? 2);
  }

  private gate: Promise<void> | undefined;

  /** Holds every request that arrives from now on until the returned function is called. */
  hold(): () => void {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    this.gate = gate;
    return () => {
      if (this.gate === gate) this.gate = undefined;
      release();
    };
  }

  /** Resolves when no hold is in place (at once, usually). */
  held(): Promise<void> | undefined {
    return this.gate;
  }

  delayMs(): number {
    const fixed = this.latency.fixedMs ?? 0;
    const jitter = this.latency.jitterMs ? this.latencyRng() * this.latency.jitterMs : 0;
    return fixed + jitter;
  }

  /** The fault to inject into this request, if any. */
  pick(method: string, operationId: string): InjectedFault | undefined {
    for (const rule of this.faults.failNth ?? []) {
      if (rule.operationId && rule.operationId !== operationId) continue;
      if (rule.method && rule.method !== method) continue;
      const n = (this.ruleCounts.get(rule) ?? 0) + 1;
      this.ruleCounts.set(rule, n);
      if (n === rule.nth) {
        const phase = rule.phase ?? 'before';
        if (rule.reset) return { kind: 'reset', phase, label: `rule:nth=${rule.nth}:reset` };
        return { kind: 'status', status: rule.status ?? 503, retryAfterSeconds: rule.retryAfterSeconds, phase, label: `rule:nth=${rule.nth}:${rule.status ?? 503}` };
      }
    }
    const f = this.faults;
    if (f.operations && !f.operations.includes(operationId)) return undefined;
    const phase = f.phase ?? 'before';
    const r = this.rng();
    let edge = f.resetRate ?? 0;
    if (r < edge) return { kind: 'reset', phase, label: 'random:reset' };
    edge += f.tooManyRequestsRate ?? 0;
    if (r < edge) return { kind: 'status', status: 429, retryAfterSeconds: f.retryAfterSeconds ?? 1, phase, label: 'random:429' };
    edge += f.errorRate ?? 0;
    if (r < edge) return { kind: 'status', status: f.errorStatus ?? 503, phase, label: `random:${f.errorStatus ?? 503}` };
    return undefined;
  }
}
