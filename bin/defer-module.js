// Lets a dependency's dependency load on first use instead of at require time: its entry in
// require's cache becomes a stand-in that loads the real module when it is first called or read.
// cdktf requires `archiver` (some 200 modules, about 75 ms) as it loads, for zip assets that a
// Kestra stack seldom uses; bin/run-ts.js defers it.
const Module = require('node:module');
const path = require('node:path');

/**
 * @param {string} name the module to defer, as `requiredBy` requires it
 * @param {string} requiredBy a file of the package that requires it (for resolution)
 * @returns {boolean} whether a stand-in was installed
 */
function deferModule(name, requiredBy) {
  let file;
  try {
    file = require.resolve(name, { paths: [path.dirname(requiredBy)] });
  } catch {
    return false; // not installed there: nothing to defer
  }
  if (require.cache[file]) return false; // already loaded
  let real;
  const load = () => {
    if (real === undefined) {
      if (require.cache[file] === standIn) delete require.cache[file];
      real = require(file);
    }
    return real;
  };
  const proxy = new Proxy(function deferred() {}, {
    apply: (_target, self, args) => Reflect.apply(load(), self, args),
    construct: (_target, args, newTarget) => Reflect.construct(load(), args, newTarget === proxy ? load() : newTarget),
    get: (_target, key) => Reflect.get(load(), key),
    has: (_target, key) => Reflect.has(load(), key),
    set: (_target, key, value) => Reflect.set(load(), key, value),
  });
  const standIn = new Module(file, null);
  standIn.filename = file;
  standIn.loaded = true;
  standIn.exports = proxy;
  require.cache[file] = standIn;
  return true;
}

module.exports = { deferModule };
