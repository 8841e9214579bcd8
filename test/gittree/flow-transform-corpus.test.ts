/**
 * transformFlow over the real corpus (../shared/corpus/flows/valid), for Kestra 1.x and 2.x:
 * with a namespace prefix every flow still parses, its namespace and every namespace it names
 * are prefixed and nothing else changes; disableTriggers disables every trigger; a mapping
 * sending every namespace to itself gives back the identical source.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { transformFlow } from '../../lib/gittree/flow-transform';
import { listNamespaceReferences, type NamespaceReference } from '../../lib/gittree/flow-namespace-references';
import { describeWithShared, SHARED } from '../support/shared';

const VALID = path.join(SHARED, 'corpus', 'flows', 'valid');
const PREFIX = 'envx.';
const MAJORS = [1, 2] as const;

function yamlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? yamlFiles(path.join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [path.join(dir, e.name)] : []));
}

interface Piece {
  label: string;
  text: string;
  data: Record<string, unknown>;
}

/** Every document of every valid corpus file (a multi-document file gives each document). */
function corpusFlows(): Piece[] {
  const out: Piece[] = [];
  for (const file of yamlFiles(VALID)) {
    const text = fs.readFileSync(file, 'utf8');
    const docs = parseAllDocuments(text);
    const list = Array.isArray(docs) ? docs : [docs];
    const pieces = list.length > 1 ? list.map((d) => text.slice(d.range[0], d.range[2])) : [text];
    pieces.forEach((piece, i) => {
      const data = parse(piece.replace(/^\uFEFF/, '')) as Record<string, unknown> | null;
      if (data && typeof data === 'object' && !Array.isArray(data)) out.push({ label: `${path.relative(VALID, file)}${pieces.length > 1 ? `#${i}` : ''}`, text: piece, data });
    });
  }
  return out;
}

const refsOf = (text: string, kestraMajor: 1 | 2) => listNamespaceReferences(text.replace(/^\uFEFF/, ''), { kestraMajor });
const renamed = (r: NamespaceReference) => r.match !== 'pattern' && r.start !== undefined;
/** A reference as the output should list it: same place (line), what names it, the prefixed namespace. */
const expectedAfter = (r: NamespaceReference) => `${r.line} ${r.match} ${renamed(r) ? PREFIX + r.namespace : r.namespace} (${r.via})`;
const listed = (r: NamespaceReference) => `${r.line} ${r.match} ${r.namespace} (${r.via})`;

/**
 * The places where `after` differs from `before`: each must be a string that is `before`'s with
 * PREFIX inserted (the renamed literals); anything else is reported.
 */
function unexpectedChanges(before: unknown, after: unknown, at: string, out: string[]): void {
  if (typeof before === 'string' && typeof after === 'string') {
    if (before !== after && after.split(PREFIX).join('') !== before) out.push(`${at}: ${JSON.stringify(before)} became ${JSON.stringify(after)}`);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    before.forEach((b, i) => unexpectedChanges(b, after[i], `${at}[${i}]`, out));
    return;
  }
  if (before && after && typeof before === 'object' && typeof after === 'object' && !Array.isArray(before) && !Array.isArray(after)) {
    const keys = Object.keys(before);
    if (JSON.stringify(keys) !== JSON.stringify(Object.keys(after))) out.push(`${at}: keys ${keys.join(',')} became ${Object.keys(after).join(',')}`);
    else for (const k of keys) unexpectedChanges((before as Record<string, unknown>)[k], (after as Record<string, unknown>)[k], `${at}.${k}`, out);
    return;
  }
  if (!Object.is(before, after) && JSON.stringify(before) !== JSON.stringify(after)) out.push(`${at}: ${JSON.stringify(before)} became ${JSON.stringify(after)}`);
}

const occurrences = (text: string, s: string) => text.split(s).length - 1;

describeWithShared('corpus/flows/valid', 'transformFlow over the corpus', () => {
  const flows = fs.existsSync(VALID) ? corpusFlows() : [];
  const byKind = new Map<string, number>();
  const warnings: string[] = [];

  afterAll(() => {
    const kinds = [...byKind].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${n} ${k}`);
    console.log(`transformFlow corpus sweep: ${flows.length} flows; references (Kestra 1.x + 2.x):\n  ${kinds.join('\n  ')}\nwarnings with prefix "${PREFIX}": ${warnings.length}\n  ${warnings.join('\n  ')}`);
  });

  it('finds the corpus', () => {
    expect(flows.length).toBeGreaterThan(900);
    expect(flows.some((f) => f.text.includes(PREFIX))).toBe(false);
  });

  it(`with prefix "${PREFIX}": parses, prefixes the namespace and every reference, changes nothing else`, () => {
    const problems: string[] = [];
    for (const f of flows) {
      for (const kestraMajor of MAJORS) {
        const where = `${f.label} (${kestraMajor}.x)`;
        const before = refsOf(f.text, kestraMajor);
        for (const r of before) byKind.set(r.via.replace(/"[^"]*"/g, '""'), (byKind.get(r.via.replace(/"[^"]*"/g, '""')) ?? 0) + 1);
        const out = transformFlow(f.text, { namespaces: { rules: [], prefix: PREFIX }, kestraMajor }, { file: f.label });
        for (const d of out.diagnostics) {
          if (d.severity === 'error') problems.push(`${where}: error ${d.line}:${d.column} ${d.message}`);
          else warnings.push(`${where}:${d.line}:${d.column} ${d.message}`);
        }
        let data: Record<string, unknown>;
        try {
          data = parse(out.source.replace(/^\uFEFF/, ''));
        } catch (e) {
          problems.push(`${where}: the output does not parse: ${(e as Error).message}`);
          continue;
        }
        if (out.source.startsWith('\uFEFF') !== f.text.startsWith('\uFEFF') || out.source.includes('\r\n') !== f.text.includes('\r\n')) problems.push(`${where}: BOM or line breaks changed`);
        if (typeof f.data.namespace === 'string' && data.namespace !== PREFIX + f.data.namespace) problems.push(`${where}: namespace ${String(f.data.namespace)} became ${String(data.namespace)}`);
        // Every reference found before is there after, renamed; none appears or goes.
        const after = refsOf(out.source, kestraMajor).map(listed);
        const wanted = before.map(expectedAfter);
        if (JSON.stringify(after) !== JSON.stringify(wanted)) problems.push(`${where}: references ${JSON.stringify(wanted)} became ${JSON.stringify(after)}`);
        for (const r of before.filter((x) => x.match === 'exact')) {
          if (r.start === undefined) problems.push(`${where}: exact reference ${listed(r)} could not be located`);
        }
        // Nothing else changed: one PREFIX per renamed literal, and the data differs only there.
        const inserted = occurrences(out.source, PREFIX);
        if (inserted !== before.filter(renamed).length) problems.push(`${where}: ${inserted} insertions of "${PREFIX}" for ${before.filter(renamed).length} renamed references`);
        unexpectedChanges(f.data, data, where, problems);
      }
    }
    expect(problems).toEqual([]);
    expect(byKind.get("the flow's namespace")).toBe(2 * flows.length);
  });

  it('with disableTriggers: every trigger of every flow is disabled, nothing else changes', () => {
    const problems: string[] = [];
    let triggers = 0;
    for (const f of flows) {
      const out = transformFlow(f.text, { disableTriggers: true, kestraMajor: 2 }, { file: f.label });
      if (out.diagnostics.length) problems.push(`${f.label}: ${JSON.stringify(out.diagnostics)}`);
      const data = parse(out.source.replace(/^\uFEFF/, '')) as Record<string, unknown>;
      const list = (data.triggers ?? []) as Array<Record<string, unknown>>;
      for (const t of list) {
        triggers++;
        if (t?.disabled !== true) problems.push(`${f.label}: trigger ${JSON.stringify(t)} is not disabled`);
      }
      const stripped = { ...data, triggers: list.map((t) => Object.fromEntries(Object.entries(t).filter(([k]) => k !== 'disabled'))) };
      const original = { ...f.data, triggers: ((f.data.triggers ?? []) as Array<Record<string, unknown>>).map((t) => Object.fromEntries(Object.entries(t).filter(([k]) => k !== 'disabled'))) };
      if (JSON.stringify(stripped) !== JSON.stringify(original)) problems.push(`${f.label}: more than \`disabled\` changed`);
      if (!list.length && out.source !== f.text) problems.push(`${f.label}: no trigger, but the source changed`);
    }
    expect(problems).toEqual([]);
    expect(triggers).toBeGreaterThan(200);
  });

  it('a mapping that maps every namespace to itself gives back the identical source', () => {
    const problems: string[] = [];
    for (const f of flows) {
      for (const kestraMajor of MAJORS) {
        const refs = refsOf(f.text, kestraMajor);
        const rules = [...new Set(refs.filter((r) => r.match !== 'pattern').map((r) => r.namespace))].map((ns) => ({ from: ns, to: ns }));
        const out = transformFlow(f.text, { namespaces: { rules }, kestraMajor }, { file: f.label });
        if (out.source !== f.text) problems.push(`${f.label} (${kestraMajor}.x): the source changed`);
        const unexpected = out.diagnostics.filter((d) => !/matches namespaces by a pattern/.test(d.message));
        if (unexpected.length) problems.push(`${f.label} (${kestraMajor}.x): ${JSON.stringify(unexpected)}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
