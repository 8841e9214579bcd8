/**
 * Apply progress on stderr: a one-line bar redrawn in place on a terminal; on a pipe (CI logs)
 * a line every 10% so logs stay short.
 */
export class Progress {
  private lastPct = -1;
  private readonly tty: boolean;
  constructor(private readonly total: number, private readonly stream: NodeJS.WriteStream = process.stderr) {
    this.tty = !!stream.isTTY;
  }

  get enabled(): boolean {
    return this.total > 5;
  }

  update(done: number, failed: number): void {
    if (!this.enabled) return;
    const pct = Math.floor((done / this.total) * 100);
    if (this.tty) {
      const width = 30;
      const filled = Math.round((done / this.total) * width);
      this.stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${this.total}${failed ? ` (${failed} failed)` : ''}`);
      if (done === this.total) this.stream.write('\n');
    } else if (pct >= this.lastPct + 10 || done === this.total) {
      this.lastPct = pct - (pct % 10);
      this.stream.write(`progress: ${done}/${this.total} (${pct}%)${failed ? `, ${failed} failed` : ''}\n`);
    }
  }

  finish(): void {
    if (this.enabled && this.tty) this.stream.write('\n');
  }
}
