/**
 * SIGINT while a command changes Kestra (apply, destroy): the first asks to stop after the
 * requests in flight (no new action starts, state keeps every one that completed), the second
 * stops at once. Listen from before the state lock is taken; dispose when the command is done.
 */
export class Interrupt {
  requested = false;
  private readonly onSigint = () => {
    if (this.requested) {
      process.stderr.write('\nSecond interrupt: stopping now. State holds every action that completed.\n');
      process.exit(130);
    }
    this.requested = true;
    process.stderr.write('\nInterrupt received: finishing requests in flight and saving state (interrupt again to stop at once)…\n');
  };

  constructor() {
    process.on('SIGINT', this.onSigint);
  }

  dispose(): void {
    process.off('SIGINT', this.onSigint);
  }
}

/**
 * Runs `fn` listening for SIGINT: call it from before the state lock is taken, so that an
 * interrupt stops cleanly (no new action starts, state keeps every one that completed, the lock
 * is released, exit 130).
 */
export async function withInterrupt<T>(fn: (interrupt: Interrupt) => Promise<T>): Promise<T> {
  const interrupt = new Interrupt();
  try {
    return await fn(interrupt);
  } finally {
    interrupt.dispose();
  }
}
