/**
 * Live fingerprints: compact strings that change whenever the live object changes. A saved plan
 * records them; apply refuses the plan when any moved.
 */
import type { LiveFile, LiveFlow, LiveKv, LiveSnapshot } from './live';
import type { Fingerprint } from './state-types';
import { parseAddress } from '../model/resources';

export const ABSENT = 'absent';

export function flowFingerprintString(f: LiveFlow): string {
  return `rev:${f.revision}`;
}
export function fileFingerprintString(f: LiveFile): string {
  return `size:${f.size};mtime:${f.lastModifiedTime ?? '?'}${f.sha256 ? `;sha:${f.sha256}` : ''}`;
}
export function kvFingerprintString(k: LiveKv): string {
  return `upd:${k.updateDate ?? '?'};rev:${k.revision ?? '?'};exp:${k.expirationDate ?? '-'}${k.valueHash ? `;val:${k.valueHash}` : ''}`;
}

/** The live fingerprint string of an address ('absent' when it does not exist live). */
export function liveFingerprintOf(live: LiveSnapshot, address: string): string {
  const p = parseAddress(address);
  if (!p) return 'local';
  if (p.kind === 'flow') {
    const f = live.flows.get(address);
    return f ? flowFingerprintString(f) : ABSENT;
  }
  if (p.kind === 'file') {
    const f = live.files.get(address);
    return f ? fileFingerprintString(f) : ABSENT;
  }
  const k = live.kv.get(address);
  return k ? kvFingerprintString(k) : ABSENT;
}

/** True when the live object is exactly what state recorded right after kestraform applied it. */
export function liveMatchesState(live: LiveFlow | LiveFile | LiveKv, fp: Fingerprint): boolean {
  switch (fp.kind) {
    case 'flow':
      return (live as LiveFlow).revision === fp.revision;
    case 'file': {
      const f = live as LiveFile;
      if (f.size !== fp.size) return false;
      if (f.sha256) return f.sha256 === fp.sha256;
      return fp.lastModifiedTime !== undefined && f.lastModifiedTime === fp.lastModifiedTime;
    }
    case 'kv': {
      const k = live as LiveKv;
      if (k.valueHash) return k.valueHash === fp.valueHash;
      if (fp.updateDate !== undefined && k.updateDate !== undefined) return k.updateDate === fp.updateDate;
      if (fp.revision !== undefined && k.revision !== undefined) return k.revision === fp.revision;
      return false;
    }
    default:
      return true;
  }
}
