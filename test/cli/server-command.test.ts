/**
 * `kestraform server`: the Kestra line it emulates (--kestra-version 1|2) and the operator setting
 * kestra.require-existing-namespace (--require-existing-namespace), as a user runs them — and what
 * `kestraform apply` tells that user when such a server refuses the first flow of a namespace.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { makeProject, runCli, REPO } from './harness';

jest.setTimeout(180_000);

async function startServer(args: string[]): Promise<{ url: string; banner: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [path.join(REPO, 'bin', 'kestraform.js'), 'server', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (b) => {
      out += b;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve({ url: m[1], banner: out, child });
    });
    child.on('exit', () => reject(new Error(`server exited early: ${out}`)));
  });
}

const stop = (child: ChildProcess) => new Promise<void>((resolve) => {
  child.once('close', () => resolve());
  child.kill('SIGTERM');
});

const FLOW = 'id: first\nnamespace: brand.new\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n';

describe('kestraform server', () => {
  it('--kestra-version 1 --require-existing-namespace: the 1.x line with the operator setting on', async () => {
    const { url, banner, child } = await startServer(['--kestra-version', '1', '--require-existing-namespace']);
    try {
      expect(banner).toContain('Embedded Kestra 1.x API');
      expect(banner).toContain('kestra.require-existing-namespace: true');
      const refused = await fetch(`${url}/api/v1/main/flows`, { method: 'POST', body: FLOW, headers: { 'Content-Type': 'application/x-yaml' } });
      expect(refused.status).toBe(422);
      expect((await refused.json()).message).toBe("Invalid entity: : Invalid Flow: Namespace 'brand.new' does not exist but is required to exist before a flow can be created in it.");
      // The 1.x line's own KV listing, and its error bodies.
      expect((await fetch(`${url}/api/v1/main/namespaces/brand.new/kv`)).status).toBe(200);
      expect(await (await fetch(`${url}/api/v1/main/flows/brand.new/nope`)).json()).toEqual({ message: 'Not Found', _links: { self: { href: '/api/v1/main/flows/brand.new/nope', templated: false } } });
    } finally {
      await stop(child);
    }
  });

  it('--kestra-version 2 without the setting creates the first flow of a namespace, and answers problem documents', async () => {
    const { url, banner, child } = await startServer([]);
    try {
      expect(banner).toContain('Embedded Kestra 2.x API');
      expect(banner).not.toContain('require-existing-namespace');
      expect(banner).toContain('open-source edition');
      expect(await (await fetch(`${url}/api/v1/configs`)).json()).toMatchObject({ edition: 'OSS' });
      expect((await fetch(`${url}/api/v1/main/flows`, { method: 'POST', body: FLOW, headers: { 'Content-Type': 'application/x-yaml' } })).status).toBe(200);
      expect((await fetch(`${url}/api/v1/main/namespaces/brand.new/kv`)).status).toBe(405);
      expect((await fetch(`${url}/api/v1/main/flows/brand.new/nope`)).headers.get('content-type')).toBe('application/problem+json');
    } finally {
      await stop(child);
    }
  });

  it('--edition ee plays the Enterprise Edition (said at start-up and by /api/v1/configs); --edition is checked', async () => {
    const { url, banner, child } = await startServer(['--edition', 'ee']);
    try {
      expect(banner).toContain('Enterprise Edition');
      expect(await (await fetch(`${url}/api/v1/configs`)).json()).toMatchObject({ edition: 'EE' });
      const created = await fetch(`${url}/api/v1/main/namespaces`, { method: 'POST', body: JSON.stringify({ id: 'company', deleted: false }), headers: { 'Content-Type': 'application/json' } });
      expect(created.status).toBe(200);
    } finally {
      await stop(child);
    }
    const bad = await runCli(REPO, ['server', '--port', '0', '--edition', 'enterprise'], {});
    expect(bad.code).not.toBe(0);
    expect(bad.stdout + bad.stderr).toContain('--edition must be oss or ee, not "enterprise"');
  });

  it("makes apply against a server with the setting on stop before any write, saying what the setting is and what to do", async () => {
    const { url, child } = await startServer(['--require-existing-namespace']);
    const project = makeProject();
    try {
      const apply = await runCli(project.dir, ['apply', '--auto-approve'], { KESTRA_URL: url });
      expect(apply.code).toBe(1);
      const out = apply.stdout + apply.stderr;
      expect(out).toContain("Namespace 'company.team' does not exist but is required to exist before a flow can be created in it");
      expect(out).toMatch(/creating flow company\.team\/[\w-]+ would fail with HTTP 422/);
      expect(out).toContain('kestra.require-existing-namespace: true');
      expect(out).toContain('set kestra.require-existing-namespace: false');
      // Nothing was written: the validation of every flow came first.
      const listed = await (await fetch(`${url}/api/v1/main/flows/company.team`)).json();
      expect(listed).toEqual([]);
    } finally {
      project.cleanup();
      await stop(child);
    }
  });
});
