/**
 * Every synth writes into a folder of its own beside the output folder (`.cdktf.out.synth-<pid>-…`),
 * is read there, and is then published as the output folder by renames. So no run reads a folder
 * that another run, or an app left running by a killed CLI, is still writing: what a run reads is
 * exactly what its own app wrote. Folders left by dead processes are removed by the next run.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { removeLeftoversOfDeadProcesses } from '../util/process';

const STAGING = 'synth';
const RETIRED = 'retired';
const INPUTS = 'inputs';

/** A new, empty folder for one synth of `outDir`. */
export function newStagingDir(outDir: string): string {
  sweepDeadFolders(outDir);
  const dir = siblingName(outDir, STAGING);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** A new folder beside `outDir` where the processes of one app run report what they read (see ./synth-cache). */
export function newInputsDir(outDir: string): string {
  const dir = siblingName(outDir, INPUTS);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Makes `staged` the output folder: the previous one is moved aside and removed. Runs that publish
 * at the same moment each end with a complete folder in place (the last one wins).
 */
export function publishStaged(staged: string, outDir: string): void {
  for (let attempt = 0; ; attempt++) {
    const retired = siblingName(outDir, RETIRED);
    let moved = false;
    try {
      fs.renameSync(outDir, retired);
      moved = true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    try {
      fs.renameSync(staged, outDir);
      return;
    } catch (e) {
      // Another run published in between: move that one aside too and try again.
      const code = (e as NodeJS.ErrnoException).code;
      if ((code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'EPERM') || attempt >= 5) throw e;
    } finally {
      if (moved) fs.rmSync(retired, { recursive: true, force: true });
    }
  }
}

/** Removes a staging folder that will not be published (the app failed or was stopped). */
export function discardStaged(staged: string): void {
  fs.rmSync(staged, { recursive: true, force: true });
}

function siblingName(outDir: string, kind: string): string {
  return path.join(path.dirname(outDir), `.${path.basename(outDir)}.${kind}-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/** Staging and retired folders of `outDir` whose process is gone. */
function sweepDeadFolders(outDir: string): void {
  removeLeftoversOfDeadProcesses(path.dirname(outDir), `.${path.basename(outDir)}.`, (rest) => {
    const m = /^(?:synth|retired|inputs)-(\d+)-[0-9a-f]+$/.exec(rest);
    return m ? Number(m[1]) : undefined;
  });
}
