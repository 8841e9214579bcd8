import type { Command } from 'commander';
import * as path from 'node:path';
import { parseEdition, startKestraServer } from '../../server';
import { UserError } from '../errors';

interface ServerFlags {
  port: string;
  host: string;
  data?: string;
  tenant: string;
  basicAuth?: string;
  latencyMs?: string;
  kestraVersion: string;
  requireExistingNamespace?: boolean;
  edition: string;
}

export function register(program: Command): void {
  program
    .command('server')
    .description("Run the embedded Kestra API server (Kestra's REST API for flows, namespace files, KV) until SIGINT/SIGTERM")
    .option('--port <port>', 'port (0 = any free port)', '8080')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--data <dir>', 'keep data in this folder (default: in memory)')
    .option('--tenant <tenant>', 'tenant served', 'main')
    .option('--basic-auth <user:pass>', 'require HTTP basic auth')
    .option('--latency-ms <n>', 'delay every answer (benchmarks)')
    .option('--kestra-version <major>', 'emulate Kestra 1 or 2', '2')
    .option('--edition <edition>', "emulate open-source Kestra (oss) or its Enterprise Edition (ee: namespace objects, secrets, apps, tests…)", 'oss')
    .option('--require-existing-namespace', "run as Kestra does with kestra.require-existing-namespace: true (a flow may be created only in a namespace that already exists)")
    .action(async (flags: ServerFlags) => {
      const port = Number(flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`--port must be 0–65535, not "${flags.port}"`);
      const major = Number(flags.kestraVersion);
      if (major !== 1 && major !== 2) throw new UserError(`--kestra-version must be 1 or 2, not "${flags.kestraVersion}"`);
      const edition = parseEdition(flags.edition);
      if (!edition) throw new UserError(`--edition must be oss or ee, not "${flags.edition}"`);
      let basicAuth: { username: string; password: string } | undefined;
      if (flags.basicAuth) {
        const i = flags.basicAuth.indexOf(':');
        if (i <= 0) throw new UserError('--basic-auth must be USER:PASS');
        basicAuth = { username: flags.basicAuth.slice(0, i), password: flags.basicAuth.slice(i + 1) };
      }
      const latency = flags.latencyMs !== undefined ? Number(flags.latencyMs) : undefined;
      if (latency !== undefined && (!Number.isFinite(latency) || latency < 0)) throw new UserError(`--latency-ms must be a number, not "${flags.latencyMs}"`);
      const server = await startKestraServer({
        port,
        host: flags.host,
        dataDir: flags.data ? path.resolve(flags.data) : undefined,
        tenant: flags.tenant,
        kestraMajor: major,
        edition,
        requireExistingNamespace: flags.requireExistingNamespace ?? false,
        basicAuth,
        latency: latency !== undefined ? { fixedMs: latency } : undefined,
      });
      const setting = flags.requireExistingNamespace ? ', kestra.require-existing-namespace: true' : '';
      process.stdout.write(`Embedded Kestra ${major}.x API listening on ${server.url} (tenant ${flags.tenant}, ${edition === 'ee' ? 'Enterprise Edition' : 'open-source edition'}, ${flags.data ? `data in ${flags.data}` : 'in memory'}${setting})\n`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await server.close();
      process.stdout.write('Stopped.\n');
    });
}
