/** Namespace files from a folder: prefix, ignore files, Kestra objects left out, Kestra's path rules. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { IgnoreRules } from '../../lib/gittree/ignore-rules';
import { newReadContext } from '../../lib/gittree/read-context';
import { readFilesDir } from '../../lib/gittree/read-files';
import { formatDiagnostic } from '../../lib/util/diagnostics';

const FLOW = 'id: forecast\nnamespace: dev\ntasks:\n  - id: t\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n';

function repo(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-files-'));
  execFileSync('git', ['init', '-q'], { cwd: root });
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), content);
  }
  return root;
}

function read(root: string, dir: string, opts: { prefix?: string; upload?: boolean; skip?: (d: string) => boolean } = {}) {
  const abs = path.join(root, dir);
  const ctx = newReadContext(abs, { displayRoot: dir, skip: opts.skip });
  const r = readFilesDir(ctx, '', { rules: IgnoreRules.forDirectory(abs, { repoRoot: root, kestraignoreDir: abs }), namespace: 'company.scripts', prefix: opts.prefix ?? '/', kestraObjects: opts.upload ? 'upload' : 'skip', kestraignoreAtRoot: true });
  return { paths: r.files.map((f) => `${f.path} <- ${f.file}`), skipped: r.skippedFlows, ctx, messages: ctx.diagnostics.map(formatDiagnostic) };
}

describe('namespace files from a folder', () => {
  it('maps the folder under a prefix, keeping what Git would commit and leaving out .kestraignore and what it ignores', () => {
    const root = repo({
      '.gitignore': '__pycache__/\n*.pyc\n.env\ncredentials.json\n',
      'scripts/.kestraignore': 'docker-compose.yml\n.vscode/\n',
      'scripts/etl.py': 'print(1)\n',
      'scripts/sub/helper.py': 'x = 1\n',
      'scripts/__pycache__/etl.cpython-311.pyc': 'bytes',
      'scripts/x.pyc': 'bytes',
      'scripts/.env': 'SECRET=1',
      'scripts/credentials.json': '{}',
      'scripts/docker-compose.yml': 'services: {}\n',
      'scripts/.vscode/settings.json': '{}',
      'scripts/node_modules/p/index.js': '',
      'scripts/.gitkeep': '',
    });
    try {
      const r = read(root, 'scripts', { prefix: '/scripts' });
      expect(r.messages).toEqual([]);
      expect(r.paths).toEqual(['/scripts/.gitkeep <- scripts/.gitkeep', '/scripts/etl.py <- scripts/etl.py', '/scripts/sub/helper.py <- scripts/sub/helper.py']);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('leaves flows out (returned for the stack to check), lists apps and unit tests as found, or uploads them when told', () => {
    const root = repo({
      'ml/forecast.yml': FLOW,
      'ml/forecast.py': 'print(2)\n',
      'dbt/schema.yml': 'version: 2\nmodels: []\n',
      'apps/a.yaml': 'id: a\nnamespace: dev\ntype: io.kestra.plugin.ee.apps.App\nblocks: []\n',
    });
    try {
      const r = read(root, '');
      expect(r.paths).toEqual(['/dbt/schema.yml <- dbt/schema.yml', '/ml/forecast.py <- ml/forecast.py']);
      expect(r.skipped).toEqual([{ kind: 'flow', file: 'ml/forecast.yml', line: 1, id: 'forecast', namespace: 'dev' }]);
      expect(r.ctx.found).toEqual([{ kind: 'app', file: 'apps/a.yaml', line: 1, id: 'a', namespace: 'dev' }]);
      expect(read(root, '', { upload: true }).paths).toEqual(['/apps/a.yaml <- apps/a.yaml', '/dbt/schema.yml <- dbt/schema.yml', '/ml/forecast.py <- ml/forecast.py', '/ml/forecast.yml <- ml/forecast.yml']);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it("refuses what Kestra's paths cannot hold and links, never follows them; skips kestraform's own folders", () => {
    const root = repo({ 'a/_flows/x.txt': 'x', 'a/ok.txt': 'ok', 'a/cdktf.out/manifest.json': '{}' });
    fs.symlinkSync('/etc/hostname', path.join(root, 'a', 'link.txt'));
    try {
      const r = read(root, 'a', { skip: (d) => d === path.join(root, 'a', 'cdktf.out') });
      expect(r.paths).toEqual(['/ok.txt <- a/ok.txt']);
      expect(r.messages).toEqual([
        'a/_flows/x.txt: cannot be a namespace file: its Kestra path /_flows/x.txt is under /_flows, which Kestra reserves for importing flows — rename it, or leave it out with .kestraignore',
        'a/link.txt: is a symbolic link pointing outside the tree; kestraform reads real files only, never links — replace the link with the file itself, or leave it out with .kestraignore',
      ]);
      // Under another prefix the same folder is no longer under /_flows.
      expect(read(root, 'a', { prefix: '/data', skip: (d) => d.endsWith('cdktf.out') }).paths).toContain('/data/_flows/x.txt <- a/_flows/x.txt');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
