/**
 * Secrets never leak: after a full plan / apply / drift / pull run — with basic auth, a
 * sensitive KV value, and deliberately failing requests — no stdout, stderr, plan file, state
 * file or tree index contains the password, the token or the sensitive value.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startKestraServer, type RunningKestraServer } from '../../lib/server';
import { runCli, type CliResult } from '../cli/harness';
import { generatedProject } from './cli-fixtures';
import { pastRacyWindow } from '../support/racy-window';

jest.setTimeout(180_000);

const PASSWORD = 'pw-Zq8-very-secret';
const TOKEN = 'tok-Xy9-very-secret';
const SENSITIVE = 'kv-Wv7-very-secret';

describe('secrets', () => {
  let server: RunningKestraServer;
  beforeAll(async () => {
    server = await startKestraServer({ port: 0, basicAuth: { username: 'admin', password: PASSWORD }, tokens: [TOKEN] });
  });
  afterAll(() => server.close());

  it('never appear in any output, plan file or state file', async () => {
    const kv = `SIGNING_KEY:\n  type: STRING\n  value: ${SENSITIVE}\n  sensitive: true\nPLAIN:\n  type: STRING\n  value: visible\n`;
    const project = generatedProject(10, { kv });
    // Files read within 3 s of a change are never kept in the tree index: let the tree age, so it is.
    await pastRacyWindow();
    const basic = { KESTRA_URL: server.url, KESTRA_USERNAME: 'admin', KESTRA_PASSWORD: PASSWORD };
    const bearer = { KESTRA_URL: server.url, KESTRA_API_TOKEN: TOKEN };
    const outputs: CliResult[] = [];
    const run = async (args: string[], env: Record<string, string>) => {
      const r = await runCli(project.dir, args, env);
      outputs.push(r);
      return r;
    };
    try {
      await run(['plan', '--out', 'plan.json'], basic);
      await run(['plan', '--format', 'json'], basic);
      await run(['plan', '--format', 'markdown'], bearer);
      server.knobs.failNth({ operationId: 'setKeyValue', nth: 1, status: 500 });
      const failed = await run(['apply', '--auto-approve'], basic);
      expect(failed.code).toBe(1);
      expect((await run(['apply', '--auto-approve'], bearer)).code).toBe(0);
      // Change the sensitive value behind kestraform's back, then look at drift.
      await fetch(`${server.url}/api/v1/main/namespaces/rel.ns0/kv/SIGNING_KEY`, { method: 'PUT', body: JSON.stringify(`${SENSITIVE}-rotated`), headers: { 'Content-Type': 'text/plain', Authorization: `Bearer ${TOKEN}` } });
      const drift = await run(['drift'], basic);
      expect(drift.code).toBe(2);
      expect(drift.stdout).toContain('kv:rel.ns0/SIGNING_KEY');
      await run(['drift', '--format', 'json'], basic);
      await run(['pull', '--force'], basic);
      await run(['plan'], { ...basic, KESTRA_PASSWORD: `${PASSWORD}-wrong` });
      await run(['plan'], { KESTRA_URL: server.url, KESTRA_API_TOKEN: `${TOKEN}-wrong` });
      const unauth = outputs[outputs.length - 1];
      expect(unauth.code).toBe(1);
      expect(unauth.stderr).toMatch(/401/);

      // The tree index (a cache of the tree's reads) never holds the sensitive value either.
      const index = path.join(project.dir, '.kestraform', 'tree-index.bin');
      expect(fs.existsSync(index)).toBe(true);
      const files = [path.join(project.dir, 'plan.json'), index, ...fs.readdirSync(path.join(project.dir, '.kestraform/state')).map((f) => path.join(project.dir, '.kestraform/state', f))];
      const haystacks = [...outputs.flatMap((o) => [o.stdout, o.stderr]), ...files.map((f) => fs.readFileSync(f, 'latin1'))];
      for (const secret of [PASSWORD, TOKEN, SENSITIVE, Buffer.from(`admin:${PASSWORD}`).toString('base64')]) {
        const leaks = haystacks.filter((h) => h.includes(secret)).length;
        expect({ secret: secret.slice(0, 6), leaks }).toEqual({ secret: secret.slice(0, 6), leaks: 0 });
      }
      expect(haystacks.join('\n')).toContain('(sensitive value)');
      console.log(`secrets test: ${outputs.length} CLI runs and ${files.length} files scanned, 0 leaks`);
    } finally {
      project.cleanup();
    }
  });
});
