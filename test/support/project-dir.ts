/**
 * A fresh project folder per test, made the working directory (constructs resolve a tree's
 * paths against it, as a synth run from the project does), with a way to write files into it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface ProjectDir {
  /** The folder of the running test (real path). */
  readonly path: string;
  /** Writes files at project-relative paths, making their folders. */
  files(map: Record<string, string>): void;
}

export function useProjectDir(prefix: string): ProjectDir {
  let dir = '';
  const cwd = process.cwd();
  beforeEach(() => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
    process.chdir(dir);
  });
  afterEach(() => {
    process.chdir(cwd);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return {
    get path() {
      return dir;
    },
    files(map) {
      for (const [rel, content] of Object.entries(map)) {
        fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
        fs.writeFileSync(path.join(dir, rel), content);
      }
    },
  };
}
