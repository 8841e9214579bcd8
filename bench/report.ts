/** One row per scenario, and the figures every scenario reports. */
export interface ScenarioResult {
  scenario: string;
  objects: number;
  requests: number;
  requestsByKind: Record<string, number>;
  bytesIn: number;
  bytesOut: number;
  wallMs: number;
  peakRssMb: number;
  /** Computed lower bound (ms) and what it assumes; null for CPU-only scenarios with a fixed target. */
  lowerBound: { ms: number; requests: number; rounds: number; concurrency: number; latencyMs: number } | null;
  ratioToLowerBound: number | null;
  /** One-GET-per-resource baseline (Terraform's refresh pattern), when measured. */
  baseline: { wallMs: number; requests: number } | null;
  speedupOverBaseline: number | null;
  target: string;
  met: boolean;
  notes?: string;
}

export function printTable(rows: ScenarioResult[]): void {
  const header = ['scenario', 'objects', 'requests', 'MB in', 'wall ms', 'RSS MB', 'bound ms', '× bound', 'baseline ms', '× faster', 'target', 'met'];
  const body = rows.map((r) => [
    r.scenario,
    String(r.objects),
    String(r.requests),
    (r.bytesIn / 1048576).toFixed(1),
    r.wallMs.toFixed(0),
    String(r.peakRssMb),
    r.lowerBound ? r.lowerBound.ms.toFixed(0) : '-',
    r.ratioToLowerBound !== null ? r.ratioToLowerBound.toFixed(2) : '-',
    r.baseline ? r.baseline.wallMs.toFixed(0) : '-',
    r.speedupOverBaseline !== null ? r.speedupOverBaseline.toFixed(1) : '-',
    r.target,
    r.met ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join(' | ');
  process.stdout.write(`${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('-|-')}\n${body.map(line).join('\n')}\n`);
  for (const r of rows) {
    if (r.lowerBound) process.stdout.write(`  ${r.scenario}: lower bound = ${r.lowerBound.requests} requests in ${r.lowerBound.rounds} rounds × ${r.lowerBound.latencyMs} ms at concurrency ${r.lowerBound.concurrency}${r.notes ? `; ${r.notes}` : ''}\n`);
    else if (r.notes) process.stdout.write(`  ${r.scenario}: ${r.notes}\n`);
  }
}
