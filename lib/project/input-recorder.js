'use strict';
/**
 * The input recorder: loaded into every Node process (and worker thread) of an app run through
 * `NODE_OPTIONS=--require <this file>` (see ./synth-cache), it notes what the app read, so a later
 * command can reuse the synth when none of it changed. Plain CommonJS JavaScript on purpose: it
 * loads before any loader (tsx) is in place.
 *
 * What it notes, per process and thread, in a file of its own in KESTRAFORM_INPUT_RECORD:
 * - files read (fs.readFileSync, readFile, promises.readFile, openSync + readSync; modules
 *   loaded go through these): the path, its stat taken before the bytes were read, and the
 *   sha256 of exactly the bytes the app got — a file read only in part (or opened through an
 *   API whose reads are not followed) is noted by its stat alone ("partial");
 * - directory listings (readdir*, opendir*): the names (and types) the app got;
 * - probes: stat, lstat, exists, access, realpath, readlink results, and every path found
 *   absent (a file appearing there later must count as a change);
 * - the names of the environment variables read (process.env is wrapped in a Proxy; values are
 *   never written: the parent digests them from the environment it passed), and whether the
 *   environment was enumerated;
 * - child processes and worker threads started, so the parent can check that each one was
 *   recorded too (a program it cannot see into means "do not reuse");
 * - doubts: anything the recorder could not follow. One doubt and the run is not reused.
 *
 * The main thread keeps its notes in memory and writes them at exit, ending with a `final` line
 * (no final line: the process died early — the parent then never reuses the run). Worker threads,
 * which can be terminated without running exit handlers, append each note as it is taken.
 * The recorder never changes what the app sees: every wrapped call returns what the original
 * returns, and a failure of the recorder itself becomes a doubt, never an error of the app.
 */
(function installInputRecorder() {
  const RECORD_DIR = process.env.KESTRAFORM_INPUT_RECORD;
  if (!RECORD_DIR || global.__kestraformInputRecorder) return;
  // Replaced by the recorder's interface for the app's tree index once the recorder is in place (below).
  global.__kestraformInputRecorder = true;

  const fs = require('fs');
  const path = require('path');
  const crypto = require('crypto');
  const Module = require('module');
  const { fileURLToPath } = require('url');
  let threadId = 0;
  let isMainThread = true;
  let workerThreads;
  try {
    workerThreads = require('worker_threads');
    ({ threadId, isMainThread } = workerThreads);
  } catch {
    // no worker threads: one thread
  }

  /** Where the app writes its output (the staging folder): not an input. */
  const OUT_DIR = process.env.CDKTF_OUTDIR ? path.resolve(process.env.CDKTF_OUTDIR) : undefined;
  /** The project's output folder: in a listing of its parent, it and the staging folders beside it are left out (every run replaces them). */
  const PUBLISHED = process.env.KESTRAFORM_INPUT_OUTPUT ? path.resolve(process.env.KESTRAFORM_INPUT_OUTPUT) : undefined;
  const START_MS = Date.now();
  /** A file changed this close to (or after) the moment it was seen may change again unseen within one timestamp tick. */
  const RACY_MS = 3000;

  const orig = {};
  for (const name of ['readFileSync', 'readFile', 'openSync', 'open', 'readSync', 'read', 'closeSync', 'close', 'fstatSync', 'readdirSync', 'readdir', 'opendirSync', 'opendir', 'statSync', 'stat', 'lstatSync', 'lstat', 'existsSync', 'exists', 'accessSync', 'access', 'realpathSync', 'realpath', 'readlinkSync', 'readlink', 'createReadStream', 'writeSync', 'mkdirSync']) {
    orig[name] = fs[name];
  }
  const origRealpathNative = fs.realpathSync.native;
  const origRealpathAsyncNative = fs.realpath.native;
  const p = fs.promises;
  const origP = {};
  for (const name of ['readFile', 'readdir', 'opendir', 'stat', 'lstat', 'access', 'realpath', 'readlink', 'open']) origP[name] = p[name];

  // ---- the notes ----
  const files = new Map(); // abs → { st, sha256 | undefined (partial), strict }
  const probes = new Map(); // kind \0 abs → value
  const dirs = new Map(); // abs \0 opts → { abs, opts, names }
  const envNames = new Set();
  let envEnumerated = false;
  const children = [];
  const workers = [];
  const doubts = [];
  const modulesSeen = new Set();
  const resolutionDirs = new Set();

  const recordFile = path.join(RECORD_DIR, `${process.pid}-${threadId}.jsonl`);
  let logFd;
  let finalized = false;
  /** Notes are appended at once (worker threads, and anything after the main thread's exit). */
  const eager = () => !isMainThread || finalized;

  function writeLine(obj) {
    const line = Buffer.from(JSON.stringify(obj) + '\n');
    if (logFd === undefined) logFd = orig.openSync.call(fs, recordFile, 'a', 0o600);
    orig.writeSync.call(fs, logFd, line);
  }

  function note(kind, data) {
    if (eager()) {
      try {
        writeLine([kind, data]);
      } catch (e) {
        // cannot even write: the missing final line (or this gap) must not pass as complete
        if (!isMainThread) throw e;
      }
    }
  }

  function doubt(message) {
    doubts.push(message);
    note('doubt', message);
  }

  /** Runs recording code; its own failures become doubts. */
  function guard(fn) {
    try {
      fn();
    } catch (e) {
      try {
        doubt(`the input recorder failed: ${(e && e.message) || e}`);
      } catch {
        // nothing more to do
      }
    }
  }

  let busy = 0; // inside a wrapped call: the inner calls it makes are not the app's

  const plainAbsolute = path.sep === '/' ? /^\/(?!.*(?:\/\.{1,2}(?:\/|$)|\/\/|\/$))/ : undefined;
  function toAbs(p) {
    if (typeof p === 'string') return plainAbsolute && plainAbsolute.test(p) ? p : path.resolve(p);
    if (Buffer.isBuffer(p)) {
      const s = p.toString('utf8');
      return s.includes('\uFFFD') ? undefined : path.resolve(s);
    }
    if (p && typeof p === 'object' && typeof p.href === 'string' && p.protocol === 'file:') return fileURLToPath(p);
    return undefined;
  }

  // Not inputs: the app's own output folder, this recorder's folder, and the TypeScript compile
  // caches — tsx's (an entry is found by the sha1 of the source file's text, its path, the
  // compile options and the tsx and esbuild versions; its entries are also named by the current
  // day) and kestraform's own (bin/ts-source-loader.js: by the sha256 of the same) — so whether
  // an entry hits changes nothing of what the app does; the source files themselves are inputs.
  // The app's tree index (lib/gittree/tree-index.ts) is no input either: what it gives the app is
  // noted as read through knownRead (below), by the stat and bytes it stands for.
  const TREE_INDEX = process.env.KESTRAFORM_TREE_INDEX ? path.resolve(process.env.KESTRAFORM_TREE_INDEX) : undefined;
  const NOT_INPUTS = [RECORD_DIR, OUT_DIR];
  if (typeof process.geteuid === 'function') {
    const tmp = require('os').tmpdir();
    NOT_INPUTS.push(path.join(tmp, `tsx-${process.geteuid()}`), path.join(tmp, 'tsx'), path.join(tmp, `kestraform-ts-${process.getuid()}`));
  }
  const excluded = (abs) => NOT_INPUTS.some((d) => d !== undefined && (abs === d || abs.startsWith(d + path.sep))) || abs === TREE_INDEX;

  function statRecord(st) {
    return [st.size, st.mtimeMs, st.ctimeMs, st.ino, st.dev];
  }
  /** Stats noted with the moment they were taken: whether they are racy is judged against that moment. */
  // (Times as the float milliseconds of fs.Stats: exact enough — a tick of file times is far
  // coarser than their sub-microsecond rounding — and much cheaper than BigInt stats.)
  const seen = (st) => Object.assign(st, { seenMs: Date.now() });
  const racy = (st) => (st.seenMs !== undefined ? st.seenMs : Date.now()) - Math.max(st.mtimeMs, st.ctimeMs) < RACY_MS;
  /** Changed after the process started (or just before it): what was seen late may differ from what was used. */
  const changedDuringRun = (st) => Math.max(st.mtimeMs, st.ctimeMs) >= START_MS - RACY_MS;
  const sha256 = (data) => crypto.createHash('sha256').update(data).digest('hex');

  /** A file the app read: its stat as seen before the read, and the digest of the bytes it got (undefined: not all of them). */
  function recordRead(abs, st, sha, strict) {
    if (excluded(abs)) return;
    const entry = { st: statRecord(st), racy: racy(st), sha256: sha, strict: !!strict };
    const prev = files.get(abs);
    if (prev) {
      if (prev.sha256 !== undefined && sha !== undefined && prev.sha256 !== sha) doubt(`${abs} changed while the app ran (read twice, different bytes)`);
      else if (prev.st.join() !== entry.st.join()) doubt(`${abs} changed while the app ran`);
      if (prev.sha256 === undefined && sha !== undefined && prev.st.join() === entry.st.join()) {
        prev.sha256 = sha;
        note('file', fileRow(abs, prev));
      }
      if (strict && !prev.strict) {
        prev.strict = true;
        note('file', fileRow(abs, prev));
      }
      return;
    }
    files.set(abs, entry);
    note('file', fileRow(abs, entry));
  }

  /**
   * For the app's tree index (main thread only): `fileRead` tells what was noted of a file read
   * whole — its stat taken before the read, the sha256 of the bytes the app got, and whether that
   * stat is too recent to vouch for them; `knownRead` notes a file as read with the bytes of
   * `sha` when its stat is still `st` (as fileRead gave it), without the app reading it, and
   * tells whether it was.
   */
  if (isMainThread) {
    global.__kestraformInputRecorder = {
      fileRead(abs) {
        const e = files.get(abs);
        return e && e.sha256 !== undefined && !e.strict ? { st: e.st.slice(), sha256: e.sha256, racy: e.racy } : undefined;
      },
      knownRead(abs, st, sha) {
        let same = false;
        guard(() => {
          const now = orig.statSync.call(fs, abs, { throwIfNoEntry: false });
          same = !!now && now.isFile() && statRecord(now).join() === st.join();
          if (same) recordRead(abs, seen(now), sha, false);
        });
        return same;
      },
    };
  }

  /** A file as written: [path, size, mtimeMs, ctimeMs, ino, dev, sha256 or '' (known by its stat alone), flags: r racy, s strict]. */
  const fileRow = (abs, e) => [abs, ...e.st, e.sha256 || '', `${e.racy ? 'r' : ''}${e.strict ? 's' : ''}`];
  /** A listing as written: [folder, 't' with types / 'r' recursive, sha256 of its names] (the same digest as lib/project/synth-cache.ts listingDigest). */
  function dirRow(e) {
    let names = e.names;
    if (PUBLISHED !== undefined && e.abs === path.dirname(PUBLISHED)) {
      const base = path.basename(PUBLISHED);
      names = names.filter((n) => {
        const first = n.split('\0')[0].split(path.sep)[0];
        return first !== base && !first.startsWith(`.${base}.`);
      });
    }
    return [e.abs, `${e.opts.withFileTypes ? 't' : ''}${e.opts.recursive ? 'r' : ''}`, crypto.createHash('sha256').update(names.join('\n')).digest('hex')];
  }

  function recordProbe(kind, abs, value) {
    if (abs === undefined) {
      doubt(`a ${kind} of a path the recorder cannot name`);
      return;
    }
    if (excluded(abs)) return;
    const key = `${kind}\0${abs}`;
    const prev = probes.get(key);
    const json = JSON.stringify(value);
    if (prev !== undefined) {
      if (prev !== json) doubt(`${abs} changed while the app ran (${kind})`);
      return;
    }
    probes.set(key, json);
    note('probe', [kind, abs, value]);
  }

  const MISSING = new Set(['ENOENT', 'ENOTDIR']);
  /** A failed look at a path: absent is an input like any other; another failure is a doubt. */
  function recordFailure(kind, abs, e) {
    const code = e && e.code;
    if (MISSING.has(code)) recordProbe('absent', abs, true);
    else if (abs !== undefined && excluded(abs)) return;
    else doubt(`${kind} of ${abs ?? 'a path'} failed (${code || (e && e.message)})`);
  }

  function typeOf(x) {
    if (x.isFile()) return 'f';
    if (x.isDirectory()) return 'd';
    if (x.isSymbolicLink()) return 'l';
    return 'o';
  }
  /** What a stat told the app: a directory's type only (its entries are followed by the listings the app read); a file's type, size, mode and mtime. */
  function statProbe(st) {
    const t = typeOf(st);
    if (t === 'd') return ['d'];
    const ms = typeof st.mtimeNs === 'bigint' ? String(st.mtimeNs / 1000000n) : String(Math.floor(Number(st.mtimeMs)));
    return [t, Number(st.size), Number(st.mode) & 0o7777, ms];
  }

  function listingOpts(options) {
    const o = typeof options === 'string' ? { encoding: options } : options || {};
    return { withFileTypes: !!o.withFileTypes, recursive: !!o.recursive, buffer: o.encoding === 'buffer' };
  }
  function recordListing(abs, opts, result) {
    if (abs === undefined) {
      doubt('a listing of a folder the recorder cannot name');
      return;
    }
    if (excluded(abs)) return;
    if (opts.buffer) {
      doubt(`${abs} listed with Buffer names`);
      return;
    }
    const names = result.map((e) => {
      if (typeof e === 'string') return e;
      const parent = e.parentPath || e.path;
      const rel = opts.recursive && parent ? path.relative(abs, parent) : '';
      return `${rel ? rel + path.sep : ''}${e.name}\0${typeOf(e)}`;
    });
    names.sort();
    const key = `${abs}\0${opts.withFileTypes ? 't' : ''}${opts.recursive ? 'r' : ''}`;
    const prev = dirs.get(key);
    if (prev) {
      if (prev.names.join('/') !== names.join('/')) doubt(`${abs} changed while the app ran (listed twice, different entries)`);
      return;
    }
    const entry = { abs, opts: { withFileTypes: opts.withFileTypes, recursive: opts.recursive }, names };
    dirs.set(key, entry);
    note('dir', dirRow(entry));
  }

  const isReadFlags = (flags) => {
    if (flags === undefined || flags === null) return true;
    if (typeof flags === 'string') return flags === 'r' || flags === 'rs' || flags === 'sr';
    if (typeof flags === 'number') return (flags & (fs.constants.O_WRONLY | fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_TRUNC | fs.constants.O_APPEND)) === 0;
    return false;
  };

  // ---- whole-file reads ----
  const tracked = new Map(); // fd → { abs, st, hash, pos, mode, partial, strict }

  /** The absolute path of a file about to be read, and its stat taken now (none when excluded); a failure is a doubt. */
  function whereBeforeRead(file) {
    let abs;
    let st;
    guard(() => {
      abs = toAbs(file);
      if (abs !== undefined && !excluded(abs)) st = statBeforeRead(abs);
    });
    return { abs, st };
  }

  function statBeforeRead(abs) {
    try {
      return seen(orig.statSync.call(fs, abs));
    } catch {
      return undefined;
    }
  }

  function encodingOf(options) {
    const enc = typeof options === 'string' ? options : options && options.encoding;
    return enc && enc !== 'buffer' ? enc : undefined;
  }
  function flagOf(options) {
    return options && typeof options === 'object' ? options.flag : undefined;
  }

  fs.readFileSync = function readFileSync(file, options) {
    if (busy) return orig.readFileSync.apply(this, arguments);
    if (typeof file === 'number') {
      guard(() => {
        const t = tracked.get(file);
        if (t) t.partial = true;
        else doubt(`readFileSync of file descriptor ${file}, which the recorder did not see opened`);
      });
      return orig.readFileSync.apply(this, arguments);
    }
    if (!isReadFlags(flagOf(options))) return orig.readFileSync.apply(this, arguments);
    const { abs, st } = whereBeforeRead(file);
    busy++;
    let data;
    try {
      const flag = flagOf(options);
      data = orig.readFileSync.call(this, file, flag ? { flag } : undefined);
    } catch (e) {
      guard(() => recordFailure('read', abs, e));
      throw e;
    } finally {
      busy--;
    }
    guard(() => {
      if (abs === undefined) doubt('a file read through a path the recorder cannot name');
      else if (excluded(abs)) return;
      else if (!st) doubt(`${abs} appeared while it was read`);
      else recordRead(abs, st, sha256(data));
    });
    const enc = encodingOf(options);
    return enc ? data.toString(enc) : data;
  };

  fs.readFile = function readFile(file, options, callback) {
    if (typeof options === 'function') {
      callback = options;
      options = undefined;
    }
    if (busy || typeof callback !== 'function' || typeof file === 'number' || !isReadFlags(flagOf(options))) {
      if (typeof file === 'number') guard(() => doubt(`readFile of file descriptor ${file}`));
      return orig.readFile.apply(this, arguments);
    }
    const { abs, st } = whereBeforeRead(file);
    const flag = flagOf(options);
    const enc = encodingOf(options);
    const signal = options && typeof options === 'object' ? options.signal : undefined;
    return orig.readFile.call(this, file, { flag, signal }, (err, data) => {
      if (err) {
        guard(() => recordFailure('read', abs, err));
        return callback(err);
      }
      guard(() => {
        if (abs === undefined) doubt('a file read through a path the recorder cannot name');
        else if (excluded(abs)) return;
        else if (!st) doubt(`${abs} appeared while it was read`);
        else recordRead(abs, st, sha256(data));
      });
      callback(null, enc ? data.toString(enc) : data);
    });
  };

  p.readFile = async function readFile(file, options) {
    if (typeof file !== 'string' && !Buffer.isBuffer(file) && !(file && typeof file === 'object' && typeof file.href === 'string')) {
      guard(() => doubt('promises.readFile of a FileHandle'));
      return origP.readFile.apply(this, arguments);
    }
    if (!isReadFlags(flagOf(options))) return origP.readFile.apply(this, arguments);
    const { abs, st } = whereBeforeRead(file);
    const flag = flagOf(options);
    const signal = options && typeof options === 'object' ? options.signal : undefined;
    let data;
    try {
      data = await origP.readFile.call(this, file, { flag, signal });
    } catch (e) {
      guard(() => recordFailure('read', abs, e));
      throw e;
    }
    guard(() => {
      if (abs === undefined) doubt('a file read through a path the recorder cannot name');
      else if (excluded(abs)) return;
      else if (!st) doubt(`${abs} appeared while it was read`);
      else recordRead(abs, st, sha256(data));
    });
    const enc = encodingOf(options);
    return enc ? data.toString(enc) : data;
  };

  // ---- reads through a file descriptor ----
  fs.openSync = function openSync(file, flags) {
    if (busy || !isReadFlags(flags)) return orig.openSync.apply(this, arguments);
    let abs;
    guard(() => (abs = toAbs(file)));
    let fd;
    try {
      fd = orig.openSync.apply(this, arguments);
    } catch (e) {
      guard(() => recordFailure('open', abs, e));
      throw e;
    }
    guard(() => {
      if (abs === undefined) return doubt('a file opened through a path the recorder cannot name');
      if (excluded(abs)) return;
      const st = seen(orig.fstatSync.call(fs, fd));
      if (st.isFile()) tracked.set(fd, { abs, st, hash: crypto.createHash('sha256'), pos: 0, mode: undefined, partial: false, strict: false, eof: false });
      else if (!st.isDirectory()) doubt(`${abs} opened, not a regular file`);
    });
    return fd;
  };

  fs.readSync = function readSync(fd, buffer, offsetOrOptions, length, position) {
    const n = orig.readSync.apply(this, arguments);
    const t = busy ? undefined : tracked.get(fd);
    if (t && !t.partial) {
      const argc = arguments.length;
      guard(() => {
        let offset = 0;
        let pos = null;
        if (argc <= 2) {
          // readSync(fd, buffer): from the current position into the whole buffer
        } else if (offsetOrOptions !== null && typeof offsetOrOptions === 'object') {
          offset = offsetOrOptions.offset || 0;
          pos = offsetOrOptions.position === undefined ? null : offsetOrOptions.position;
        } else {
          offset = offsetOrOptions || 0;
          pos = position === undefined ? null : position;
        }
        const sequential = pos === null || (typeof pos === 'number' && pos < 0) || (typeof pos === 'bigint' && pos < 0n);
        const mode = sequential ? 'seq' : 'pos';
        if (t.mode === undefined) t.mode = mode;
        if (t.mode !== mode || (!sequential && Number(pos) !== t.pos)) {
          t.partial = true;
          return;
        }
        if (n > 0) t.hash.update(Buffer.from(buffer.buffer, buffer.byteOffset + offset, n));
        else t.eof = true;
        t.pos += n;
      });
    }
    return n;
  };

  // Reads the bytes of which are not followed: the file then counts by its stat alone.
  for (const name of ['read', 'readv', 'readvSync']) {
    const fn = fs[name];
    if (typeof fn !== 'function') continue;
    fs[name] = function (fd) {
      if (!busy && tracked.has(fd)) guard(() => (tracked.get(fd).partial = true));
      return fn.apply(this, arguments);
    };
  }
  const origFstat = fs.fstat;
  fs.fstat = function fstat(fd) {
    if (!busy && tracked.has(fd)) guard(() => (tracked.get(fd).strict = true));
    return origFstat.apply(this, arguments);
  };

  fs.fstatSync = function fstatSync(fd) {
    // What fstat tells (a size, a time) is known to the app beyond the bytes it read.
    if (!busy && tracked.has(fd)) guard(() => (tracked.get(fd).strict = true));
    return orig.fstatSync.apply(this, arguments);
  };

  function finish(fd) {
    const t = tracked.get(fd);
    if (!t) return;
    tracked.delete(fd);
    guard(() => {
      const whole = !t.partial && (t.eof || t.pos === Number(t.st.size));
      recordRead(t.abs, t.st, whole ? t.hash.digest('hex') : undefined, t.strict);
    });
  }

  fs.closeSync = function closeSync(fd) {
    if (!busy) finish(fd);
    return orig.closeSync.apply(this, arguments);
  };
  fs.close = function close(fd) {
    if (!busy) finish(fd);
    return orig.close.apply(this, arguments);
  };

  /** An open whose reads are not followed (callback, promises, streams): the file counts by its stat alone, taken now. */
  function openedUnfollowed(kind, file, flags) {
    if (busy || !isReadFlags(flags)) return;
    guard(() => {
      const abs = toAbs(file);
      if (abs === undefined) return doubt(`a ${kind} of a path the recorder cannot name`);
      if (excluded(abs)) return;
      const st = statBeforeRead(abs);
      if (!st) recordProbe('absent', abs, true);
      else if (st.isFile()) recordRead(abs, st, undefined, true);
    });
  }
  fs.open = function open(file, flags) {
    openedUnfollowed('open', file, typeof flags === 'function' ? undefined : flags);
    return orig.open.apply(this, arguments);
  };
  p.open = function open(file, flags) {
    openedUnfollowed('open', file, flags);
    return origP.open.apply(this, arguments);
  };
  fs.createReadStream = function createReadStream(file, options) {
    if (typeof file !== 'number') openedUnfollowed('read stream', file, typeof options === 'object' && options ? options.flags : undefined);
    busy++;
    try {
      return orig.createReadStream.apply(this, arguments);
    } finally {
      busy--;
    }
  };

  // ---- listings ----
  fs.readdirSync = function readdirSync(dir, options) {
    if (busy) return orig.readdirSync.apply(this, arguments);
    let result;
    busy++;
    try {
      result = orig.readdirSync.apply(this, arguments);
    } catch (e) {
      guard(() => recordFailure('listing', toAbs(dir), e));
      throw e;
    } finally {
      busy--;
    }
    guard(() => recordListing(toAbs(dir), listingOpts(options), result));
    return result;
  };
  fs.readdir = function readdir(dir, options, callback) {
    if (typeof options === 'function') {
      callback = options;
      options = undefined;
    }
    if (busy || typeof callback !== 'function') return orig.readdir.apply(this, arguments);
    return orig.readdir.call(this, dir, options, (err, result) => {
      if (err) guard(() => recordFailure('listing', toAbs(dir), err));
      else guard(() => recordListing(toAbs(dir), listingOpts(options), result));
      callback(err, result);
    });
  };
  p.readdir = async function readdir(dir, options) {
    let result;
    try {
      result = await origP.readdir.apply(this, arguments);
    } catch (e) {
      guard(() => recordFailure('listing', toAbs(dir), e));
      throw e;
    }
    guard(() => recordListing(toAbs(dir), listingOpts(options), result));
    return result;
  };
  /** An opened Dir is read entry by entry: the listing is taken now, before the app reads any. */
  function listingNow(dir) {
    guard(() => {
      const abs = toAbs(dir);
      let result;
      try {
        result = orig.readdirSync.call(fs, abs, { withFileTypes: true });
      } catch (e) {
        return recordFailure('listing', abs, e);
      }
      recordListing(abs, { withFileTypes: true, recursive: false, buffer: false }, result);
    });
  }
  fs.opendirSync = function opendirSync(dir) {
    if (!busy) listingNow(dir);
    return orig.opendirSync.apply(this, arguments);
  };
  fs.opendir = function opendir(dir) {
    if (!busy) listingNow(dir);
    return orig.opendir.apply(this, arguments);
  };
  p.opendir = function opendir(dir) {
    listingNow(dir);
    return origP.opendir.apply(this, arguments);
  };

  // ---- probes ----
  function wrapStatSync(name, kind) {
    fs[name] = function (file, options) {
      if (busy) return orig[name].apply(this, arguments);
      let st;
      try {
        st = orig[name].apply(this, arguments);
      } catch (e) {
        guard(() => recordFailure(kind, toAbs(file), e));
        throw e;
      }
      guard(() => {
        if (st === undefined) recordProbe('absent', toAbs(file), true);
        else recordProbe(kind, toAbs(file), statProbe(st));
      });
      return st;
    };
  }
  wrapStatSync('statSync', 'stat');
  wrapStatSync('lstatSync', 'lstat');

  function wrapCallback(name, kind, value) {
    fs[name] = function (file) {
      const args = Array.from(arguments);
      const cb = args[args.length - 1];
      if (busy || typeof cb !== 'function') return orig[name].apply(this, arguments);
      args[args.length - 1] = function (err, result) {
        if (err) guard(() => recordFailure(kind, toAbs(file), err));
        else guard(() => recordProbe(kind, toAbs(file), value(result, args)));
        return cb.apply(this, arguments);
      };
      return orig[name].apply(this, args);
    };
  }
  wrapCallback('stat', 'stat', (st) => statProbe(st));
  wrapCallback('lstat', 'lstat', (st) => statProbe(st));
  wrapCallback('access', 'access', (_r, args) => (typeof args[1] === 'number' ? args[1] : 0));
  wrapCallback('realpath', 'realpath', (r) => String(r));
  wrapCallback('readlink', 'readlink', (r) => String(r));

  function wrapPromise(name, kind, value) {
    p[name] = async function (file) {
      const args = arguments;
      let result;
      try {
        result = await origP[name].apply(this, args);
      } catch (e) {
        guard(() => recordFailure(kind, toAbs(file), e));
        throw e;
      }
      guard(() => recordProbe(kind, toAbs(file), value(result, args)));
      return result;
    };
  }
  wrapPromise('stat', 'stat', (st) => statProbe(st));
  wrapPromise('lstat', 'lstat', (st) => statProbe(st));
  wrapPromise('access', 'access', (_r, args) => (typeof args[1] === 'number' ? args[1] : 0));
  wrapPromise('realpath', 'realpath', (r) => String(r));
  wrapPromise('readlink', 'readlink', (r) => String(r));

  fs.existsSync = function existsSync(file) {
    const r = orig.existsSync.apply(this, arguments);
    if (!busy) guard(() => recordProbe(r ? 'exists' : 'absent', toAbs(file), true));
    return r;
  };
  fs.exists = function exists(file, cb) {
    if (busy || typeof cb !== 'function') return orig.exists.apply(this, arguments);
    return orig.exists.call(this, file, (r) => {
      guard(() => recordProbe(r ? 'exists' : 'absent', toAbs(file), true));
      cb(r);
    });
  };
  fs.accessSync = function accessSync(file, mode) {
    if (busy) return orig.accessSync.apply(this, arguments);
    try {
      orig.accessSync.apply(this, arguments);
    } catch (e) {
      guard(() => recordFailure('access', toAbs(file), e));
      throw e;
    }
    guard(() => recordProbe('access', toAbs(file), typeof mode === 'number' ? mode : 0));
  };
  function wrapValueSync(name, kind, origFn) {
    const wrapped = function (file) {
      if (busy) return origFn.apply(this, arguments);
      let r;
      busy++;
      try {
        r = origFn.apply(this, arguments);
      } catch (e) {
        guard(() => recordFailure(kind, toAbs(file), e));
        throw e;
      } finally {
        busy--;
      }
      guard(() => recordProbe(kind, toAbs(file), String(r)));
      return r;
    };
    return wrapped;
  }
  fs.realpathSync = wrapValueSync('realpathSync', 'realpath', orig.realpathSync);
  fs.realpathSync.native = wrapValueSync('realpathSync.native', 'realpath', origRealpathNative);
  const realpathCb = fs.realpath;
  realpathCb.native = function (file, options, cb) {
    const done = typeof options === 'function' ? options : cb;
    if (busy || typeof done !== 'function') return origRealpathAsyncNative.apply(this, arguments);
    const wrappedCb = (err, r) => {
      if (err) guard(() => recordFailure('realpath', toAbs(file), err));
      else guard(() => recordProbe('realpath', toAbs(file), String(r)));
      done(err, r);
    };
    return typeof options === 'function' ? origRealpathAsyncNative.call(this, file, wrappedCb) : origRealpathAsyncNative.call(this, file, options, wrappedCb);
  };
  fs.readlinkSync = wrapValueSync('readlinkSync', 'readlink', orig.readlinkSync);

  // ---- module loading: what resolution looked at ----
  // Node's resolver probes candidate files (extensions, index files) through internal calls the
  // wrappers above do not see: a file appearing beside a module could change what a request
  // resolves to. So before a relative or absolute request resolves, unless it names an existing
  // file exactly (which Node takes first, and whose existence is noted), the folders it may look
  // in are listed — before, so nothing that changes after the listing can go unseen.
  const origResolve = Module._resolveFilename;
  function listResolutionDir(dir) {
    if (resolutionDirs.has(dir)) return;
    resolutionDirs.add(dir);
    let result;
    try {
      result = orig.readdirSync.call(fs, dir, { withFileTypes: true });
    } catch (e) {
      return recordFailure('listing', dir, e);
    }
    recordListing(dir, { withFileTypes: true, recursive: false, buffer: false }, result);
  }
  Module._resolveFilename = function _resolveFilename(request, parent) {
    if (!busy && typeof request === 'string' && (request.startsWith('.') || path.isAbsolute(request))) {
      guard(() => {
        const base = parent && parent.filename ? path.dirname(parent.filename) : process.cwd();
        const target = path.resolve(base, request);
        if (resolutionDirs.has(target)) return;
        const st = statBeforeRead(target);
        if (st && st.isFile() && !/[\\/]$/.test(request)) {
          recordProbe('exists', target, true);
          return;
        }
        listResolutionDir(path.dirname(target));
        if (st && st.isDirectory()) listResolutionDir(target);
        else if (!st) recordProbe('absent', target, true);
      });
    }
    return origResolve.apply(this, arguments);
  };
  // Loading a .js module, Node reads its package scope (the nearest package.json: "type",
  // "imports") through an internal reader. That file, and every place a nearer one would be
  // found, are noted first — before Node looks.
  const scopes = new Set();
  function noteScope(dir) {
    for (let d = dir; !scopes.has(d); d = path.dirname(d)) {
      scopes.add(d);
      if (path.basename(d) === 'node_modules') return;
      const pkg = path.join(d, 'package.json');
      const st = statBeforeRead(pkg);
      if (st && st.isFile()) {
        let data;
        try {
          data = orig.readFileSync.call(fs, pkg);
        } catch (e) {
          return recordFailure('read', pkg, e);
        }
        return recordRead(pkg, st, sha256(data));
      }
      if (!st) recordProbe('absent', pkg, true);
      if (path.dirname(d) === d) return;
    }
  }
  const origJs = Module._extensions['.js'];
  if (origJs) {
    Module._extensions['.js'] = function (module, filename) {
      if (!busy) guard(() => noteScope(path.dirname(path.resolve(filename))));
      return origJs.apply(this, arguments);
    };
  }
  const origNative = Module._extensions['.node'];
  if (origNative) {
    Module._extensions['.node'] = function (module, filename) {
      guard(() => {
        const st = statBeforeRead(filename);
        if (st) recordRead(path.resolve(filename), st, undefined, true);
        else doubt(`native module ${filename} could not be stat'ed`);
        modulesSeen.add(path.resolve(filename));
      });
      return origNative.apply(this, arguments);
    };
  }

  // ---- the environment ----
  const realEnv = process.env;
  let spawning = 0;
  function readEnv(name) {
    if (envNames.has(name)) return;
    envNames.add(name);
    if (eager()) guard(() => note('env', [name]));
  }
  const envProxy = new Proxy(realEnv, {
    get(target, name) {
      if (typeof name === 'string' && !busy) readEnv(name);
      return Reflect.get(target, name);
    },
    has(target, name) {
      if (typeof name === 'string' && !busy) readEnv(name);
      return Reflect.has(target, name);
    },
    getOwnPropertyDescriptor(target, name) {
      if (typeof name === 'string' && !busy && !spawning) readEnv(name);
      return Reflect.getOwnPropertyDescriptor(target, name);
    },
    ownKeys(target) {
      if (!busy && !spawning && !envEnumerated) {
        envEnumerated = true;
        note('envAll', true);
      }
      return Reflect.ownKeys(target);
    },
    set(target, name, value) {
      return Reflect.set(target, name, value);
    },
    deleteProperty(target, name) {
      return Reflect.deleteProperty(target, name);
    },
    defineProperty(target, name, desc) {
      return Reflect.defineProperty(target, name, desc);
    },
  });
  let envReplaced = false;
  try {
    process.env = envProxy;
    envReplaced = process.env === envProxy;
  } catch {
    envReplaced = false;
  }
  if (!envReplaced) doubt('process.env could not be wrapped');

  // What Node reads from the environment in C++ (the home folder, the time zone, the locale)
  // never passes through process.env: os.homedir and friends are followed here.
  const os = require('os');
  const origHomedir = os.homedir;
  os.homedir = function homedir() {
    readEnv('HOME');
    readEnv('USERPROFILE');
    return origHomedir.apply(this, arguments);
  };
  const origUserInfo = os.userInfo;
  os.userInfo = function userInfo() {
    doubt('os.userInfo() read the user database');
    return origUserInfo.apply(this, arguments);
  };

  // ---- child processes and worker threads ----
  const cp = require('child_process');
  /** A child that is a pure function of what it is sent: esbuild's transform service (tsx starts it to compile TypeScript). */
  function pureChild(file, args) {
    return typeof file === 'string' && /[\\/](?:@esbuild[\\/][^\\/]+[\\/]bin[\\/]esbuild|esbuild[\\/]bin[\\/]esbuild)(?:\.exe)?$/.test(file) && Array.isArray(args) && args.some((a) => typeof a === 'string' && a.startsWith('--service='));
  }
  for (const name of ['spawn', 'spawnSync', 'execFile', 'execFileSync', 'exec', 'execSync', 'fork']) {
    const fn = cp[name];
    if (typeof fn !== 'function') continue;
    cp[name] = function () {
      const args = Array.from(arguments);
      spawning++;
      let result;
      try {
        result = fn.apply(this, arguments);
      } finally {
        spawning--;
      }
      guard(() => {
        let file = args[0];
        const argv = Array.isArray(args[1]) ? args[1] : [];
        if (name === 'fork') file = process.execPath;
        const pure = pureChild(file, argv);
        if (pure) {
          const st = statBeforeRead(file);
          if (st) recordRead(path.resolve(file), st, undefined, true);
        }
        const pid = result && typeof result === 'object' ? result.pid : undefined;
        if (pid === undefined && !pure) {
          doubt(`${name}(${JSON.stringify(String(file))}): a child process whose pid the recorder cannot follow`);
          return;
        }
        const child = { pid, file: String(file), pure };
        children.push(child);
        note('child', child);
      });
      return result;
    };
  }
  if (workerThreads && typeof workerThreads.Worker === 'function') {
    const OrigWorker = workerThreads.Worker;
    workerThreads.Worker = class Worker extends OrigWorker {
      constructor(...args) {
        // The Worker copies process.env for the thread: passed on, not read.
        spawning++;
        try {
          super(...args);
        } finally {
          spawning--;
        }
        const id = this.threadId;
        guard(() => {
          workers.push(id);
          note('worker', id);
        });
      }
    };
  }

  // ---- ES module loader hooks run on a thread of their own, which the recorder does not see ----
  if (typeof Module.register === 'function') {
    const origRegister = Module.register;
    Module.register = function register(specifier) {
      guard(() => doubt(`module loader hooks were registered (${String(specifier)}); what they read is not followed`));
      return origRegister.apply(this, arguments);
    };
  }
  const loaderFlags = [...process.execArgv, ...(realEnv.NODE_OPTIONS || '').split(/\s+/)].filter((a) => /^--(?:experimental-)?loader(?:=|$)/.test(a));
  if (loaderFlags.length) doubt(`module loader hooks were given to Node.js (${loaderFlags.join(' ')}); what they read is not followed`);

  // ---- the network: what comes back cannot be recorded, so any use of it is a doubt ----
  // (tsx's client looks for its parent's socket in tsx's own folder, which is not an input.)
  try {
    const net = require('net');
    const origConnect = net.Socket.prototype.connect;
    net.Socket.prototype.connect = function connect() {
      const a = arguments[0];
      const target = Array.isArray(a) ? a[0] : a;
      guard(() => {
        const ipc = target && typeof target === 'object' ? target.path : typeof target === 'string' && !/^\d+$/.test(target) ? target : undefined;
        if (typeof ipc === 'string' && excluded(path.resolve(ipc))) return;
        const where = ipc ?? (target && typeof target === 'object' ? `${target.host ?? 'localhost'}:${target.port}` : String(target));
        doubt(`the app opened a network connection (${where}): what it received is not an input the recorder can compare`);
      });
      return origConnect.apply(this, arguments);
    };
    const dgram = require('dgram');
    const origCreateSocket = dgram.createSocket;
    dgram.createSocket = function createSocket() {
      guard(() => doubt('the app opened a UDP socket'));
      return origCreateSocket.apply(this, arguments);
    };
    const dns = require('dns');
    for (const name of ['lookup', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveTxt', 'resolveSrv', 'resolveCname']) {
      for (const api of [dns, dns.promises]) {
        const fn = api && api[name];
        if (typeof fn !== 'function') continue;
        api[name] = function () {
          guard(() => doubt(`the app looked up a name in DNS (${String(arguments[0])})`));
          return fn.apply(this, arguments);
        };
      }
    }
  } catch (e) {
    doubt(`the network could not be watched (${e && e.message})`);
  }

  try {
    Module.syncBuiltinESMExports();
  } catch {
    // older Node: ESM importers see the originals; their reads go through what they call
  }

  // ---- writing ----
  function header() {
    return ['header', { pid: process.pid, ppid: process.ppid, threadId, main: isMainThread, node: process.version, execPath: process.execPath, cwd: process.cwd(), start: START_MS }];
  }

  /** Modules in require's cache the wrappers did not see read, the Node binary itself: noted now, by their stat, and only if unchanged since before the run. */
  function lateFiles() {
    const late = [process.execPath];
    for (const key of Object.keys(Module._cache || {})) {
      const mod = Module._cache[key];
      if (mod && mod.filename) late.push(mod.filename);
    }
    for (const file of late) {
      const abs = path.resolve(file);
      if (files.has(abs) || modulesSeen.has(abs) || excluded(abs) || abs === __filename) continue;
      const st = statBeforeRead(abs);
      if (!st) {
        // A module in the cache whose file is gone (a stand-in, or deleted during the run).
        continue;
      }
      if (changedDuringRun(st)) doubt(`${abs} changed while the app ran`);
      else recordRead(abs, st, undefined, true);
    }
  }

  try {
    writeLine(header());
  } catch (e) {
    // The record folder is gone: this process cannot report what it read; its parent will see no record.
    return;
  }

  function finalize() {
    if (finalized) return;
    guard(() => {
      lateFiles();
      for (const fd of Array.from(tracked.keys())) finish(fd);
    });
    try {
      if (isMainThread) {
        writeLine([
          'batch',
          {
            files: Array.from(files, ([abs, e]) => fileRow(abs, e)),
            probes: Array.from(probes, ([key, json]) => {
              const i = key.indexOf('\0');
              return [key.slice(0, i), key.slice(i + 1), JSON.parse(json)];
            }),
            dirs: Array.from(dirs.values(), dirRow),
            env: Array.from(envNames),
            envAll: envEnumerated,
            children,
            workers,
            doubts,
          },
        ]);
      }
      writeLine(['final', true]);
      finalized = true;
    } catch {
      // no final line: the parent does not reuse this run
    }
  }
  process.on('exit', finalize);
})();
