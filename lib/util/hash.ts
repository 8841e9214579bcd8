import { createHash } from 'node:crypto';

/** Lowercase hex sha256 of text (UTF-8) or bytes. */
export const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
