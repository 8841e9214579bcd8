/**
 * Whether fast synth may run: only on the cdktf and constructs versions it was checked against,
 * and only when everything it relies on beyond their API (./relied-on) still has the expected
 * shape. Otherwise stacks use cdktf's plain synthesis: the same output, just slower — never a
 * wrong one.
 *
 * A synth checks the versions only: on the pinned releases every listed internal is known to be
 * there, because the test suite runs each check on a probe tree (test/constructs/fast-synth-guard);
 * bumping a pin without the internals still in place fails those tests. Probing in every synth
 * would cost each one ~25 ms for an answer the pin already gives.
 *
 * KESTRAFORM_PLAIN_SYNTH=1 in the environment forces plain synthesis for every stack (to compare
 * outputs, or to rule fast synth out when something looks wrong).
 */
import * as fs from 'node:fs';
import type { Probe, ReliedOnInternal } from './relied-on';

export type SynthesisMode = 'fast' | 'plain';

export const PLAIN_SYNTH_ENV = 'KESTRAFORM_PLAIN_SYNTH';

/** The releases whose internals fast synth was written against and is tested on. */
export const KNOWN_GOOD_VERSIONS: Readonly<Record<GuardedPackage, string>> = { cdktf: '0.21.0', constructs: '10.8.1' };

type GuardedPackage = 'cdktf' | 'constructs';

export type FastSynthSupport = { supported: true } | { supported: false; reason: string };

export interface SupportInputs {
  /** Installed versions (default: read from each package's package.json). */
  versions?: Readonly<Record<GuardedPackage, string | undefined>>;
  internals?: readonly ReliedOnInternal[];
  probe?: () => Probe;
}

/** The versions check alone (what every synth runs). */
export function checkVersions(versions: Readonly<Record<GuardedPackage, string | undefined>> = installedVersions()): FastSynthSupport {
  for (const pkg of Object.keys(KNOWN_GOOD_VERSIONS) as GuardedPackage[]) {
    if (versions[pkg] !== KNOWN_GOOD_VERSIONS[pkg]) return refused(`${pkg} ${versions[pkg] ?? '(version unknown)'} is installed; fast synth is known good on ${KNOWN_GOOD_VERSIONS[pkg]} only`);
  }
  return { supported: true };
}

/** The versions, then every relied-on internal on a probe tree. */
export function checkFastSynthSupport(inputs: SupportInputs = {}): FastSynthSupport {
  const versions = checkVersions(inputs.versions);
  if (!versions.supported) return versions;
  // Loaded here only: building the probe needs most of cdktf, which a plain check does not.
  const reliedOn = require('./relied-on') as typeof import('./relied-on');
  const { internals = reliedOn.RELIED_ON_INTERNALS, probe = reliedOn.buildProbe } = inputs;
  let built: Probe;
  try {
    built = probe();
  } catch (e) {
    return refused(`its probe constructs could not be built: ${(e as Error).message}`);
  }
  for (const internal of internals) {
    let problem: string | undefined;
    try {
      problem = internal.check(built);
    } catch (e) {
      problem = `fails its check: ${(e as Error).message}`;
    }
    if (problem !== undefined) return refused(`${internal.name} ${problem}`);
  }
  return { supported: true };
}

let checked: FastSynthSupport | undefined;

/** The versions check on what is installed, once per process; a refusal is reported as a process warning, once. */
export function fastSynthSupport(): FastSynthSupport {
  if (checked === undefined) {
    checked = checkVersions();
    if (!checked.supported) process.emitWarning(`fast synth is off, stacks use cdktf's plain synthesis (same output, slower): ${checked.reason}`, { code: 'KESTRAFORM_PLAIN_SYNTH' });
  }
  return checked;
}

/** The synthesis a stack gets: the one it asked for (fast by default), unless forced or refused to plain. */
export function chooseSynthesis(requested: SynthesisMode = 'fast', env: NodeJS.ProcessEnv = process.env, support: () => FastSynthSupport = fastSynthSupport): SynthesisMode {
  if (requested === 'plain' || env[PLAIN_SYNTH_ENV] === '1') return 'plain';
  return support().supported ? 'fast' : 'plain';
}

function installedVersions(): Record<GuardedPackage, string | undefined> {
  return { cdktf: packageVersion('cdktf'), constructs: packageVersion('constructs') };
}

/** The version in the package.json of the copy of `pkg` that kestraform loads. */
function packageVersion(pkg: GuardedPackage): string | undefined {
  try {
    const version = JSON.parse(fs.readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')).version;
    return typeof version === 'string' ? version : undefined;
  } catch {
    return undefined;
  }
}

const refused = (reason: string): FastSynthSupport => ({ supported: false, reason });
