/**
 * The Kestra a command talks to: KESTRA_URL (with KESTRA_TENANT and credentials from the
 * environment), or — when KESTRA_URL is unset — the embedded local server, started in-process
 * with its data under `.kestraform/local/`, so every command works on a fresh machine.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KestraClient, clientConfigFromEnv } from '../kestra';
import { startKestraServer, type RunningKestraServer } from '../server';
import type { Project } from '../project/config';
import type { DesiredStack } from '../desired/types';
import { UserError } from './errors';
import { processAlive } from '../util/process';

export interface Target {
  client: KestraClient;
  /** URL without credentials, and tenant: what plans record and messages show. */
  url: string;
  tenant: string;
  embedded: boolean;
  close(): Promise<void>;
}

/** Requests kestraform ever has in flight at one Kestra (apply raises it to its --parallelism). */
export const DEFAULT_REQUESTS_IN_FLIGHT = 16;

/**
 * `stacks`: what the command works on; the embedded server emulates the Kestra line they target
 * (the older one when they differ), so a 1.x stack is validated as Kestra 1.x would.
 */
export async function openTarget(project: Project, stacks: readonly DesiredStack[], env: NodeJS.ProcessEnv = process.env, opts: { maxInFlight?: number } = {}): Promise<Target> {
  // The engine starts every namespace's reads at once; this bound is what the server sees.
  const maxInFlight = Math.max(DEFAULT_REQUESTS_IN_FLIGHT, opts.maxInFlight ?? 0);
  if (env.KESTRA_URL) {
    const config = { ...clientConfigFromEnv(env)!, maxInFlight };
    const client = new KestraClient(config);
    return { client, url: config.url, tenant: config.tenant, embedded: false, close: async () => client.close() };
  }
  const kestraMajor = stacks.some((s) => s.settings.kestra_version === 1) ? 1 : 2;
  const dataDir = path.join(project.dir, '.kestraform', 'local');
  fs.mkdirSync(dataDir, { recursive: true });
  const release = acquireDirLock(dataDir);
  let server: RunningKestraServer;
  try {
    server = await startKestraServer({ port: 0, dataDir, tenant: env.KESTRA_TENANT || 'main', kestraMajor });
  } catch (e) {
    release();
    throw e;
  }
  const config = { ...clientConfigFromEnv({ ...env, KESTRA_URL: server.url })!, maxInFlight };
  const client = new KestraClient(config);
  process.stderr.write(`Using the embedded local Kestra server (Kestra ${kestraMajor}.x API; no KESTRA_URL set; data in ${path.relative(process.cwd(), dataDir) || dataDir}/).\n`);
  return {
    client,
    url: 'embedded://.kestraform/local',
    tenant: config.tenant,
    embedded: true,
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
