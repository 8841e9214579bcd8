/**
 * The tree index, like Git's: what reading a tree file gave (a flow checked, a namespace file's
 * hash, a kv.yaml parsed — with the problems the read reported), kept by the file's stat, so an
 * app run after an edit reads again only the files that changed.
 *
 * Only while kestraform runs the app and records what it reads (lib/project/input-recorder.js,
 * which also gives the stat and bytes to trust): an entry is the recorder's own note of a whole
 * read — the stat taken before the read and the sha256 of the bytes the app got — never one whose
 * stat was too recent to vouch for the bytes (changed within 3 s of being seen, which one
 * timestamp tick may hide). An entry is taken only when the file's size, modification and change
 * times, inode and device are still those, and it is then noted to the recorder as that read, so
 * the synth cache sees exactly what it would have seen had the file been read. The index file
 * (KESTRAFORM_TREE_INDEX, set by the CLI) is named by kestraform's code and Node's version:
 * another code's entries are never taken. An entry answers one question (the reader, its options
 * and context) about one file; anything unreadable is an empty index.
 */
import * as v8 from 'node:v8';
import { KESTRAFORM_VERSION } from '../version';
import { codeIdentity } from '../util/code-identity';
import { readKeyedFile, writeKeyedFile } from '../util/keyed-file';
import type { ReadContext } from './read-context';

/** The recorder's interface for the index (lib/project/input-recorder.js). */
interface Recorder {
  fileRead(abs: string): { st: number[]; sha256: string; racy: boolean } | undefined;
  knownRead(abs: string, st: number[], sha256: string): boolean;
}

/**
 * What one read added to the context besides what it returned: its problems and the YAML it left
 * out. A read that took an app, a test or a dashboard, or listed an object found, is not kept —
 * whether such an object is a duplicate depends on the files read before it.
 */
interface Effects {
  diagnostics: ReadContext['diagnostics'];
  otherYaml: ReadContext['otherYaml'];
}

interface Entry {
  st: number[];
  sha256: string;
  /** The answer and its effects, serialized when the file was read (what the app did with them later changes nothing here). */
  answer: Buffer;
}

const FORMAT = 2;

interface Index {
  file: string;
  header: string;
  /** By file and question — the reader and what else its answer depends on (two stacks may read one file, each in its own way). */
  kept: Map<string, Entry>;
  /** What this run took or added: the index written at exit. */
  next: Map<string, Entry>;
  changed: boolean;
  /** Reads answered from the index, and all reads asked of it. */
  taken: number;
  asked: number;
}

let index: Index | null | undefined;

function recorder(): Recorder | undefined {
  const r = (globalThis as { __kestraformInputRecorder?: unknown }).__kestraformInputRecorder;
  return r && typeof r === 'object' && typeof (r as Recorder).knownRead === 'function' ? (r as Recorder) : undefined;
}

function open(): Index | null {
  const file = process.env.KESTRAFORM_TREE_INDEX;
  if (!file || !recorder()) return null;
  const header = JSON.stringify({ format: FORMAT, kestraform: KESTRAFORM_VERSION, code: codeIdentity(), node: process.version });
  // None yet, another code's, or unreadable: every file is read.
  const kept = (readKeyedFile(file, (h) => h === header) as Map<string, Entry> | undefined) ?? new Map<string, Entry>();
  const opened: Index = { file, header, kept, next: new Map(), changed: false, taken: 0, asked: 0 };
  process.once('exit', () => save(opened));
  return opened;
}

/**
 * `read()` for the file at `abs` — or what it gave when the file was last read for the same
 * `question` and has not changed since, with what it reported then reported again. `keep`: whether
 * an answer may be written to the index at all.
 */
export function indexedRead<T>(ctx: ReadContext, abs: string, question: string, read: () => T, opts: { keep?: (value: T) => boolean } = {}): T {
  if (index === undefined) index = open();
  const r = recorder();
  if (!index || !r) return read();
  index.asked++;
  const key = `${abs}\0${question}`;
  // Several stacks over one tree ask the same question of a file in one run: each answer is made
  // anew from its bytes, so one read serves them all.
  const entry = index.next.get(key) ?? index.kept.get(key);
  if (entry) {
    let answer: { value: T; effects: Effects } | undefined;
    try {
      answer = v8.deserialize(entry.answer) as { value: T; effects: Effects };
    } catch {
      answer = undefined;
    }
    if (answer && r.knownRead(abs, entry.st, entry.sha256)) {
      index.next.set(key, entry);
      index.taken++;
      replay(ctx, answer.effects);
      return answer.value;
    }
  }
  const before = mark(ctx);
  const value = read();
  const noted = r.fileRead(abs);
  const effects = since(ctx, before);
  if (noted && !noted.racy && effects && (opts.keep?.(value) ?? true)) {
    try {
      index.next.set(key, { st: noted.st, sha256: noted.sha256, answer: v8.serialize({ value, effects }) });
      index.changed = true;
    } catch {
      // not plain data: not kept
    }
  }
  return value;
}

type Mark = { diagnostics: number; otherYaml: number; others: number };

const othersOf = (ctx: ReadContext) => ctx.found.length + ctx.objects.apps.length + ctx.objects.tests.length + ctx.objects.dashboards.length;

function mark(ctx: ReadContext): Mark {
  return { diagnostics: ctx.diagnostics.length, otherYaml: ctx.otherYaml.length, others: othersOf(ctx) };
}

/** The read's effects, or undefined when it took an object whose reading depends on other files. */
function since(ctx: ReadContext, m: Mark): Effects | undefined {
  if (othersOf(ctx) !== m.others) return undefined;
  return { diagnostics: ctx.diagnostics.slice(m.diagnostics), otherYaml: ctx.otherYaml.slice(m.otherYaml) };
}

function replay(ctx: ReadContext, e: Effects): void {
  ctx.diagnostics.push(...e.diagnostics);
  ctx.otherYaml.push(...e.otherYaml);
}

/** Writes what this run took or added (entries of files it did not look at are dropped), when that differs from what it found. */
function save(i: Index): void {
  if (process.env.KESTRAFORM_SYNTH_CACHE_DEBUG) process.stderr.write(`Tree index: ${i.taken} of ${i.asked} reads taken from it, ${i.next.size} entries kept\n`);
  if (!i.changed && i.next.size === i.kept.size) return;
  // Only a speed-up, checked entry by entry against the files: atomic, not durable.
  writeKeyedFile(i.file, i.header, i.next, { mode: 0o600, fsync: false, syncDirectory: false });
}
