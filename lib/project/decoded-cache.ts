/**
 * The stacks read back from a reused synth, kept for the next command that reuses the same synth.
 *
 * Reading a large synth back — parsing cdk.tf.json, each resource's schema, the stack digests —
 * is the largest piece of a no-change plan's start (0.2–0.3 s for 11,000 resources), against a
 * tenth of that to deserialize what the read produced (v8's structured serialization). What the
 * read produces depends only on the synth's files (named by the synth's id: any change to what
 * the app read, or to the output folder, makes a new synth with a new id), the project folder,
 * the stacks asked for and kestraform's own code — and on the environment, for the values a stack
 * takes from it. A read that looked at any environment variable is never kept: a value from the
 * environment must not reach the disk. Anything that does not match, or does not deserialize, is
 * read again from cdk.tf.json.
 */
import * as path from 'node:path';
import type { DesiredState } from '../desired/types';
import type { Project } from './config';
import { KESTRAFORM_VERSION } from '../version';
import { codeIdentity } from '../util/code-identity';
import { readKeyedFile, writeKeyedFile } from '../util/keyed-file';

const FILE = path.join('.kestraform', 'decoded-synth.bin');
const FORMAT = 1;

/** What a kept read must match to stand for a fresh one. */
export function decodedKey(project: Project, synthId: string, stacks: readonly string[] | undefined): string {
  return JSON.stringify({
    format: FORMAT,
    synthId,
    kestraform: KESTRAFORM_VERSION,
    code: codeIdentity(),
    node: process.version,
    projectDir: project.dir,
    outDir: project.outDir,
    stacks: stacks?.length ? [...stacks] : null,
  });
}

/** The kept read for `key`, or undefined (none, another synth's, unreadable). */
export function loadDecoded(project: Project, key: string): DesiredState | undefined {
  return readKeyedFile(path.join(project.dir, FILE), (header) => header === key) as DesiredState | undefined;
}

/**
 * The last kept read whatever its synth (same code, Node, project and stacks asked for): the
 * stacks as they were before the app now running changed them — a starting point to verify, never
 * a synth to use.
 */
export function loadPreviousDecoded(project: Project, stacks: readonly string[] | undefined): { synthId: string; desired: DesiredState } | undefined {
  const wanted = decodedKey(project, '', stacks);
  if (lastPrevious?.wanted === wanted) return lastPrevious.read;
  let synthId = '';
  const accepts = (header: string) => {
    const key = JSON.parse(header) as { synthId: string };
    synthId = key.synthId;
    return JSON.stringify({ ...key, synthId: '' }) === wanted;
  };
  const desired = readKeyedFile(path.join(project.dir, FILE), accepts) as DesiredState | undefined;
  const read = desired && { synthId, desired };
  lastPrevious = { wanted, read };
  return read;
}

/**
 * What loadPreviousDecoded gave in this process, until a read is kept: the command's read ahead of
 * Kestra and its read of the new synth start from the very same objects (a resource taken
 * unchanged is then the same object in both, which a comparison finds at once).
 */
let lastPrevious: { wanted: string; read: { synthId: string; desired: DesiredState } | undefined } | undefined;

/** Keeps `desired` (read with no environment variable looked at) for the next command. Only a speed-up: a failure is ignored. */
export function saveDecoded(project: Project, key: string, desired: DesiredState): void {
  lastPrevious = undefined;
  writeKeyedFile(path.join(project.dir, FILE), key, desired, { mode: 0o600, syncDirectory: false, makeParents: true });
}

/** An environment that tells whether anything looked at it (a variable's value, its presence, the list of names). */
export function watchedEnvironment(env: NodeJS.ProcessEnv): { env: NodeJS.ProcessEnv; consulted: () => boolean } {
  let consulted = false;
  const watched = new Proxy(env, {
    get(target, name, receiver) {
      consulted = true;
      return Reflect.get(target, name, receiver);
    },
    has(target, name) {
      consulted = true;
      return Reflect.has(target, name);
    },
    ownKeys(target) {
      consulted = true;
      return Reflect.ownKeys(target);
    },
    getOwnPropertyDescriptor(target, name) {
      consulted = true;
      return Reflect.getOwnPropertyDescriptor(target, name);
    },
  });
  return { env: watched, consulted: () => consulted };
}
