import * as fs from 'node:fs';
import * as path from 'node:path';

/** Whether a process with this pid still runs on this host (EPERM: it runs, as another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the entries of `dir` named `<prefix>…` whose pid (read from the rest of the name by
 * `pidIn`) belongs to a process that is gone: what a killed process left behind. Entries of live
 * processes, this one included, stay.
 */
export function removeLeftoversOfDeadProcesses(dir: string, prefix: string, pidIn: (rest: string) => number | undefined): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = pidIn(name.slice(prefix.length));
    if (pid !== undefined && Number.isInteger(pid) && pid !== process.pid && !processAlive(pid)) {
      fs.rmSync(path.join(dir, name), { recursive: true, force: true });
    }
  }
}
