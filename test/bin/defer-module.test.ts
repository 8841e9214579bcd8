/**
 * The launcher's deferred require: nothing loads until first use, then the real module answers.
 * Run in a plain Node process: jest's module registry does not go through require's cache.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';

const DEFER = path.resolve(__dirname, '../../bin/defer-module.js');

function fixturePackage(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-defer-'));
  const pkg = path.join(root, 'node_modules', 'heavy');
  fs.mkdirSync(pkg, { recursive: true });
  fs.writeFileSync(
    path.join(pkg, 'index.js'),
    `globalThis.heavyLoaded = true;
     function heavy(x) { return 'heavy:' + x; }
     heavy.version = 3;
     heavy.Thing = class Thing { constructor(v) { this.v = v; } };
     module.exports = heavy;`,
  );
  fs.writeFileSync(path.join(root, 'user.js'), '');
  return root;
}

function run(root: string, script: string): unknown {
  const prelude = `const { deferModule } = require(${JSON.stringify(DEFER)}); const out = {};`;
  const stdout = execFileSync(process.execPath, ['-e', `${prelude}${script}; process.stdout.write(JSON.stringify(out));`], { cwd: root, encoding: 'utf8' });
  return JSON.parse(stdout);
}

describe('deferModule', () => {
  it('loads the module on first call, property read or construction, and only then', () => {
    const root = fixturePackage();
    const result = run(
      root,
      `out.deferred = deferModule('heavy', ${JSON.stringify(path.join(root, 'user.js'))});
       const heavy = require('heavy');
       out.loadedAtRequire = !!globalThis.heavyLoaded;
       out.call = heavy('x');
       out.loadedAfterCall = !!globalThis.heavyLoaded;
       out.version = heavy.version;
       out.constructed = new heavy.Thing(7).v;
       out.laterRequire = require('heavy')('y');`,
    );
    expect(result).toEqual({ deferred: true, loadedAtRequire: false, call: 'heavy:x', loadedAfterCall: true, version: 3, constructed: 7, laterRequire: 'heavy:y' });
  });

  it('does nothing for a module that is not installed, or already loaded', () => {
    const root = fixturePackage();
    const user = JSON.stringify(path.join(root, 'user.js'));
    expect(run(root, `out.absent = deferModule('not-installed-anywhere', ${user}); require('heavy'); out.loaded = deferModule('heavy', ${user});`)).toEqual({ absent: false, loaded: false });
  });
});
