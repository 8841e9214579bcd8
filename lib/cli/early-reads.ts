/**
 * Reading Kestra before anything else. A plan (or drift) asks Kestra much the same GETs run after
 * run — each namespace's flow listing, its files' directory walk, its KV pages, a state kept in
 * KV — yet it can ask only once the synth is checked, the kept synth decoded and the state read:
 * a few hundred milliseconds of CPU with no request out, and a directory walk of dependent
 * rounds after it. So each plan and drift records the GETs its clients asked, per target, in
 * `.kestraform/early-reads.json`; the next one sends them first thing, within the usual in-flight
 * bound, while this process does that CPU work; the plan's client then takes each answer as it
 * asks the same GET (lib/kestra/early-thread.ts) — answers a moment older than its own would
 * be, as the read ahead's are (./read-ahead). Whatever it asks that was not recorded it asks as
 * always; an early answer nobody asks for is dropped.
 *
 * Only for the read-only commands (plan, drift: a write never rests on an early answer), only for
 * a named Kestra (KESTRA_URL or the stack's URL variable: the embedded server is opened by the
 * command itself), never for a stack of Enterprise objects (its first request checks the
 * server's edition), and the client is handed over only to a stack whose target settings and
 * resolved configuration (URL, tenant, credentials) are the ones the GETs were sent with. The
 * file holds the target settings (names of variables, never their values) and paths and queries
 * (namespaces, file paths, KV keys — what Git and the state hold too), never a body or a
 * credential. What is recorded is kept per choice of stacks (`--stack`, `--all-stacks`): a plan of
 * one environment's stack never sends the GETs another environment's plan asked, to its Kestra.
 * KESTRAFORM_EARLY_READS=0 turns it off.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { KestraClient, KestraClientOptions } from '../kestra/client';
import { askOnThread, getKey } from '../kestra/early-thread';
import { transportOptions } from '../kestra/transport-options';
import { clientConfigForTarget, DEFAULT_REQUESTS_IN_FLIGHT, type KestraClientConfig } from '../kestra/config';
import type { RecordedGet } from '../kestra/http';
import { requestNamespace } from '../kestra/request-namespace';
import type { TargetSettings } from '../model/settings';
import { writeFileAtomic } from '../util/atomic-write';

const FILE = path.join('.kestraform', 'early-reads.json');
const FORMAT = 2;
/** Choices of stacks kept in the file (the most recent ones). */
const MAX_SELECTIONS = 8;
/** A target whose plan asked more than this is not recorded: its replay would crowd out what the plan needs first. */
const MAX_RECORDED = 50_000;

interface RecordedTarget {
  target: TargetSettings;
  gets: RecordedGet[];
}

interface EarlyReadsFile {
  format: number;
  /** By choice of stacks (selectionKey): when it was recorded, and what its plan asked. */
  selections: Record<string, { at: string; targets: RecordedTarget[] }>;
}

interface EarlyClient {
  settingsKey: string;
  config: KestraClientConfig;
  client: KestraClient;
  taken: boolean;
}

interface Session {
  file: string;
  /** The file as read (undefined: none, or not one this version reads). */
  record?: EarlyReadsFile;
  /** The choice of stacks of this command. */
  selection: string;
  early: EarlyClient[];
  /** Every remote client the command opened, for the record. */
  opened: Array<{ target: TargetSettings; client: KestraClient; enterprise: boolean }>;
  env: NodeJS.ProcessEnv;
}

let session: Session | undefined;

/**
 * Starts the GETs recorded for this command line's choice of stacks (plan and drift call it first
 * thing), and records what this command asks (saveEarlyReads). Never throws: anything unexpected
 * only means nothing is read early.
 */
export function startEarlyReads(projectDir: string, argv: readonly string[], env: NodeJS.ProcessEnv = process.env): void {
  if (session || env.KESTRAFORM_EARLY_READS === '0') return;
  const s: Session = { file: path.join(projectDir, FILE), selection: selectionKey(argv), early: [], opened: [], env };
  session = s;
  try {
    const record = JSON.parse(fs.readFileSync(s.file, 'utf8')) as EarlyReadsFile;
    if (record.format !== FORMAT || typeof record.selections !== 'object' || !record.selections) return;
    s.record = record;
    for (const t of record.selections[s.selection]?.targets ?? []) {
      const config = clientConfigForTarget(t.target, env);
      if (!config) continue;
      const full = { ...config, maxInFlight: DEFAULT_REQUESTS_IN_FLIGHT };
      // The thread first, the client (and the APIs it loads) after: the GETs go out sooner.
      const reads = askOnThread(transportOptions(full), t.gets);
      const client = newClient(full);
      client.takeEarlyFromThread(reads);
      s.early.push({ settingsKey: JSON.stringify(t.target), config: full, client, taken: false });
    }
  } catch {
    // No record, a damaged one, or a variable the command will report itself: nothing early.
  }
}

/** The stacks a command line asks for (`--stack NAME`, repeatable; `--all-stacks`), as a key: naming none is a choice too. */
function selectionKey(argv: readonly string[]): string {
  const named: string[] = [];
  let all = false;
  const args = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
  args.forEach((a, i) => {
    if (a === '--stack' && i + 1 < args.length) named.push(args[i + 1]);
    else if (a.startsWith('--stack=')) named.push(a.slice('--stack='.length));
    else if (a === '--all-stacks') all = true;
  });
  return JSON.stringify({ stacks: [...new Set(named)].sort(), all });
}

/**
 * The client for a named Kestra (`config`, resolved from `target`): the early one when its GETs
 * were sent for these very settings and this configuration, else a new one. Recorded when the
 * command records (an Enterprise stack's target is not: see the module comment).
 */
export function remoteClient(target: TargetSettings, config: KestraClientConfig & { maxInFlight?: number }, enterprise: boolean): KestraClient {
  const s = session;
  if (!s) return newClient(config);
  const settingsKey = JSON.stringify(target);
  const early = enterprise ? undefined : s.early.find((e) => !e.taken && e.settingsKey === settingsKey && JSON.stringify(e.config) === JSON.stringify(config));
  if (early) early.taken = true;
  const client = early?.client ?? newClient(config);
  client.recordGets();
  s.opened.push({ target, client, enterprise });
  return client;
}

/** The client module loads only when a client is made (after the early thread is started). */
function newClient(options: KestraClientOptions): KestraClient {
  const { KestraClient } = require('../kestra/client') as typeof import('../kestra/client');
  return new KestraClient(options);
}

/** Writes what this command's clients asked, per target, for the next plan or drift (after a plan that succeeded). */
export function saveEarlyReads(): void {
  const s = session;
  if (!s) return;
  const byTarget = new Map<string, { target: TargetSettings; gets: Map<string, RecordedGet> }>();
  for (const o of s.opened) {
    if (o.enterprise) continue;
    const key = JSON.stringify(o.target);
    const entry = byTarget.get(key) ?? { target: o.target, gets: new Map() };
    byTarget.set(key, entry);
    for (const get of o.client.recordGets()) {
      const id = getKey(get);
      if (!entry.gets.has(id)) entry.gets.set(id, get);
    }
  }
  const kept = [...byTarget.values()].filter((t) => t.gets.size <= MAX_RECORDED);
  // Nothing to record and nothing recorded (the embedded server only): no file at all.
  if (!kept.length && !s.record?.selections[s.selection]) return;
  if (sameAsRecorded(s.record?.selections[s.selection]?.targets, kept)) return;
  const targets = kept.map((t) => ({ target: t.target, gets: byNamespace([...t.gets.values()]) }));
  const others = Object.entries(s.record?.selections ?? {})
    .filter(([key]) => key !== s.selection)
    .sort(([, a], [, b]) => (a.at < b.at ? 1 : -1))
    .slice(0, MAX_SELECTIONS - 1);
  const record: EarlyReadsFile = { format: FORMAT, selections: { ...Object.fromEntries(others), [s.selection]: { at: new Date().toISOString(), targets } } };
  try {
    writeFileAtomic(s.file, JSON.stringify(record), { makeParents: true });
    s.record = record;
  } catch {
    // Only a later command's head start is lost.
  }
}

/** Whether the file already holds these GETs for these targets (in whatever order): then it is not written again. */
function sameAsRecorded(recorded: RecordedTarget[] | undefined, targets: Array<{ target: TargetSettings; gets: Map<string, RecordedGet> }>): boolean {
  if (!Array.isArray(recorded) || recorded.length !== targets.length) return false;
  return recorded.every((r, i) => JSON.stringify(r.target) === JSON.stringify(targets[i].target) && r.gets.length === targets[i].gets.size && r.gets.every((g) => targets[i].gets.has(getKey(g))));
}

/**
 * The GETs namespace by namespace, in the order each namespace was first asked about (those about
 * none first): a plan asks every namespace's first listings, then the walks below them, so in
 * the order asked every namespace would be complete only near the end; replayed this way they
 * complete one after another, and each is planned while the next ones are read.
 */
function byNamespace(gets: RecordedGet[]): RecordedGet[] {
  const rank = new Map<string | undefined, number>([[undefined, -1]]);
  const ranked = gets.map((get, i) => {
    const ns = requestNamespace(get);
    if (!rank.has(ns)) rank.set(ns, rank.size);
    return { get, group: rank.get(ns)!, i };
  });
  return ranked.sort((a, b) => a.group - b.group || a.i - b.i).map((r) => r.get);
}

/** Ends the session: closes the early clients no stack took (their answers dropped). */
export async function endEarlyReads(): Promise<void> {
  const s = session;
  session = undefined;
  if (!s) return;
  if (s.env.KESTRAFORM_SYNTH_CACHE_DEBUG) {
    for (const e of s.early) process.stderr.write(`Read early: ${e.config.url} (tenant ${e.config.tenant}): ${e.taken ? `${e.client.earlyAnswers.taken} of ${e.client.earlyAnswers.asked} answers taken` : `${e.client.earlyAnswers.asked} asked, not taken`}\n`);
  }
  await Promise.allSettled(s.early.filter((e) => !e.taken).map((e) => e.client.close()));
}
