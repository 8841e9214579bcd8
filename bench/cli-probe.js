// Preloaded (`node -r bench/cli-probe.js bin/kestraform.js …`) into a CLI process the bench times:
// at exit it writes to $KESTRAFORM_BENCH_PROBE a JSON line with the moments that split the run
// (Node ready, app spawned and finished, first and last HTTP request), the requests sent, and the
// process's own peak RSS and CPU. Plain JavaScript with no dependencies, so it adds next to nothing
// to the start-up it measures; only the process it is preloaded into is measured (the app child
// and the embedded server, when in-process, are not probed apart).
const { performance } = require('node:perf_hooks');
const fs = require('node:fs');

const out = process.env.KESTRAFORM_BENCH_PROBE;
if (out) {
  const marks = { nodeReadyMs: performance.now() };
  const spawns = [];
  const cp = require('node:child_process');
  const spawn = cp.spawn;
  cp.spawn = function probedSpawn(...args) {
    const entry = { startMs: performance.now(), endMs: undefined };
    spawns.push(entry);
    const child = spawn.apply(this, args);
    child.once('close', () => (entry.endMs = performance.now()));
    return child;
  };
  const requests = { count: 0, firstMs: undefined, lastDoneMs: undefined };
  const dc = require('node:diagnostics_channel');
  dc.subscribe('undici:request:create', () => {
    requests.count++;
    if (requests.firstMs === undefined) requests.firstMs = performance.now();
  });
  dc.subscribe('undici:request:trailers', () => (requests.lastDoneMs = Math.max(requests.lastDoneMs ?? 0, performance.now())));
  // GETs kestraform sends from a thread of its own (lib/kestra/early-thread.ts) are told here.
  dc.subscribe('kestraform:request-on-thread', ({ startMs, endMs }) => {
    requests.count++;
    requests.firstMs = Math.min(requests.firstMs ?? Infinity, startMs);
    requests.lastDoneMs = Math.max(requests.lastDoneMs ?? 0, endMs);
  });
  process.once('exit', () => {
    const ru = process.resourceUsage();
    const record = {
      ...marks,
      spawns,
      requests,
      exitMs: performance.now(),
      modules: Object.keys(require.cache).length,
      maxRssMb: Math.round(ru.maxRSS / 1024),
      cpuMs: Math.round((ru.userCPUTime + ru.systemCPUTime) / 1000),
    };
    fs.writeFileSync(out, JSON.stringify(record) + '\n');
  });
}
