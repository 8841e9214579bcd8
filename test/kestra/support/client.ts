import { KestraClient, type KestraClientOptions } from '../../../lib/kestra';
import type { KestraRequestEvent } from '../../../lib/kestra';

/** A client with fast, deterministic retries, recording every attempt. */
export function testClient(url: string, overrides: Partial<KestraClientOptions> = {}): { client: KestraClient; events: KestraRequestEvent[] } {
  const events: KestraRequestEvent[] = [];
  const client = new KestraClient({
    url,
    timeoutMs: 5_000,
    retry: { retries: 4, baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 300 },
    random: () => 0.5,
    onRequest: (event) => events.push(event),
    ...overrides,
  });
  return { client, events };
}

/** The rejection of a promise, for assertions on its fields. */
export async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail, it succeeded');
}
