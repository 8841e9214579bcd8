import * as fs from 'node:fs';
import { createHash } from 'node:crypto';
import type { DesiredFile } from './types';

export class StaleSourceError extends Error {
  readonly userFacing = true;
}

/**
 * The bytes of a desired namespace file, verified against the sha256 recorded at synth: a file
 * edited after synth must not be uploaded under a plan made for other bytes.
 */
export function loadFileBytes(file: DesiredFile): Buffer {
  const bytes = file.inlineContent !== undefined ? Buffer.from(file.inlineContent, 'utf8') : readSource(file);
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== file.sha256) {
    throw new StaleSourceError(
      `${file.address}: ${file.sourcePath ?? 'inline content'} changed since synth (sha256 ${sha.slice(0, 12)}… ≠ ${file.sha256.slice(0, 12)}…) — run the command again so it synthesizes the current tree`,
    );
  }
  return bytes;
}

function readSource(file: DesiredFile): Buffer {
  try {
    return fs.readFileSync(file.sourcePath!);
  } catch (e) {
    throw new StaleSourceError(`${file.address}: cannot read ${file.sourcePath}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message} — run synth again`);
  }
}
