/** `kestraform init` through the CLI: what it writes, what it keeps, and that what it writes synthesizes to what it said. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO, runCli } from '../cli/harness';

jest.setTimeout(120_000);

const FLOW = (id: string, ns: string) => `id: ${id}\nnamespace: ${ns}\ntasks:\n  - id: t\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n`;

/** A team repository with kestraform "installed" (linked to this checkout, as npm would place it). */
function teamRepo(files: Record<string, string>): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'kf-init-')));
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
  fs.mkdirSync(path.join(dir, 'node_modules', '.bin'), { recursive: true });
  fs.symlinkSync(REPO, path.join(dir, 'node_modules', 'kestraform'));
  fs.symlinkSync(path.join(REPO, 'bin', 'run-ts.js'), path.join(dir, 'node_modules', '.bin', 'kestraform-app'));
  return dir;
}

const totals = (out: string) => /^\s+(\d+ namespaces?: .*)$/m.exec(out)?.[1];

describe('kestraform init', () => {
  it('writes a project whose synth declares exactly what init reported, and a second run changes nothing', async () => {
    const dir = teamRepo({ 'flows/a/x.yml': FLOW('x', 'team.a'), 'flows/b/y.yaml': FLOW('y', 'team.b'), 'scripts/etl.py': 'print()\n', 'package.json': '{\n    "name": "team",\n    "scripts": { "plan": "make plan", "test": "jest" }\n}\n' });
    try {
      const init = await runCli(dir, ['init', '--files', 'scripts=team.a:/scripts']);
      expect(init.stderr).toBe('');
      expect(init.code).toBe(0);
      expect(init.stdout).toMatch(/add to\s+package\.json\s+scripts apply, drift; kept its own plan/);
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
      expect(pkg.scripts).toEqual({ plan: 'make plan', test: 'jest', apply: 'kestraform apply', drift: 'kestraform drift' });
      expect(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).toMatch(/^ {4}"name"/m); // its indentation kept
      for (const f of ['stacks/main.ts', 'main.ts', 'cdktf.json', 'tsconfig.json', '.gitignore', '.github/workflows/kestraform.yml']) expect(fs.existsSync(path.join(dir, f))).toBe(true);

      const synth = await runCli(dir, ['synth']);
      expect(synth.code).toBe(0);
      expect(totals(synth.stdout)).toBe('2 namespaces: 2 flows, 1 namespace file, 0 KV pairs');
      expect(totals(init.stdout)).toBe(totals(synth.stdout));

      const second = await runCli(dir, ['init', '--files', 'scripts=team.a:/scripts']);
      expect(second.code).toBe(0);
      expect(second.stdout).not.toMatch(/^\s+(create|add to|overwrite)\s/m);
      expect(second.stdout).not.toContain('Wrote');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps a file it would write that the user changed, unless --force', async () => {
    const dir = teamRepo({ 'flows/x.yml': FLOW('x', 'team') });
    try {
      expect((await runCli(dir, ['init'])).code).toBe(0);
      const stack = path.join(dir, 'stacks', 'main.ts');
      const generated = fs.readFileSync(stack, 'utf8');
      fs.writeFileSync(stack, `${generated}// my change\n`);
      const again = await runCli(dir, ['init']);
      expect(again.stdout).toMatch(/kept\s+stacks\/main\.ts\s+exists with other content \(left as is; --force overwrites it\)/);
      expect(fs.readFileSync(stack, 'utf8')).toContain('// my change');
      const forced = await runCli(dir, ['init', '--force']);
      expect(forced.stdout).toMatch(/overwrite\s+stacks\/main\.ts/);
      expect(fs.readFileSync(stack, 'utf8')).toBe(generated);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes nothing with --dry-run, and refuses mappings it cannot honour', async () => {
    const dir = teamRepo({ 'flows/x.yml': FLOW('x', 'team'), 'scripts/a.py': 'x' });
    try {
      const dry = await runCli(dir, ['init', '--dry-run']);
      expect(dry.code).toBe(0);
      expect(dry.stdout).toContain('Would write (--dry-run: nothing written):');
      expect(fs.existsSync(path.join(dir, 'cdktf.json'))).toBe(false);
      const bad = async (flag: string) => (await runCli(dir, ['init', '--files', flag])).stderr.trim();
      expect(await bad('nowhere=team')).toBe('Error: --files nowhere=team: nowhere is not a folder of this repository');
      expect(await bad('scripts=Team Space')).toBe('Error: --files scripts=Team Space: "Team Space" is not a namespace Kestra accepts (^[a-z0-9][a-z0-9._-]*)');
      expect(await bad('../x=team')).toMatch(/^Error: --files: \.\.\/x is outside this repository/);
      expect(await bad('scripts=team:/_flows')).toBe('Error: --files scripts=team:/_flows: the prefix "/_flows" is under /_flows, which Kestra reserves for importing flows');
      expect(await bad('scripts')).toBe('Error: --files must be DIR=NAMESPACE[:/PREFIX], not "scripts"');
      expect(fs.existsSync(path.join(dir, 'cdktf.json'))).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
