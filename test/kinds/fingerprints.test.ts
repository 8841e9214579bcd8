/**
 * Fingerprints: what state records of a live object right after kestraform applied it, and the
 * compact strings a saved plan records. Each must move whenever the live object changes, and
 * only then.
 */
import { fileKind, flowKind, kvKind, kvValueHash, type Fingerprint } from '../../lib/kinds';
import { liveFile, liveFlow, liveKv, sha } from '../engine/factory';

describe('flow fingerprints', () => {
  const l = liveFlow('n', 'f', 'id: f\n', 4);
  it('follow the revision alone', () => {
    expect(flowKind.fingerprintString(l)).toBe('rev:4');
    expect(flowKind.matchesState(l, { kind: 'flow', revision: 4, sourceHash: 'whatever' })).toBe(true);
    expect(flowKind.matchesState(l, { kind: 'flow', revision: 3, sourceHash: l.sourceHash })).toBe(false);
    expect(flowKind.fingerprint(l, undefined)).toEqual({ kind: 'flow', revision: 4, sourceHash: l.sourceHash });
  });
  it('cannot be made without a hash of the source', () => {
    expect(flowKind.fingerprint({ ...l, source: undefined, sourceHash: undefined }, undefined)).toBeUndefined();
  });
});

describe('file fingerprints', () => {
  const bytes = Buffer.from('select 1');
  const l = liveFile('n', '/q.sql', bytes, 1234);
  const recorded: Fingerprint = { kind: 'file', sha256: sha(bytes), size: bytes.length, lastModifiedTime: 1234 };
  it('use the hash when the bytes are known, size and time otherwise', () => {
    expect(fileKind.fingerprintString(l)).toBe(`size:8;mtime:1234;sha:${sha(bytes)}`);
    expect(fileKind.matchesState(l, recorded)).toBe(true);
    expect(fileKind.matchesState({ ...l, sha256: sha('other!!!') }, recorded)).toBe(false);
    const listed = { ...l, sha256: undefined, bytes: undefined };
    expect(fileKind.matchesState(listed, recorded)).toBe(true);
    expect(fileKind.matchesState({ ...listed, lastModifiedTime: 9 }, recorded)).toBe(false);
    expect(fileKind.matchesState({ ...listed, size: 9 }, recorded)).toBe(false);
    // Without a recorded time nothing vouches for an unread file.
    expect(fileKind.matchesState(listed, { ...recorded, lastModifiedTime: undefined })).toBe(false);
  });
  it('record size and time even when the bytes were never read', () => {
    expect(fileKind.fingerprint({ ...l, sha256: undefined, bytes: undefined }, undefined)).toEqual({ kind: 'file', size: 8, lastModifiedTime: 1234 });
  });
});

describe('KV fingerprints', () => {
  const l = liveKv('n', 'K', 'STRING', 'v', { updateDate: '2026-03-01T00:00:00Z', revision: 7, expirationDate: '2027-01-01T00:00:00Z' });
  it('compare the value hash when known, then the update date (2.x), then the revision (1.x)', () => {
    expect(kvKind.fingerprintString(l)).toBe(`upd:2026-03-01T00:00:00Z;rev:7;exp:2027-01-01T00:00:00Z;val:${kvValueHash('STRING', 'v')}`);
    expect(kvKind.matchesState(l, { kind: 'kv', valueHash: kvValueHash('STRING', 'v') })).toBe(true);
    expect(kvKind.matchesState(l, { kind: 'kv', valueHash: kvValueHash('STRING', 'w') })).toBe(false);
    const listed = { ...l, valueHash: undefined, value: undefined, type: undefined };
    expect(kvKind.matchesState(listed, { kind: 'kv', valueHash: 'x', updateDate: '2026-03-01T00:00:00Z' })).toBe(true);
    expect(kvKind.matchesState(listed, { kind: 'kv', valueHash: 'x', updateDate: '2026-03-02T00:00:00Z' })).toBe(false);
    expect(kvKind.matchesState({ ...listed, updateDate: undefined }, { kind: 'kv', valueHash: 'x', revision: 7 })).toBe(true);
    expect(kvKind.matchesState({ ...listed, updateDate: undefined }, { kind: 'kv', valueHash: 'x' })).toBe(false);
  });
  it('move when the expiration moves (a TTL renewed outside kestraform)', () => {
    expect(kvKind.fingerprintString({ ...l, expirationDate: '2028-01-01T00:00:00Z' })).not.toBe(kvKind.fingerprintString(l));
  });
});
