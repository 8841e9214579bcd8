/**
 * Kill tests of the embedded server's durability (`--data`): a child `kestraform server` takes a
 * stream of writes — flows created and changed, namespace files uploaded, KV pairs put and
 * deleted, several lanes at once — and is SIGKILLed at seeded random points, with a compaction
 * floor small enough that kills also land in compactions. After every kill, a server on the same
 * folder must hold every acknowledged write: for each object the value of its last acknowledged
 * write, or that of the one write still unanswered when the kill came (which may or may not
 * have been applied — never anything else).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startKestraServer } from '../../lib/server';
import { seededRandom } from '../../lib/server/faults';

const LONG = !!process.env.KESTRAFORM_LONG_TESTS;
const KILLS = LONG ? 12 : 4;
const LANES = 12;
jest.setTimeout(LONG ? 600_000 : 120_000);

const NS = ['kill.a', 'kill.b', 'kill.c'];
const BIN = path.resolve(__dirname, '../../bin/kestraform.js');

type Kind = 'flow' | 'file' | 'kv';
/** What an object holds after a write: a flow's description, a file's text, a KV value; null when deleted. */
type Value = string | null;

interface Tracked {
  kind: Kind;
  ns: string;
  name: string;
  /** The value of the last acknowledged write (undefined: never written). */
  acked?: Value;
  /** The write sent and not yet answered, if any. */
  pending?: Value;
}

const flowSource = (ns: string, id: string, description: string) => `id: ${id}\nnamespace: ${ns}\ndescription: ${description}\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n`;

async function startChild(dir: string): Promise<{ child: ChildProcess; url: string; closed: Promise<unknown> }> {
  const child = spawn(process.execPath, [BIN, 'server', '--port', '0', '--data', dir], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, KESTRAFORM_DATA_COMPACT_BYTES: '32768' } });
  const closed = new Promise((r) => child.once('close', r));
  let err = '';
  child.stderr!.on('data', (b) => (err += b));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (b) => {
      out += b;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`server exited early (${code}): ${out}${err}`)));
  });
  return { child, url, closed };
}

/** Sends one write (a flow's create while none was acknowledged); throws when the connection died. */
async function send(base: string, o: Tracked, value: Value): Promise<Response> {
  let res: Response;
  if (o.kind === 'flow') {
    const body = flowSource(o.ns, o.name, value!);
    res = o.acked === undefined
      ? await fetch(`${base}/flows`, { method: 'POST', body, headers: { 'Content-Type': 'application/x-yaml' } })
      : await fetch(`${base}/flows/${o.ns}/${o.name}`, { method: 'PUT', body, headers: { 'Content-Type': 'application/x-yaml' } });
  } else if (o.kind === 'file') {
    const form = new FormData();
    form.append('fileContent', new Blob([Buffer.from(value!)]), 'content');
    res = await fetch(`${base}/namespaces/${o.ns}/files?path=${encodeURIComponent(o.name)}`, { method: 'POST', body: form });
  } else if (value === null) {
    res = await fetch(`${base}/namespaces/${o.ns}/kv/${o.name}`, { method: 'DELETE' });
  } else {
    res = await fetch(`${base}/namespaces/${o.ns}/kv/${o.name}`, { method: 'PUT', body: JSON.stringify(value), headers: { 'Content-Type': 'text/plain' } });
  }
  return res;
}

async function read(base: string, o: Tracked): Promise<Value | undefined> {
  if (o.kind === 'flow') {
    const res = await fetch(`${base}/flows/${o.ns}/${o.name}?source=true`);
    if (res.status === 404) return undefined;
    const source = ((await res.json()) as { source: string }).source;
    return /description: (.*)\n/.exec(source)![1];
  }
  if (o.kind === 'file') {
    const res = await fetch(`${base}/namespaces/${o.ns}/files?path=${encodeURIComponent(o.name)}`);
    if (res.status === 404) return undefined;
    return Buffer.from(await res.arrayBuffer()).toString();
  }
  const res = await fetch(`${base}/namespaces/${o.ns}/kv/${o.name}`);
  if (res.status === 404) return null;
  return String(((await res.json()) as { value: unknown }).value);
}

describe('embedded server killed during a stream of writes', () => {
  it(`keeps every acknowledged write across ${KILLS} SIGKILLs`, async () => {
    const rnd = seededRandom(1717);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-server-kill-'));
    // Each lane owns its objects and writes them one at a time: per object, at most one write is in flight.
    const lanes: Tracked[][] = Array.from({ length: LANES }, (_, lane) =>
      Array.from({ length: 6 }, (_, i) => {
        const kind: Kind = (['flow', 'file', 'kv'] as const)[(lane + i) % 3];
        const ns = NS[i % NS.length];
        const name = kind === 'flow' ? `f${lane}-${i}` : kind === 'file' ? `/dir${lane % 3}/f${lane}-${i}.txt` : `K${lane}_${i}`;
        return { kind, ns, name };
      }),
    );
    const all = lanes.flat();
    let written = 0;
    let acknowledged = 0;
    try {
      for (let round = 0; round < KILLS; round++) {
        const { child, url, closed } = await startChild(dir);
        const base = `${url}/api/v1/main`;
        const killAfter = 20 + Math.floor(rnd() * 250);
        let answeredThisRound = 0;
        let dead = false;
        const lane = async (objects: Tracked[], laneNo: number) => {
          for (let n = 0; !dead; n++) {
            const o = objects[Math.floor(rnd() * objects.length)];
            // Values are never repeated, so what is read back says which write it came from.
            const value: Value = o.kind === 'kv' && o.acked != null && rnd() < 0.25 ? null : `r${round}-l${laneNo}-n${n}-${'v'.repeat(Math.floor(rnd() * 600))}`;
            o.pending = value;
            written++;
            let res: Response;
            let body: string;
            try {
              res = await send(base, o, value);
              body = await res.text();
            } catch {
              return; // the server is gone; o.pending stays: it may or may not have been applied
            }
            if (!res.ok) {
              if (dead) return; // answered by a server being killed
              throw new Error(`write of ${o.kind} ${o.ns} ${o.name} refused while the server ran: ${res.status} ${body}`);
            }
            o.acked = value;
            o.pending = undefined;
            acknowledged++;
            if (++answeredThisRound === killAfter) {
              dead = true;
              child.kill('SIGKILL');
            }
          }
        };
        try {
          await Promise.all(lanes.map((objects, i) => lane(objects, i)));
        } finally {
          dead = true;
          child.kill('SIGKILL');
          await closed;
        }

        // A server on the folder the kill left holds every acknowledged write.
        const check = await startKestraServer({ port: 0, dataDir: dir });
        try {
          const checkBase = `${check.url}/api/v1/main`;
          const wrong: string[] = [];
          for (const o of all) {
            if (o.acked === undefined && o.pending === undefined) continue;
            const got = await read(checkBase, o);
            // A KV key never written and one deleted read alike (404): for KV, absent is absent.
            const absentKv = (v: Value | undefined) => (o.kind === 'kv' && v === undefined ? null : v);
            const allowed = [absentKv(o.acked), ...(o.pending !== undefined ? [o.pending] : [])];
            if (!allowed.includes(got)) wrong.push(`${o.kind} ${o.ns} ${o.name}: read ${short(got)}, acknowledged ${short(o.acked)}${o.pending !== undefined ? `, in flight ${short(o.pending)}` : ''}`);
            // What was read is what a later write builds on.
            if (got !== o.acked) o.acked = got as Value;
            o.pending = undefined;
          }
          expect({ round, wrong }).toEqual({ round, wrong: [] });
        } finally {
          await check.close();
        }
      }
      expect(acknowledged).toBeGreaterThan(KILLS * 20);
      expect(written).toBeGreaterThan(acknowledged);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

function short(v: Value | undefined): string {
  return v === undefined ? 'nothing' : v === null ? 'deleted' : v.slice(0, 16);
}
