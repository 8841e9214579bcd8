/**
 * `kestraform validate` and `synth` end to end: the example tree is valid; each defect the tree
 * reader must reject, planted in a copy, fails validate with exit 1 and a file:line message —
 * one at a time and all together (every one listed).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeProject, runCli } from './harness';
import { withoutSynthReuse } from '../support/synth-reuse';

jest.setTimeout(120_000);

type Defect = { name: string; plant: (tree: string) => void; expect: RegExp };

const FLOW = (ns: string, id: string) => `id: ${id}\nnamespace: ${ns}\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n`;

const DEFECTS: Defect[] = [
  {
    name: 'YAML syntax error',
    plant: (t) => fs.writeFileSync(path.join(t, 'company.team/flows/broken.yml'), 'id: broken\nnamespace: company.team\ntasks:\n  - id: a\n    type: [unclosed\n'),
    expect: /company\.team\/flows\/broken\.yml:\d+:\d+: /,
  },
  {
    name: 'flow without tasks',
    plant: (t) => fs.writeFileSync(path.join(t, 'company.team/flows/no-tasks.yml'), 'id: no-tasks\nnamespace: company.team\n'),
    expect: /company\.team\/flows\/no-tasks\.yml:\d+:\d+: .*tasks/,
  },
  {
    name: 'namespace differs from its folder',
    plant: (t) => fs.writeFileSync(path.join(t, 'company.team/flows/elsewhere.yml'), FLOW('company.other', 'elsewhere')),
    expect: /company\.team\/flows\/elsewhere\.yml:2:\d+: .*company\.other/,
  },
  {
    name: 'two files with the same flow id',
    plant: (t) => fs.writeFileSync(path.join(t, 'company.team/flows/hello-copy.yml'), fs.readFileSync(path.join(t, 'company.team/flows/hello-world.yml'))),
    expect: /hello-(copy|world)\.yml:\d+:\d+: .*hello-world/,
  },
  {
    name: 'multi-document flow file',
    plant: (t) => fs.writeFileSync(path.join(t, 'company.team/flows/multi.yml'), `${FLOW('company.team', 'multi')}---\n${FLOW('company.team', 'multi2')}`),
    expect: /company\.team\/flows\/multi\.yml:\d+:\d+: .*(document|---)/i,
  },
  {
    name: 'symlink out of the tree',
    plant: (t) => fs.symlinkSync('/etc/hostname', path.join(t, 'company.team/files/outside.txt')),
    expect: /company\.team\/files\/outside\.txt.*(symlink|symbolic link)/i,
  },
  {
    name: 'namespace folder Kestra would refuse',
    plant: (t) => {
      fs.mkdirSync(path.join(t, 'Bad Namespace/flows'), { recursive: true });
      fs.writeFileSync(path.join(t, 'Bad Namespace/flows/x.yml'), FLOW('Bad Namespace', 'x'));
    },
    expect: /Bad Namespace.*namespace/i,
  },
  {
    name: 'unknown KV type',
    plant: (t) => fs.appendFileSync(path.join(t, 'company.team/kv.yaml'), 'WRONG_TYPE:\n  type: INTEGER\n  value: 3\n'),
    expect: /company\.team\/kv\.yaml:\d+:\d+: .*INTEGER/,
  },
  {
    name: 'KV value that does not parse as its type',
    plant: (t) => fs.appendFileSync(path.join(t, 'company.team/kv.yaml'), 'NOT_A_NUMBER:\n  type: NUMBER\n  value: twelve\n'),
    expect: /company\.team\/kv\.yaml:\d+:\d+: .*(NUMBER|number)/,
  },
  {
    name: 'construct Kestra 2.0 removed (flow-level pluginDefaults)',
    plant: (t) => fs.writeFileSync(path.join(t, 'company.team/flows/defaults.yml'), `${FLOW('company.team', 'defaults')}pluginDefaults:\n  - type: io.kestra.plugin.core.log.Log\n    values:\n      level: WARN\n`),
    expect: /company\.team\/flows\/defaults\.yml:7:\d+: .*pluginDefaults/,
  },
];

describe('kestraform validate', () => {
  it('accepts the example tree and prints its summary', async () => {
    const p = makeProject();
    try {
      const r = await runCli(p.dir, ['validate']);
      expect(withoutSynthReuse(r.stderr)).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/company\.team\s+4\s+\d+\s+\d+/);
      expect(r.stdout).toMatch(/company\.team\.analytics\s+3\s+\d+\s+\d+/);
      expect(r.stdout).toContain('Success! The configuration is valid');
    } finally {
      p.cleanup();
    }
  });

  for (const defect of DEFECTS) {
    it(`rejects a tree with: ${defect.name}`, async () => {
      const p = makeProject();
      try {
        defect.plant(p.tree);
        const r = await runCli(p.dir, ['validate']);
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(defect.expect);
      } finally {
        p.cleanup();
      }
    });
  }

  it('lists every planted defect at once', async () => {
    const p = makeProject();
    try {
      for (const d of DEFECTS) d.plant(p.tree);
      const r = await runCli(p.dir, ['validate']);
      expect(r.code).toBe(1);
      for (const d of DEFECTS) expect({ defect: d.name, found: d.expect.test(r.stderr) }).toEqual({ defect: d.name, found: true });
    } finally {
      p.cleanup();
    }
  });

  it('synth writes cdktf.out and names the stack', async () => {
    const p = makeProject();
    try {
      const r = await runCli(p.dir, ['synth']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Stack "example"');
      const tf = JSON.parse(fs.readFileSync(path.join(p.dir, 'cdktf.out/stacks/example/cdk.tf.json'), 'utf8'));
      expect(Object.keys(tf.resource.kestra_flow)).toHaveLength(7);
      // namespace files are recorded by path, size and sha256 — never inlined
      const files = Object.values(tf.resource.kestra_namespace_file) as Array<Record<string, unknown>>;
      expect(files.every((f) => f.content === undefined && typeof f.content_sha256 === 'string' && typeof f.source === 'string')).toBe(true);
    } finally {
      p.cleanup();
    }
  });

  it('has --help on every command', async () => {
    const r = await runCli(process.cwd(), ['--help']);
    expect(r.code).toBe(0);
    for (const c of ['synth', 'validate', 'plan', 'apply', 'drift', 'import', 'pull', 'server']) expect(r.stdout).toContain(c);
    const v = await runCli(process.cwd(), ['validate', '--help']);
    expect(v.stdout).toContain('--stack');
  });
});
