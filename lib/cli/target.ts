/**
 * The Kestra a command talks to, per stack: KESTRA_URL or the URL variable the stack's
 * environment names (with tenant and credentials likewise), or — with no URL — the embedded local
 * server of its environment, started in-process, so every command works on a fresh machine.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KestraClient, clientConfigFromEnv, clientConfigForTarget } from '../kestra';
import { DEFAULT_REQUESTS_IN_FLIGHT } from '../kestra/config';
import { remoteClient } from './early-reads';
import { startKestraServer, type RunningKestraServer } from '../server';
import type { Project } from '../project/config';
import type { DesiredStack } from '../desired/types';
import { UserError } from './errors';
import { targetKeyOf } from './target-key';
import { processAlive } from '../util/process';
import { builtinKinds } from '../kinds';
import { enterpriseNeed, enterpriseNeedMessage, type EnterpriseNeed } from '../desired/edition';

export interface Target {
  client: KestraClient;
  /** URL without credentials, and tenant: what plans record and messages show. */
  url: string;
  tenant: string;
  embedded: boolean;
  /** The edition of the server, when kestraform had to know it (stacks needing Kestra Enterprise). */
  edition?: 'OSS' | 'EE';
  close(): Promise<void>;
}

/** The targets of the stacks a command works on: stacks of one environment share theirs. */
export interface Targets {
  of(stack: DesiredStack): Target;
  close(): Promise<void>;
}

export interface TargetOptions {
  /** Raises the requests in flight at one Kestra (apply's --parallelism). */
  maxInFlight?: number;
  /** The command changes Kestra or Git (apply, destroy, import, pull): no embedded stand-in for a named Kestra in CI. */
  writes?: boolean;
}

/** The same for the embedded local server (no network between; its journal's group commit gains from more writes at once). */
const EMBEDDED_REQUESTS_IN_FLIGHT = 32;

/**
 * Opens every target `stacks` need: a client per URL and tenant, or an embedded local server per
 * named Kestra (data in `.kestraform/local/`, or `.kestraform/local/<name>/` for a named
 * one) emulating the Kestra line its stacks target (the older one when they differ), so every
 * command works on a fresh machine.
 */
export async function openTargets(project: Project, stacks: readonly DesiredStack[], env: NodeJS.ProcessEnv = process.env, opts: TargetOptions = {}): Promise<Targets> {
  const byKey = new Map<string, DesiredStack[]>();
  for (const s of stacks) byKey.set(targetKeyOf(s, env), [...(byKey.get(targetKeyOf(s, env)) ?? []), s]);
  const opened = new Map<string, Target>();
  try {
    for (const [key, group] of byKey) opened.set(key, await openOne(project, group, env, opts));
  } catch (e) {
    await Promise.allSettled([...opened.values()].map((t) => t.close()));
    throw e;
  }
  return {
    of: (stack) => opened.get(targetKeyOf(stack, env))!,
    close: async () => {
      await Promise.all([...opened.values()].map((t) => t.close()));
    },
  };
}

async function openOne(project: Project, stacks: readonly DesiredStack[], env: NodeJS.ProcessEnv, opts: TargetOptions): Promise<Target> {
  // The engine starts every namespace's reads at once; this bound is what the server sees.
  const maxInFlight = Math.max(DEFAULT_REQUESTS_IN_FLIGHT, opts.maxInFlight ?? 0);
  const settings = stacks[0]?.settings.target ?? {};
  const remote = clientConfigForTarget(settings, env);
  const needs = stacks.map((s) => enterpriseNeed(s, builtinKinds)).filter((n): n is EnterpriseNeed => n !== undefined);
  if (remote) {
    const config = { ...remote, maxInFlight };
    const client = remoteClient(settings, config, needs.length > 0);
    const target: Target = { client, url: config.url, tenant: config.tenant, embedded: false, close: async () => client.close() };
    // Before any other request: a stack of Enterprise objects never reaches an open-source server.
    if (needs.length) {
      try {
        target.edition = (await client.getEdition()).edition;
      } catch (e) {
        await client.close();
        throw e;
      }
      if (target.edition !== 'EE') {
        await client.close();
        throw new UserError(enterpriseNeedMessage(needs, `the Kestra at ${config.url}`));
      }
    }
    return target;
  }
  // A stack that names its URL variable deploys somewhere real: in CI an unset variable is a
  // missing secret, not a wish for a throw-away local server that an apply would "succeed" on.
  if (opts.writes && settings.url_env && env.CI === 'true' && env.KESTRAFORM_EMBEDDED !== '1') {
    throw new UserError(`stack${stacks.length === 1 ? '' : 's'} ${stacks.map((s) => `"${s.name}"`).join(', ')} deploy${stacks.length === 1 ? 's' : ''} to the Kestra named by ${settings.url_env}, which is not set (nor KESTRA_URL); in CI (CI=true) kestraform does not fall back to its embedded local server — set ${settings.url_env} (a missing secret or variable?), or set KESTRAFORM_EMBEDDED=1 to use the embedded server on purpose`);
  }
  const kestraMajor = stacks.some((s) => s.settings.kestra_version === 1) ? 1 : 2;
  // The local stand-in is the edition its stacks need.
  const edition = needs.length ? 'ee' : 'oss';
  const name = settings.name;
  const dataDir = path.join(project.dir, '.kestraform', 'local', ...(name ? [name] : []));
  fs.mkdirSync(dataDir, { recursive: true });
  const release = acquireDirLock(dataDir);
  let server: RunningKestraServer;
  try {
    server = await startKestraServer({ port: 0, dataDir, tenant: env.KESTRA_TENANT || settings.tenant || 'main', kestraMajor, edition });
  } catch (e) {
    release();
    throw e;
  }
  // In-process, apply's writes go at the embedded default parallelism (carry-out.ts): let them all be in flight.
  const config = { ...clientConfigFromEnv({ ...env, KESTRA_URL: server.url })!, maxInFlight: Math.max(maxInFlight, EMBEDDED_REQUESTS_IN_FLIGHT) };
  const client = new KestraClient(config);
  const shown = path.relative(process.cwd(), dataDir) || dataDir;
  const unset = settings.url_env ? `neither KESTRA_URL nor ${settings.url_env} is set` : 'no KESTRA_URL set';
  process.stderr.write(`Using the embedded local Kestra server${name ? ` "${name}"` : ''} (Kestra ${kestraMajor}.x API${edition === 'ee' ? ', Enterprise edition' : ''}; ${unset}; data in ${shown}/).\n`);
  return {
    client,
    url: `embedded://.kestraform/local${name ? `/${name}` : ''}`,
    tenant: config.tenant,
    embedded: true,
    edition: edition === 'ee' ? 'EE' : 'OSS',
    close: async () => {
      try {
        await client.close();
        await server.close();
      } finally {
        release();
      }
    },
  };
}

/**
 * One process at a time may serve the local data folder: two in-process servers over the same
 * files would not see each other's writes.
 */
function acquireDirLock(dir: string): () => void {
  const file = path.join(dir, '.in-use');
  for (let attempt = 0; ; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify({ pid: process.pid, since: new Date().toISOString() }), { flag: 'wx' });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        fs.rmSync(file, { force: true });
      };
      process.once('exit', release);
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = readHolder(file);
      if (holder && !processAlive(holder.pid)) {
        fs.rmSync(file, { force: true }); // left by a process that died
        continue;
      }
      if (attempt > 300) {
        throw new UserError(`the embedded local Kestra data in ${dir} is in use by process ${holder?.pid ?? '?'} since ${holder?.since ?? '?'} — wait for that command to finish, or set KESTRA_URL to use a real server`);
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
}

function readHolder(file: string): { pid: number; since: string } | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}
