import { clientConfigForTarget, clientConfigFromEnv } from '../../lib/kestra/config';
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

describe('clientConfigForTarget', () => {
  const prod = { url_env: 'PROD_URL', tenant_env: 'PROD_TENANT', username_env: 'PROD_USER', password_env: 'PROD_PASS', token_env: 'PROD_TOKEN' };

  it('is undefined with no URL either way (the embedded server), whatever else is set', () => {
    expect(clientConfigForTarget({}, {})).toBeUndefined();
    expect(clientConfigForTarget(prod, { PROD_USER: 'u', PROD_PASS: 'p', KESTRA_TENANT: 't', KESTRA_API_TOKEN: 'x' })).toBeUndefined();
    // A named variable that is empty or blank counts as unset.
    expect(clientConfigForTarget(prod, { PROD_URL: '   ' })).toBeUndefined();
    expect(clientConfigForTarget({}, { PROD_URL: 'https://prod.example.com' })).toBeUndefined();
  });

  it("reads the stack's own variables", () => {
    expect(clientConfigForTarget(prod, { PROD_URL: 'https://prod.example.com/', PROD_TENANT: 'acme', PROD_USER: 'admin@acme.io', PROD_PASS: 'pw' })).toEqual({
      url: 'https://prod.example.com',
      tenant: 'acme',
      auth: { kind: 'basic', username: 'admin@acme.io', password: 'pw' },
      caFile: undefined,
      timeoutMs: 30_000,
    });
    expect(clientConfigForTarget(prod, { PROD_URL: 'http://h', PROD_TOKEN: ' tok ' })?.auth).toEqual({ kind: 'bearer', token: 'tok' });
    expect(clientConfigForTarget({ url_env: 'PROD_URL' }, { PROD_URL: 'http://h', KESTRA_CA_FILE: '/ca.pem', KESTRA_TIMEOUT_MS: '99' })).toMatchObject({ caFile: '/ca.pem', timeoutMs: 99, auth: undefined });
  });

  it('lets KESTRA_URL and KESTRA_TENANT override the named variables', () => {
    const env = { PROD_URL: 'https://prod.example.com', PROD_TENANT: 'acme', KESTRA_URL: 'http://localhost:8080/', KESTRA_TENANT: 'local' };
    expect(clientConfigForTarget(prod, env)).toMatchObject({ url: 'http://localhost:8080', tenant: 'local' });
    // KESTRA_URL alone gives a URL to a target that names none.
    expect(clientConfigForTarget({}, { KESTRA_URL: 'http://h' })).toMatchObject({ url: 'http://h', tenant: 'main' });
    // A blank KESTRA_URL does not hide the stack's own.
    expect(clientConfigForTarget(prod, { KESTRA_URL: ' ', PROD_URL: 'https://prod.example.com' })?.url).toBe('https://prod.example.com');
  });

  it('takes the tenant from KESTRA_TENANT, then its variable, then the fixed one, then main', () => {
    const t = (target: Parameters<typeof clientConfigForTarget>[0], env: NodeJS.ProcessEnv) => clientConfigForTarget({ url_env: 'U', ...target }, { U: 'http://h', ...env })?.tenant;
    expect(t({ tenant: 'fixed', tenant_env: 'T' }, { T: 'from-var', KESTRA_TENANT: 'generic' })).toBe('generic');
    expect(t({ tenant: 'fixed', tenant_env: 'T' }, { T: 'from-var' })).toBe('from-var');
    expect(t({ tenant: 'fixed', tenant_env: 'T' }, {})).toBe('fixed');
    expect(t({ tenant: 'fixed', tenant_env: 'T' }, { T: '' })).toBe('fixed');
    expect(t({}, {})).toBe('main');
  });

  it('takes credentials as a group: any KESTRA_* credential replaces all of the stack’s', () => {
    const own = { PROD_URL: 'http://h', PROD_USER: 'admin', PROD_PASS: 'pw' };
    expect(clientConfigForTarget(prod, { ...own, KESTRA_API_TOKEN: 'generic-token' })?.auth).toEqual({ kind: 'bearer', token: 'generic-token' });
    expect(clientConfigForTarget(prod, { PROD_URL: 'http://h', PROD_TOKEN: 'own-token', KESTRA_USERNAME: 'u', KESTRA_PASSWORD: 'p' })?.auth).toEqual({ kind: 'basic', username: 'u', password: 'p' });
    // Never mixed: KESTRA_USERNAME without KESTRA_PASSWORD does not borrow the stack's password.
    expect(() => clientConfigForTarget(prod, { ...own, KESTRA_USERNAME: 'u' })).toThrow('KESTRA_PASSWORD is missing: basic authentication needs both KESTRA_USERNAME and KESTRA_PASSWORD');
    expect(() => clientConfigForTarget(prod, { ...own, KESTRA_PASSWORD: 'p' })).toThrow('KESTRA_USERNAME is missing');
  });

  it('names the stack’s variables, never their values, when they are wrong', () => {
    const fails = (env: NodeJS.ProcessEnv): Error => {
      try {
        clientConfigForTarget(prod, env);
      } catch (e) {
        expect(e).toBeInstanceOf(KestraConfigError);
        return e as Error;
      }
      throw new Error('expected a KestraConfigError');
    };
    expect(fails({ PROD_URL: 'http://h', PROD_USER: 'admin' }).message).toBe('PROD_PASS is missing: basic authentication needs both PROD_USER and PROD_PASS');
    expect(fails({ PROD_URL: 'http://h', PROD_PASS: 'Hunter2' }).message).toBe('PROD_USER is missing: basic authentication needs both PROD_USER and PROD_PASS');
    expect(fails({ PROD_URL: 'http://h', PROD_TOKEN: 'tok-9', PROD_USER: 'admin', PROD_PASS: 'Hunter2' }).message).toBe('set either PROD_TOKEN or PROD_USER/PROD_PASS, not both');
    expect(fails({ PROD_URL: 'http://h', PROD_USER: 'ad:min', PROD_PASS: 'Hunter2' }).message).toBe('PROD_USER must not contain ":" (HTTP basic authentication cannot carry it)');
    expect(fails({ PROD_URL: 'ftp://h' }).message).toBe('PROD_URL must use http or https, not ftp');
    const withCredentials = fails({ PROD_URL: 'https://admin:Hunter2@h' }).message;
    expect(withCredentials).toMatch(/^PROD_URL must not contain credentials/);
    expect(withCredentials).not.toContain('Hunter2');
    expect(fails({ PROD_URL: 'http://h', PROD_TENANT: 'Bad/Tenant' }).message).toMatch(/^PROD_TENANT "Bad\/Tenant" is not a valid Kestra tenant id/);
    expect(fails({ KESTRA_URL: 'nope' }).message).toMatch(/^KESTRA_URL is not a valid URL/);
    for (const env of [{ PROD_URL: 'http://h', PROD_PASS: 'Hunter2' }, { PROD_URL: 'http://h', PROD_TOKEN: 'tok-9', PROD_USER: 'admin', PROD_PASS: 'Hunter2' }]) {
      expect(fails(env).message).not.toMatch(/Hunter2|tok-9/);
    }
  });

  it('says which setting is missing when the stack names only one variable of the basic pair', () => {
    expect(() => clientConfigForTarget({ url_env: 'U', username_env: 'PROD_USER' }, { U: 'http://h', PROD_USER: 'admin' })).toThrow(
      new KestraConfigError('a password variable (passwordEnv) is missing: basic authentication needs both PROD_USER and a password variable (passwordEnv)'),
    );
    expect(() => clientConfigForTarget({ url_env: 'U', password_env: 'PROD_PASS', token_env: 'PROD_TOKEN' }, { U: 'http://h', PROD_PASS: 'pw', PROD_TOKEN: 't' })).toThrow(
      new KestraConfigError('set either PROD_TOKEN or a username variable (usernameEnv)/PROD_PASS, not both'),
    );
  });

  it('gives what clientConfigFromEnv gives for a target that names nothing', () => {
    const env = { KESTRA_URL: 'https://k.example.com/x/', KESTRA_TENANT: 'team-a', KESTRA_API_TOKEN: 'tok', KESTRA_TIMEOUT_MS: '1500' };
    expect(clientConfigForTarget({}, env)).toEqual(clientConfigFromEnv(env));
  });

  it("checks a fixed tenant, naming it as the stack's", () => {
    expect(() => clientConfigForTarget({ url_env: 'U', tenant: 'Not Valid' }, { U: 'http://h' })).toThrow('the stack\'s tenant "Not Valid" is not a valid Kestra tenant id');
  });
});
