/**
 * https with a private CA: refused without KESTRA_CA_FILE (certificates are always verified),
 * accepted with it. Needs the openssl command to mint certificates; skipped without it.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { KestraClient, KestraConfigError, KestraNetworkError, clientConfigFromEnv } from '../../lib/kestra';
import { failureOf, testClient } from './support/client';

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const describeTls = hasOpenssl() ? describe : describe.skip;
if (!hasOpenssl()) console.warn('tls.test.ts skipped: the openssl command is not available to mint test certificates');

describeTls('https with a private certificate authority', () => {
  let dir: string;
  const servers: https.Server[] = [];

  /** A CA and a server certificate for `san`, signed by it. */
  function mint(name: string, san: string): { key: Buffer; cert: Buffer } {
    const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    fs.writeFileSync(path.join(dir, `${name}.ext`), `subjectAltName=${san}\n`);
    openssl('req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`);
    return { key: fs.readFileSync(path.join(dir, `${name}.key`)), cert: fs.readFileSync(path.join(dir, `${name}.pem`)) };
  }

  async function serve(credentials: { key: Buffer; cert: Buffer }): Promise<string> {
    const server = https.createServer(credentials, (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const search = { results: [{ id: 'company' }, { id: 'company.team' }], total: 2 };
      res.end(JSON.stringify(req.url?.startsWith('/api/v1/main/namespaces/search') ? search : ['company.team']));
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kestraform-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=kestraform test CA'], { cwd: dir, stdio: 'pipe' });
  });

  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((resolve) => (s.closeAllConnections(), s.close(resolve)))));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses an untrusted certificate, without retrying, and points at KESTRA_CA_FILE', async () => {
    const url = await serve(mint('server', 'IP:127.0.0.1,DNS:localhost'));
    const { client, events } = testClient(url);
    const error = await failureOf(client.listNamespaces());
    expect(error).toBeInstanceOf(KestraNetworkError);
    expect(error.message).toContain('TLS certificate was not accepted');
    expect(error.message).toContain('KESTRA_CA_FILE');
    expect(events).toHaveLength(1);
    await client.close();
  });

  it('trusts the certificate once KESTRA_CA_FILE names the CA', async () => {
    const url = await serve(mint('server2', 'IP:127.0.0.1'));
    const config = clientConfigFromEnv({ KESTRA_URL: url, KESTRA_CA_FILE: path.join(dir, 'ca.pem') })!;
    const client = new KestraClient({ ...config, retry: { retries: 0 } });
    expect(await client.listNamespaces()).toEqual(['company', 'company.team']);
    await client.close();
  });

  it('still checks the host name with a trusted CA', async () => {
    const url = await serve(mint('elsewhere', 'DNS:other.example.com'));
    const { client } = testClient(url, { caFile: path.join(dir, 'ca.pem') });
    const error = await failureOf(client.listFlows('n'));
    expect(error).toBeInstanceOf(KestraNetworkError);
    expect(error.message).toContain('does not name the host');
    await client.close();
  });

  it('refuses a CA file that holds no certificate', () => {
    const bogus = path.join(dir, 'bogus.pem');
    fs.writeFileSync(bogus, 'not a certificate');
    expect(() => new KestraClient({ url: 'https://127.0.0.1:1', caFile: bogus })).toThrow(KestraConfigError);
    expect(() => new KestraClient({ url: 'https://127.0.0.1:1', caFile: path.join(dir, 'missing.pem') })).toThrow(/cannot be read \(ENOENT\)/);
  });
});
