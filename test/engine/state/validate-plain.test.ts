/**
 * The plain check of a state document takes exactly what the schema takes, and gives back what the
 * schema gives back: every variant of a state below goes through both and must come out the same
 * (accepted with equal content, or refused).
 */
import { parseState } from '../../../lib/engine/state/validate';
import { stateFile } from '../../../lib/engine/state-types';

const entry = (address: string) => ({ address, appliedHash: 'h', live: { kind: 'flow', revision: 2 }, applied: { source: 'id: x' }, updatedAt: '2026-12-01T00:00:00Z' });
const base = () => ({ version: 1, stack: 'main', lineage: 'l-1', serial: 3, resources: { 'flow:a/x': entry('flow:a/x'), 'kv:a/k': { ...entry('kv:a/k'), applied: { sensitive: true }, preventDestroy: true } } });

type Doc = Record<string, any>;
const variants: Array<[string, (d: Doc) => void]> = [
  ['as it is', () => undefined],
  ['applied missing (the default)', (d) => delete d.resources['flow:a/x'].applied],
  ['an extra top-level key', (d) => (d.extra = 1)],
  ['an extra entry key', (d) => (d.resources['flow:a/x'].note = 'x')],
  ['version 2', (d) => (d.version = 2)],
  ['serial negative', (d) => (d.serial = -1)],
  ['serial fractional', (d) => (d.serial = 1.5)],
  ['serial a string', (d) => (d.serial = '3')],
  ['resources an array', (d) => (d.resources = [])],
  ['an entry an array', (d) => (d.resources['flow:a/x'] = [])],
  ['live kind empty', (d) => (d.resources['flow:a/x'].live.kind = '')],
  ['live missing', (d) => delete d.resources['flow:a/x'].live],
  ['applied an array', (d) => (d.resources['flow:a/x'].applied = [])],
  ['sensitive a string', (d) => (d.resources['kv:a/k'].applied.sensitive = 'yes')],
  ['preventDestroy a number', (d) => (d.resources['kv:a/k'].preventDestroy = 1)],
  ['pulledAt set', (d) => (d.resources['kv:a/k'].pulledAt = '2026-12-04T19:00:00.000Z')],
  ['pulledAt a number', (d) => (d.resources['kv:a/k'].pulledAt = 1)],
  ['updatedAt missing', (d) => delete d.resources['kv:a/k'].updatedAt],
  ['appliedHash null', (d) => (d.resources['kv:a/k'].appliedHash = null)],
  ['the document an array', (d) => Object.assign(d, { length: 0 })],
  ['lineage missing', (d) => delete d.lineage],
];

function viaSchema(text: string): unknown {
  const r = stateFile.safeParse(JSON.parse(text));
  return r.success ? r.data : 'refused';
}

function viaParseState(text: string): unknown {
  try {
    return parseState(text, 'state.json', 'main', 'restore it');
  } catch {
    return 'refused';
  }
}

describe('the plain state check', () => {
  it.each(variants)('agrees with the schema: %s', (_name, change) => {
    const doc = base();
    change(doc);
    const text = JSON.stringify(doc);
    expect(viaParseState(text)).toEqual(viaSchema(text));
  });

  it('still words what is wrong, from the schema', () => {
    const doc = base() as Doc;
    doc.resources['flow:a/x'].live.kind = '';
    expect(() => parseState(JSON.stringify(doc), 'state.json', 'main', 'restore it')).toThrow(/state.json is not a kestraform state \(version 1\): resources.flow:a\/x.live.kind: .* — it was not changed; restore it/);
  });
});
