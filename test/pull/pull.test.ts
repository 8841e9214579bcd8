/**
 * Pull plans the repository writes for drifted objects — each back into its own file, a new one
 * where the stack says — and refuses, with the reason, what it must not or cannot write.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { computePlan } from '../../lib/engine/plan';
import { executePullWrites, planPullWrites, selectForPull, type PullInput } from '../../lib/pull/pull';
import type { LiveSnapshot } from '../../lib/kinds';
import type { StateFile } from '../../lib/engine/state-types';
import type { PullHomeSetting } from '../../lib/model/settings';
import { file, flow, flowSource, kv, liveFile, liveFlow, liveKv, liveOf, stack, stateOf, target } from '../engine/factory';

const ns = 'n';

describe('planPullWrites', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-pull-'));
    fs.mkdirSync(path.join(dir, 'flows'));
    fs.writeFileSync(path.join(dir, 'flows', 'edited.yml'), flowSource(ns, 'edited'));
    fs.writeFileSync(path.join(dir, 'kv.yaml'), '# shared pairs\nA:\n  type: STRING\n  value: a # keep me\nB:\n  type: NUMBER\n  value: 1\n');
    fs.writeFileSync(path.join(dir, '.gitignore'), 'ignored/\n');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const homes: PullHomeSetting[] = [
    { kind: 'flow', namespace: ns, dir: 'flows', extension: '.yml' },
    { kind: 'kv', namespace: ns, file: 'kv.yaml' },
    { kind: 'file', namespace: ns, dir: 'ignored', prefix: '/' },
  ];
  const noClient = new Proxy({}, { get: (_t, name) => () => Promise.reject(new Error(`unexpected request ${String(name)}`)) });

  function scene() {
    const desired = [
      flow(ns, 'edited', undefined, { sourceFile: 'flows/edited.yml' }),
      flow(ns, 'in-code'),
      kv(ns, 'A', 'STRING', 'a', { sourceFile: 'kv.yaml:2' }),
      kv(ns, 'B', 'NUMBER', '1', { sourceFile: 'kv.yaml:5' }),
      kv(ns, 'SECRET', 'STRING', 's', { sensitive: true, sourceFile: 'kv.yaml:8' }),
    ];
    const gone = flow(ns, 'removed-from-git');
    const live: LiveSnapshot = liveOf([...desired, gone], [ns]);
    const state: StateFile = stateOf([...desired, gone], live);
    live.objects.set('flow:n/edited', liveFlow(ns, 'edited', flowSource(ns, 'edited', 'description: from the UI\n'), 2));
    live.objects.set('flow:n/in-code', liveFlow(ns, 'in-code', flowSource(ns, 'in-code', 'description: x\n'), 2));
    live.objects.set('flow:n/removed-from-git', liveFlow(ns, 'removed-from-git', flowSource(ns, 'removed-from-git', 'description: y\n'), 2));
    live.objects.set('kv:n/A', liveKv(ns, 'A', 'STRING', 'ui', { updateDate: '2026-09-09T00:00:00Z' }));
    live.objects.delete('kv:n/B');
    live.objects.set('kv:n/SECRET', liveKv(ns, 'SECRET', 'STRING', 'rotated', { updateDate: '2026-09-09T00:00:00Z' }));
    live.objects.set('flow:n/made-in-ui', liveFlow(ns, 'made-in-ui', flowSource(ns, 'made-in-ui')));
    live.objects.set('kv:n/NEW', liveKv(ns, 'NEW', 'BOOLEAN', 'true'));
    live.objects.set('file:n:/report.csv', liveFile(ns, '/report.csv', Buffer.from('a,b\n')));
    const s = stack(desired, { namespaces: [ns], pull_homes: homes });
    const input: PullInput = { stack: s, live, state, client: noClient, projectDir: dir };
    return { input, plan: computePlan({ stack: s, live, state, target }) };
  }

  it('writes each object back into its own file, edits the KV file keeping the rest, refuses what it must not write', async () => {
    const { input, plan } = scene();
    const items = selectForPull(plan, { includeUnmanaged: true });
    const { writes, skipped } = await planPullWrites(items, input);
    expect(writes.map((w) => [w.address, path.relative(dir, w.file), w.change.action, w.removedInKestra, !!w.adopt])).toEqual([
      ['flow:n/edited', 'flows/edited.yml', 'write', false, false],
      ['flow:n/made-in-ui', 'flows/made-in-ui.yml', 'write', false, true],
      ['kv:n/A', 'kv.yaml', 'edit', false, false],
      ['kv:n/B', 'kv.yaml', 'edit', true, false],
      ['kv:n/NEW', 'kv.yaml', 'edit', false, true],
    ]);
    expect(skipped).toEqual([
      'file:n:/report.csv: ignored/report.csv would be left out by a .gitignore or .kestraignore rule, so Git and the next plan would not see it — change the rule, or pull it by hand',
      "flow:n/in-code: it is written in the stack's code (s/n/in-code), not read from a file; change it there",
      'flow:n/removed-from-git: it is no longer in the repository (removed from Git since the last apply); `kestraform apply` will delete it from Kestra, or restore its file from Git history',
      'kv:n/SECRET: sensitive values are never written to Git; update it in its KV file yourself, or accept it with `apply --refresh-only`',
    ]);

    executePullWrites(writes);
    expect(fs.readFileSync(path.join(dir, 'flows', 'edited.yml'), 'utf8')).toContain('description: from the UI');
    expect(fs.readFileSync(path.join(dir, 'flows', 'made-in-ui.yml'), 'utf8')).toBe(flowSource(ns, 'made-in-ui'));
    expect(fs.readFileSync(path.join(dir, 'kv.yaml'), 'utf8')).toBe('# shared pairs\nA:\n  type: STRING\n  value: ui # keep me\nNEW:\n  type: BOOLEAN\n  value: true\n');
    expect(writes.find((w) => w.address === 'flow:n/made-in-ui')!.adopt).toMatchObject({ address: 'flow:n/made-in-ui', live: { kind: 'flow', revision: 1 } });
  });

  it('refuses a new object whose place is taken, or that has no place', async () => {
    const { input, plan } = scene();
    fs.writeFileSync(path.join(dir, 'flows', 'made-in-ui.yml'), 'someone else\n');
    const noHomes = { ...input, stack: { ...input.stack, settings: { ...input.stack.settings, pull_homes: [] } } };
    const unmanaged = selectForPull(plan, { includeUnmanaged: true }).filter((i) => i.drift === 'unmanaged' && i.kind === 'flow');
    expect((await planPullWrites(unmanaged, input)).skipped).toEqual(['flow:n/made-in-ui: its place in the repository, flows/made-in-ui.yml, is taken by another file — move that file, or pull this object by hand']);
    expect((await planPullWrites(unmanaged, noHomes)).skipped[0]).toMatch(/^flow:n\/made-in-ui: stack "test" names no folder for new flows of namespace n/);
  });

  it('names addresses that have nothing to pull', () => {
    const { plan } = scene();
    expect(() => selectForPull(plan, { addresses: ['flow:n/made-in-ui'] })).toThrow('nothing to pull for flow:n/made-in-ui: it has not changed outside kestraform (objects created in Kestra need --include-unmanaged)');
  });

  it('deletes the file of an object deleted in Kestra', async () => {
    const d = [file(ns, '/q.sql', 'select 1', { sourcePath: path.join(dir, 'q.sql') })];
    fs.writeFileSync(path.join(dir, 'q.sql'), 'select 1');
    const live = liveOf(d, [ns]);
    const state = stateOf(d, live);
    live.objects.delete('file:n:/q.sql');
    const s = stack(d);
    const plan = computePlan({ stack: s, live, state, target });
    const { writes } = await planPullWrites(selectForPull(plan, {}), { stack: s, live, state, client: noClient, projectDir: dir });
    expect(writes.map((w) => [path.relative(dir, w.file), w.change.action, w.removedInKestra])).toEqual([['q.sql', 'delete', true]]);
    executePullWrites(writes);
    expect(fs.existsSync(path.join(dir, 'q.sql'))).toBe(false);
  });
});
