/**
 * The early app run (lib/project/run-app): a command that ends before it takes the run stops the
 * app itself — the program the app command starts, not only the shell that started it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { abandonEarlyApp, startAppEarly } from '../../lib/project/run-app';
import { loadProject } from '../../lib/project/config';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(what: string, cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('an early app run nobody takes', () => {
  it('is stopped, the app process with it, and leaves no staging folder', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-early-'));
    // An "app" that says who it is, then would write a file later, were it left running.
    fs.writeFileSync(
      path.join(dir, 'app.js'),
      `const fs = require('fs'); fs.writeFileSync(${JSON.stringify(path.join(dir, 'pid'))}, String(process.pid));
       setTimeout(() => fs.writeFileSync(${JSON.stringify(path.join(dir, 'late'))}, 'still running'), 1500);`,
    );
    fs.writeFileSync(path.join(dir, 'cdktf.json'), JSON.stringify({ app: `${JSON.stringify(process.execPath)} app.js` }));
    startAppEarly(loadProject(dir), { reuse: false });
    await until('the app to start', () => fs.existsSync(path.join(dir, 'pid')) && fs.readFileSync(path.join(dir, 'pid'), 'utf8') !== '');
    const pid = Number(fs.readFileSync(path.join(dir, 'pid'), 'utf8'));
    abandonEarlyApp();
    await until('the app to stop', () => !alive(pid));
    await new Promise((r) => setTimeout(r, 1800));
    expect(fs.existsSync(path.join(dir, 'late'))).toBe(false);
    expect(fs.readdirSync(dir).filter((n) => n.startsWith('.cdktf.out.'))).toEqual([]);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 20_000);
});
