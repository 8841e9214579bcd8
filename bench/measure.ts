/** Wall time, peak RSS and request accounting for one benchmark scenario. */
import { performance } from 'node:perf_hooks';

export interface RequestTally {
  total: number;
  byOperation: Record<string, number>;
  bytesIn: number;
  bytesOut: number;
}

export function newTally(): RequestTally {
  return { total: 0, byOperation: {}, bytesIn: 0, bytesOut: 0 };
}

export function countRequest(t: RequestTally, e: { operation: string; bytesIn: number; bytesOut: number }): void {
  t.total++;
  t.byOperation[e.operation] = (t.byOperation[e.operation] ?? 0) + 1;
  t.bytesIn += e.bytesIn;
  t.bytesOut += e.bytesOut;
}

/** Samples RSS every 20 ms while `fn` runs; returns its result, wall time and the peak. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ result: T; ms: number; peakRssMb: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const start = performance.now();
  try {
    const result = await fn();
    return { result, ms: performance.now() - start, peakRssMb: Math.round(Math.max(peak, process.memoryUsage().rss) / 1048576) };
  } finally {
    clearInterval(timer);
  }
}

/** The middle value (the upper middle of an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
