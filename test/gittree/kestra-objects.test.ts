/**
 * Apps, unit tests and dashboards in a real repository (guglxni__lighthouse-kestra keeps three
 * apps beside its flows and three flow tests that are not Kestra TestSuites), read as a Flows
 * source reads a folder.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { IgnoreRules } from '../../lib/gittree/ignore-rules';
import { newReadContext } from '../../lib/gittree/read-context';
import { readFlowsDir } from '../../lib/gittree/read-flows';
import { describeWithShared, SHARED } from '../support/shared';

const REPO = path.join(SHARED, 'corpus', 'gitops-trees', 'guglxni__lighthouse-kestra');

function readFolder(rel: string) {
  const root = path.join(REPO, rel);
  // Its flows use what Kestra 2.0 removed (taskDefaults): it targets 1.x.
  const ctx = newReadContext(root, { displayRoot: rel, kestraMajor: 1 });
  const flows = readFlowsDir(ctx, '', { rules: IgnoreRules.forDirectory(root, { kestraignoreDir: root }), namespace: { from: 'yaml' }, recursive: true });
  return { flows, ctx };
}

describeWithShared('corpus/gitops-trees/guglxni__lighthouse-kestra', 'apps and unit tests of guglxni__lighthouse-kestra', () => {
  it('reads its three apps with their sources, byte for byte, beside its 16 flows', () => {
    const { flows, ctx } = readFolder('flows');
    expect(ctx.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(flows).toHaveLength(16);
    expect(ctx.objects.apps.map((a) => `${a.namespace}/${a.id} ${a.file}:${a.line}`)).toEqual(['chat', 'dashboard', 'deepdive'].map((id) => `company.team.lighthouse.serve/${id} flows/apps/${id}.yaml:1`));
    for (const app of ctx.objects.apps) expect(app.source).toBe(fs.readFileSync(path.join(REPO, app.file), 'utf8'));
    expect(ctx.objects.tests).toEqual([]);
    expect(ctx.found).toEqual([]);
  });

  it('lists its flow tests as found, each saying it is no Kestra TestSuite', () => {
    const { flows, ctx } = readFolder('tests');
    expect(flows).toEqual([]);
    expect(ctx.objects).toEqual({ apps: [], tests: [], dashboards: [] });
    expect(ctx.diagnostics).toEqual([]);
    expect(ctx.found.map((f) => `${f.kind} ${f.namespace}/${f.id} ${f.file}:${f.line}`)).toEqual(['test_brief_shape', 'test_classify_schema', 'test_rss_dedup'].map((id) => `test company.team.lighthouse.tests/${id} tests/flow_tests/${id}.yaml:1`));
    for (const f of ctx.found) expect(f.why).toMatch(/^not a Kestra TestSuite \(no `testCases`\)/);
  });
});
