/** stableJson writes what cdktf's json-stable-stringify writes, but for whitespace in empty containers. */
import * as path from 'node:path';
import { stableJson } from '../../lib/util/stable-json';

// The serializer cdktf itself uses: a dependency of cdktf, required from cdktf's own folder
// (it is not kestraform's, so it cannot be imported by name).
const cdktfStringify = require(require.resolve('json-stable-stringify', { paths: [path.dirname(require.resolve('cdktf'))] })) as (v: unknown, o: { space: number }) => string;
const sameLayout = (s: string) => s.replace(/\{\s+\}/g, '{}').replace(/\[\s+\]/g, '[]');

describe('stableJson', () => {
  it('sorts keys at every level and indents by two, as cdktf does', () => {
    const value = {
      z: 1,
      a: { y: [3, { d: 'x', b: null }], c: true, '//': { metadata: { path: 'p' } } },
      m: [],
      e: {},
      s: 'quote " and \\ and \n and ü',
      u: undefined,
      arr: [undefined, 1],
    };
    expect(sameLayout(stableJson(value))).toBe(sameLayout(cdktfStringify(value, { space: 2 })));
  });

  it('calls toJSON as JSON.stringify does', () => {
    const when = new Date(0);
    expect(JSON.parse(stableJson({ when, custom: { toJSON: () => ({ b: 1, a: 2 }) } }))).toEqual({ custom: { a: 2, b: 1 }, when: when.toISOString() });
  });

  it('differs from cdktf only in the order of integer-like keys, never in what it parses to', () => {
    const value = { '10': 'a', '2': 'b', x: { '1': 1, b: 2 } };
    expect(JSON.parse(stableJson(value))).toEqual(JSON.parse(cdktfStringify(value, { space: 2 })));
  });
});
