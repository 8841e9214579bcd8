import { parseRetryAfter, retryDelayMs, isRetryableError, DEFAULT_RETRY_POLICY } from '../../lib/kestra/retry';
import { KestraApiError, KestraNetworkError, KestraTimeoutError } from '../../lib/kestra/errors';

const identity = { method: 'GET', path: '/api/v1/main/flows/x', target: 'list the flows of namespace x' };
const policy = { retries: 4, baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 5_000 };

describe('retryDelayMs', () => {
  it('draws full jitter below an exponentially growing ceiling', () => {
    expect(retryDelayMs(1, policy, undefined, () => 0.999)).toBe(99);
    expect(retryDelayMs(2, policy, undefined, () => 0.999)).toBe(199);
    expect(retryDelayMs(3, policy, undefined, () => 0.999)).toBe(399);
    expect(retryDelayMs(3, policy, undefined, () => 0)).toBe(0);
  });

  it('never exceeds maxDelayMs however many retries', () => {
    expect(retryDelayMs(30, policy, undefined, () => 0.999)).toBe(999);
  });

  it('honours Retry-After over backoff, capped at maxRetryAfterMs', () => {
    expect(retryDelayMs(1, policy, 2_000, () => 0.999)).toBe(2_000);
    expect(retryDelayMs(1, policy, 60_000, () => 0.999)).toBe(5_000);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads delta-seconds', () => expect(parseRetryAfter('7', now)).toBe(7_000));
  it('reads an HTTP date relative to now', () => expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:03 GMT', now)).toBe(3_000));
  it('treats a date in the past as no wait', () => expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0));
  it('ignores absent or unreadable values', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-3', now)).toBeUndefined();
  });
});

describe('isRetryableError', () => {
  const api = (status: number) => new KestraApiError({ ...identity, status });
  it.each([429, 502, 503, 504])('retries HTTP %i', (status) => expect(isRetryableError(api(status))).toBe(true));
  it.each([400, 401, 403, 404, 409, 422, 500])('does not retry HTTP %i', (status) => expect(isRetryableError(api(status))).toBe(false));
  it('retries resets, refusals, socket hang-ups and timeouts, not TLS failures', () => {
    const network = (code?: string) => new KestraNetworkError(identity, 'x', code, 'y');
    expect(isRetryableError(network('ECONNRESET'))).toBe(true);
    expect(isRetryableError(network('ECONNREFUSED'))).toBe(true);
    expect(isRetryableError(network('UND_ERR_SOCKET'))).toBe(true);
    expect(isRetryableError(new KestraTimeoutError(identity, 10, 'response body'))).toBe(true);
    expect(isRetryableError(network('CERT_HAS_EXPIRED'))).toBe(false);
    expect(isRetryableError(network('ENOTFOUND'))).toBe(false);
    expect(isRetryableError(new Error('ECONNRESET'))).toBe(false);
  });
  it('has a sane default policy', () => {
    expect(DEFAULT_RETRY_POLICY.retries).toBeGreaterThan(0);
    expect(DEFAULT_RETRY_POLICY.maxDelayMs).toBeGreaterThanOrEqual(DEFAULT_RETRY_POLICY.baseDelayMs);
  });
});
