import * as crypto from 'node:crypto';

// Node's one-shot hash (no Hash object per call) arrived in 20.12; older 20.x hash through a Hash
// object — the same digest.
const oneShot = typeof crypto.hash === 'function' ? crypto.hash : undefined;

/** Lowercase hex sha256 of text (UTF-8) or bytes. */
export const sha256 = (data: string | Buffer): string => (oneShot ? oneShot('sha256', data) : crypto.createHash('sha256').update(data).digest('hex'));
