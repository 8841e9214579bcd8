/**
 * Nothing is written to Kestra from a tree with a problem: a locally invalid flow among 100, a
 * flow only Kestra's validate endpoint rejects, generated broken trees — each exits 1 with a
 * file:line message and the server's request log shows zero writes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startKestraServer, type RunningKestraServer } from '../../lib/server';
import { runCli } from '../cli/harness';
import { flowYaml, generatedProject } from './cli-fixtures';

jest.setTimeout(180_000);

describe('bad input never reaches Kestra', () => {
  let server: RunningKestraServer;
  beforeAll(async () => {
    server = await startKestraServer({ port: 0 });
  });
  afterAll(() => server.close());

  const broken: Array<[string, (tree: string) => void]> = [
    ['an invalid flow among 100', (t) => fs.writeFileSync(path.join(t, 'rel.ns1/flows/bad.yml'), 'id: bad\nnamespace: rel.ns1\ntasks:\n  - id: x\n')],
    ['truncated YAML', (t) => fs.writeFileSync(path.join(t, 'rel.ns1/flows/cut.yml'), flowYaml('rel.ns1', 'cut').slice(0, 50) + '[')],
    ['wrong types', (t) => fs.writeFileSync(path.join(t, 'rel.ns1/flows/types.yml'), 'id: 5\nnamespace: rel.ns1\ntasks: nope\n')],
    ['a duplicate id', (t) => fs.writeFileSync(path.join(t, 'rel.ns1/flows/dup.yml'), flowYaml('rel.ns1', 'f1'))],
    ['a namespace mismatch', (t) => fs.writeFileSync(path.join(t, 'rel.ns1/flows/moved.yml'), flowYaml('rel.other', 'moved'))],
    ['a symlink out of the tree', (t) => fs.symlinkSync('/etc/passwd', path.join(t, 'rel.ns0/files/passwd'))],
    ['a 10,000-deep nesting', (t) => fs.writeFileSync(path.join(t, 'rel.ns1/flows/deep.yml'), `id: deep\nnamespace: rel.ns1\ntasks: ${'['.repeat(10000)}${']'.repeat(10000)}\n`)],
    ['a bad KV value', (t) => fs.writeFileSync(path.join(t, 'rel.ns0/kv.yaml'), 'N:\n  type: NUMBER\n  value: many\n')],
  ];

  for (const [name, plant] of broken) {
    it(`apply of a tree with ${name} exits 1 with file:line and writes nothing`, async () => {
      const project = generatedProject(100);
      try {
        plant(project.tree);
        const before = server.log.writes().length;
        const r = await runCli(project.dir, ['apply', '--auto-approve'], { KESTRA_URL: server.url });
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(/tree\/rel\.ns\d\/(flows|files|kv)[^\s:]*(:\d+:\d+)?: /);
        expect(server.log.writes().length).toBe(before);
      } finally {
        project.cleanup();
      }
    });
  }

  it("refuses the whole apply when Kestra's validate endpoint rejects one flow", async () => {
    // The stack targets 1.x (pluginDefaults is only a warning locally); the server is a 2.x Kestra.
    const project = generatedProject(100, { context: { 'kestraform:kestraVersion': 1 } });
    try {
      fs.writeFileSync(project.at('rel.ns2', 'flows', 'legacy.yml'), `${flowYaml('rel.ns2', 'legacy')}pluginDefaults:\n  - type: io.kestra.plugin.core.log.Log\n    values: {level: WARN}\n`);
      const before = server.log.writes().length;
      const r = await runCli(project.dir, ['apply', '--auto-approve'], { KESTRA_URL: server.url });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/legacy\.yml: Kestra's validation: .*pluginDefaults/);
      expect(server.log.writes().length).toBe(before);
      expect(server.log.entries().some((e) => e.operationId === 'validateFlows')).toBe(true);
    } finally {
      project.cleanup();
    }
  });
});
