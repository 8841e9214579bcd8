import * as fs from 'node:fs';

/** Whether `p` is a folder (following links); false when it does not exist or cannot be read. */
export function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
