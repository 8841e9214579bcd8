import { clientConfigFromEnv } from '../../lib/kestra/config';
import { KestraConfigError } from '../../lib/kestra/errors';

describe('clientConfigFromEnv', () => {
  it('is undefined without KESTRA_URL (the CLI then uses the embedded server)', () => {
    expect(clientConfigFromEnv({ KESTRA_USERNAME: 'a', KESTRA_PASSWORD: 'b' })).toBeUndefined();
  });

  it('applies the defaults: tenant main, 30 s timeout, no auth', () => {
    expect(clientConfigFromEnv({ KESTRA_URL: 'https://kestra.example.com/' })).toEqual({
      url: 'https://kestra.example.com',
      tenant: 'main',
      auth: undefined,
      caFile: undefined,
      timeoutMs: 30_000,
    });
  });

  it('reads basic auth, tenant, CA file and timeout', () => {
    const config = clientConfigFromEnv({
      KESTRA_URL: 'http://localhost:8080/kestra',
      KESTRA_TENANT: 'team-a',
      KESTRA_USERNAME: 'admin@kestra.io',
      KESTRA_PASSWORD: 'Secret1',
      KESTRA_CA_FILE: '/etc/ca.pem',
      KESTRA_TIMEOUT_MS: '1500',
    });
    expect(config).toEqual({
      url: 'http://localhost:8080/kestra',
      tenant: 'team-a',
      auth: { kind: 'basic', username: 'admin@kestra.io', password: 'Secret1' },
      caFile: '/etc/ca.pem',
      timeoutMs: 1500,
    });
  });

  it('reads a bearer token', () => {
    expect(clientConfigFromEnv({ KESTRA_URL: 'http://h', KESTRA_API_TOKEN: 'tok' })?.auth).toEqual({ kind: 'bearer', token: 'tok' });
  });

  it.each([
    [{ KESTRA_URL: 'ftp://h' }, /http or https/],
    [{ KESTRA_URL: 'not a url' }, /not a valid URL/],
    [{ KESTRA_URL: 'http://h?x=1' }, /query string/],
    [{ KESTRA_URL: 'http://h', KESTRA_TENANT: 'Main/../x' }, /tenant/],
    [{ KESTRA_URL: 'http://h', KESTRA_USERNAME: 'u' }, /KESTRA_PASSWORD is missing/],
    [{ KESTRA_URL: 'http://h', KESTRA_PASSWORD: 'p' }, /KESTRA_USERNAME is missing/],
    [{ KESTRA_URL: 'http://h', KESTRA_API_TOKEN: 't', KESTRA_USERNAME: 'u', KESTRA_PASSWORD: 'p' }, /not both/],
    [{ KESTRA_URL: 'http://h', KESTRA_TIMEOUT_MS: '0' }, /KESTRA_TIMEOUT_MS/],
    [{ KESTRA_URL: 'http://h', KESTRA_TIMEOUT_MS: '1.5' }, /KESTRA_TIMEOUT_MS/],
  ])('rejects %o', (env, message) => {
    expect(() => clientConfigFromEnv(env)).toThrow(KestraConfigError);
    expect(() => clientConfigFromEnv(env)).toThrow(message);
  });

  it('rejects credentials in the URL without repeating them', () => {
    let error: Error | undefined;
    try {
      clientConfigFromEnv({ KESTRA_URL: 'https://admin:hunter2@kestra.example.com' });
    } catch (e) {
      error = e as Error;
    }
    expect(error).toBeInstanceOf(KestraConfigError);
    expect(error!.message).not.toContain('hunter2');
    expect(error!.message).toMatch(/KESTRA_USERNAME/);
  });
});
