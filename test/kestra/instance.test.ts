/**
 * getEdition: GET /api/v1/configs outside the tenant, decoded to the edition and version, asked
 * once per client (a failure is not remembered).
 */
import { KestraApiError, KestraProtocolError } from '../../lib/kestra';
import { startKestraServer } from '../../lib/server';
import { sendJson, startScriptedServer, type ScriptedServer } from './support/scripted-server';
import { failureOf, testClient } from './support/client';

let server: ScriptedServer | undefined;
afterEach(async () => server?.close());

describe('getEdition', () => {
  it.each([
    [2, 'oss', 'OSS', '2.0.0'],
    [2, 'ee', 'EE', '2.0.0'],
    [1, 'oss', 'OSS', '1.3.26'],
    [1, 'ee', 'EE', '1.3.26'],
  ] as const)('reads the %i.x %s embedded server as %s %s, without the tenant in the path', async (major, edition, name, version) => {
    const kestra = await startKestraServer({ port: 0, kestraMajor: major, edition, tenant: 'acme', basicAuth: { username: 'u', password: 'p' } });
    const { client, events } = testClient(kestra.url, { tenant: 'acme', auth: { kind: 'basic', username: 'u', password: 'p' } });
    try {
      expect(await client.getEdition()).toEqual({ edition: name, version });
      expect(events.map((e) => [e.method, e.path, e.operation, e.status])).toEqual([['GET', '/api/v1/configs', 'getConfiguration', 200]]);
    } finally {
      await client.close();
      await kestra.close();
    }
  });

  it('asks once per client, and again after a failure', async () => {
    let calls = 0;
    server = await startScriptedServer((req, res) => {
      calls++;
      expect(req.path).toBe('/api/v1/configs');
      if (calls === 1) return sendJson(res, 500, { message: 'Internal server error: boom' });
      return sendJson(res, 200, { edition: 'EE', version: '2.0.3', uuid: 'x' });
    });
    const { client } = testClient(server.url, { retry: { retries: 0 } });
    const first = await failureOf(client.getEdition());
    expect(first).toBeInstanceOf(KestraApiError);
    expect((first as KestraApiError).status).toBe(500);
    expect(await client.getEdition()).toEqual({ edition: 'EE', version: '2.0.3' });
    expect(await client.getEdition()).toEqual({ edition: 'EE', version: '2.0.3' });
    expect(calls).toBe(2);
    await client.close();
  });

  it('refuses an answer that names no known edition, and takes one without a version', async () => {
    const answers = [{ version: '2.0.0' }, { edition: 'Community' }, { edition: 'OSS' }];
    server = await startScriptedServer((_req, res, n) => sendJson(res, 200, answers[n - 1]));
    for (const expected of ['has no string "edition"', 'neither OSS nor EE']) {
      const { client } = testClient(server.url);
      const error = await failureOf(client.getEdition());
      expect(error).toBeInstanceOf(KestraProtocolError);
      expect(error.message).toContain(expected);
      await client.close();
    }
    const { client } = testClient(server.url);
    expect(await client.getEdition()).toEqual({ edition: 'OSS' });
    await client.close();
  });
});
