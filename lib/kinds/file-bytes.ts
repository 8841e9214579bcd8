/** A namespace file's bytes, read from the repository when they are needed, and whether they are text. */
import * as fs from 'node:fs';
import { sha256 } from '../util/hash';
import { UserFacingError } from '../util/errors';

export class StaleSourceError extends UserFacingError {}

/** Where a desired namespace file's bytes are, and the hash synth recorded of them. */
export interface FileSource {
  address: string;
  sha256: string;
  /** Absolute path of the bytes, or undefined when the content is inline. */
  sourcePath?: string;
  inlineContent?: string;
}

/** Text diffs are shown up to this size; larger or binary files get a one-line summary. */
export const MAX_TEXT_DIFF_BYTES = 512 * 1024;

export function isText(bytes: Buffer): boolean {
  if (bytes.length > MAX_TEXT_DIFF_BYTES || bytes.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * The bytes of a desired namespace file, verified against the sha256 recorded at synth: a file
 * edited after synth must not be uploaded under a plan made for other bytes.
 */
export function loadFileBytes(file: FileSource): Buffer {
  const bytes = file.inlineContent !== undefined ? Buffer.from(file.inlineContent, 'utf8') : readSource(file);
  const sha = sha256(bytes);
  if (sha !== file.sha256) {
    throw new StaleSourceError(
      `${file.address}: ${file.sourcePath ?? 'inline content'} changed since synth (sha256 ${sha.slice(0, 12)}… ≠ ${file.sha256.slice(0, 12)}…) — run the command again so it synthesizes the current tree`,
    );
  }
  return bytes;
}

function readSource(file: FileSource): Buffer {
  try {
    return fs.readFileSync(file.sourcePath!);
  } catch (e) {
    throw new StaleSourceError(`${file.address}: cannot read ${file.sourcePath}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message} — run synth again`);
  }
}
