/**
 * CPU path, no server: read + validate + diff 10,000 flows. Flows come from the real corpus in
 * ../shared/corpus (cycled, each given a unique id) when it is present, generated otherwise.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readTreeSync } from '../../lib/gittree';
import { computePlan } from '../../lib/engine/plan';
import { flowSourceHash, type LiveFlow, type LiveSnapshot } from '../../lib/kinds';
import { blocksText, stepBlocks } from '../../lib/render/display';
import type { DesiredStack } from '../../lib/desired/types';
import { flowSource, makeFlow } from '../generate';
import { timed } from '../measure';
import type { ScenarioResult } from '../report';
import { defaultStackSettings } from '../../lib/model/settings';

const CORPUS = path.resolve(__dirname, '../../../shared/corpus/flows/valid');

function corpusSources(): string[] {
  if (!fs.existsSync(CORPUS)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(e.name)) out.push(fs.readFileSync(p, 'utf8'));
    }
  };
  walk(CORPUS);
  // Single-document flows with top-level id/namespace lines we can rename.
  return out.filter((s) => !/^---\s*$/m.test(s.trim().slice(3)) && /^id:/m.test(s) && /^namespace:/m.test(s));
}

export async function runCpuScenario(count: number): Promise<ScenarioResult> {
  const corpus = corpusSources();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-bench-cpu-'));
  const namespaces = 50;
  try {
    for (let i = 0; i < count; i++) {
      const ns = `cpu.ns${i % namespaces}`;
      const id = `flow-${i}`;
      const base = corpus.length ? corpus[i % corpus.length] : flowSource(ns, id);
      const source = base.replace(/^id:.*$/m, `id: ${id}`).replace(/^namespace:.*$/m, `namespace: ${ns}`);
      const dir = path.join(root, ns, 'flows');
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `${id}.yml`), source);
    }
    const t = await timed(async () => {
      const tree = readTreeSync(root, { kestraMajor: 1 });
      const resources = tree.namespaces.flatMap((n) => n.flows.map((f) => makeFlow(f.namespace, f.id, f.source)));
      const stack: DesiredStack = {
        name: 'cpu', file: '(bench)', resources, dependencies: [],
        settings: defaultStackSettings({ namespaces: tree.namespaces.map((n) => n.name), kestra_version: 1 }),
      };
      // Live holds a slightly different version of every flow: every flow gets a diff.
      const live: LiveSnapshot = { namespaces: stack.settings.namespaces, objects: new Map() };
      for (const r of resources) {
        const src = r.content.replace(/\n/, '\n# edited live\n');
        const flow: LiveFlow = { kind: 'flow', address: r.address, namespace: r.namespace, id: r.flowId, revision: 2, source: src, sourceHash: flowSourceHash(src) };
        live.objects.set(r.address, flow);
      }
      const plan = computePlan({ stack, live, state: undefined, target: { url: 'bench', tenant: 'main' } });
      // The diffs a reviewer reads, as every renderer builds them.
      const diffs = plan.steps.filter((s) => blocksText(stepBlocks(s), { values: false }) !== undefined).length;
      return { flows: resources.length, errors: tree.diagnostics.filter((d) => d.severity === 'error').length, diffs };
    });
    const targetMs = 2000;
    return {
      scenario: `read + validate + diff ${t.result.flows} flows`, objects: t.result.flows, requests: 0, requestsByKind: {}, bytesIn: 0, bytesOut: 0,
      wallMs: t.ms, peakRssMb: t.peakRssMb, lowerBound: null, ratioToLowerBound: null, baseline: null, speedupOverBaseline: null,
      target: `≤ ${targetMs} ms; RSS ≤ 400 MB`, met: t.ms <= targetMs && t.peakRssMb <= 400,
      notes: `${corpus.length ? `cycled from ${corpus.length} corpus flows` : 'generated flows (corpus absent)'}; ${t.result.diffs} diffs; ${t.result.errors} flows with errors`,
    };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
