import { blockSpans } from '../../lib/desired/json-spans';
import { seededRandom as rng } from '../../lib/util/random';

const PIECES = ['a', 'Z', ' ', '"', '\\', '{', '}', '[', ']', ',', ':', '\n', '\t', '${x}', 'é', '😀', '\u0001', '\\"', '"}'];

function text(r: () => number): string {
  let s = '';
  const n = Math.floor(r() * 8);
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(r() * PIECES.length)];
  return s;
}

function value(r: () => number, depth: number): unknown {
  const k = Math.floor(r() * (depth > 2 ? 4 : 6));
  if (k === 0) return text(r);
  if (k === 1) return Math.floor(r() * 2000) - 1000 + (r() < 0.3 ? 0.25 : 0);
  if (k === 2) return [true, false, null][Math.floor(r() * 3)];
  if (k === 3) return `v${text(r)}`;
  if (k === 4) return Array.from({ length: Math.floor(r() * 4) }, () => value(r, depth + 1));
  return Object.fromEntries(Array.from({ length: Math.floor(r() * 4) }, (_, i) => [`k${i}${text(r)}`, value(r, depth + 1)]));
}

function document(r: () => number): Record<string, unknown> {
  const resource: Record<string, Record<string, unknown>> = {};
  for (let t = 0; t < 1 + Math.floor(r() * 3); t++) {
    const blocks: Record<string, unknown> = {};
    for (let b = 0; b < Math.floor(r() * 5); b++) blocks[`id_${b}${text(r)}`] = value(r, 0);
    resource[`kestra_${t}`] = blocks;
  }
  return { '//': { metadata: { version: '0.21.0' } }, resource, kestraform: value(r, 1), provider: { x: [{}] } };
}

describe('resource block spans of a cdk.tf.json text', () => {
  it('finds every block and top-level member, each span parsing to what JSON.parse gives, compact and indented', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const doc = document(rng(seed));
      for (const source of [JSON.stringify(doc), JSON.stringify(doc, null, 2), ` \n${JSON.stringify(doc, null, '\t')}\n`]) {
        const spans = blockSpans(source);
        expect(spans).toBeDefined();
        const parsed = JSON.parse(source) as { resource: Record<string, Record<string, unknown>> };
        const types = [...spans!.resources.keys()];
        expect(types).toEqual(Object.keys(parsed.resource));
        for (const [tfType, blocks] of spans!.resources) {
          expect([...blocks.keys()]).toEqual(Object.keys(parsed.resource[tfType]));
          for (const [id, [start, end]] of blocks) expect(JSON.parse(source.slice(start, end))).toEqual(parsed.resource[tfType][id]);
        }
        expect([...spans!.top.keys()]).toEqual(Object.keys(parsed).filter((k) => k !== 'resource'));
        for (const [key, [start, end]] of spans!.top) expect(JSON.parse(source.slice(start, end))).toEqual((parsed as Record<string, unknown>)[key]);
      }
    }
  });

  it('gives up on what JSON.parse would read differently or not at all: repeated keys, array-index keys, __proto__, not an object, malformed text', () => {
    const cases = [
      '{"resource":{"t":{"a":1,"a":2}}}',
      '{"resource":{"t":{}},"resource":{"t":{}}}',
      '{"resource":{"t":{},"t":{}}}',
      '{"x":1,"x":2}',
      '{"resource":{"t":{"7":{}}}}',
      '{"resource":{"0":{}}}',
      '{"__proto__":{}}',
      '[]',
      '"resource"',
      '{"resource":{"t":{"a":{}}}} x',
      '{"resource":{"t":{"a":{}}}',
      '{"resource":{"t":{"a":{}}},}',
      '{"resource" {"t":{}}}',
      '{resource:{}}',
      '{"resource":{"t":{"a":}}}',
      '{"resource":{"t":{"a":"unterminated}}}',
    ];
    for (const c of cases) expect([c, blockSpans(c)]).toEqual([c, undefined]);
  });

  it('never throws on a truncated text: each prefix of a document is found malformed or, if whole, read as JSON.parse reads it', () => {
    const source = JSON.stringify(document(rng(42)), null, 1);
    for (let n = 0; n < source.length; n += 3) {
      const prefix = source.slice(0, n);
      const spans = blockSpans(prefix);
      if (spans) expect(() => JSON.parse(prefix)).not.toThrow();
    }
  });

  it('takes escaped keys as JSON.parse unescapes them', () => {
    const source = '{"resource":{"t\\u0031":{"a\\"b":{"c":"}"}}}}';
    expect([...blockSpans(source)!.resources.get('t1')!.keys()]).toEqual(['a"b']);
  });
});
