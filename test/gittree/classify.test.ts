/** What a YAML file of a repository is, told by its content: flows, other Kestra kinds, other YAML. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { classifyYaml, parseYamlDocs } from '../../lib/gittree/classify';
import { describeWithShared, SHARED } from '../support/shared';

const kindOf = (text: string, rel = 'x.yml') => classifyYaml(parseYamlDocs(text), rel);

describe('classifying YAML', () => {
  it('tells flows from the other Kestra kinds', () => {
    expect(kindOf('id: a\nnamespace: company.team\ntasks:\n  - id: t\n    type: io.kestra.plugin.core.log.Log\n')).toEqual({ kind: 'flow', id: 'a', namespace: 'company.team' });
    expect(kindOf('id: chat\nnamespace: company.team\ntype: io.kestra.plugin.ee.apps.App\nblocks: []\n')).toEqual({ kind: 'app', id: 'chat', namespace: 'company.team' });
    // Kestra's own app types (Ben8t/kestra_enterprise_resources keeps eight of them).
    expect(kindOf('id: form\nnamespace: company.team\ntype: io.kestra.plugin.ee.apps.Execution\nflowId: f\n').kind).toBe('app');
    expect(kindOf('id: f2\nnamespace: company.team\ntype: io.kestra.plugin.ee.apps.forms.CreateExecution\nflowId: f\n').kind).toBe('app');
    expect(kindOf('id: t1\nnamespace: company.team\nflowId: f\ntestCases:\n  - id: c\n')).toMatchObject({ kind: 'test', id: 't1' });
    expect(kindOf('id: t2\nnamespace: company.team\ntype: io.kestra.core.tests.Flow\nflowId: f\nassertions: []\n')).toMatchObject({ kind: 'test' });
    expect(kindOf('id: d\ntitle: Overview\ncharts:\n  - id: c\n')).toEqual({ kind: 'dashboard', id: 'd' });
    expect(kindOf('id: b\nnamespace: company.team\nextend:\n  title: x\ntasks: []\n')).toMatchObject({ kind: 'blueprint' });
  });

  it('takes a unit test for a Kestra TestSuite only with `testCases`, and says why otherwise', () => {
    expect(kindOf('id: t1\nnamespace: company.team\nflowId: f\ntestCases:\n  - id: c\n')).toEqual({ kind: 'test', id: 't1', namespace: 'company.team', flowId: 'f' });
    const flowTest = kindOf('id: t2\nnamespace: company.team\ntype: io.kestra.core.tests.Flow\nflowId: f\nfixtures: {}\nassertions: []\n');
    expect(flowTest).toEqual({ kind: 'test', id: 't2', namespace: 'company.team', flowId: 'f', why: expect.stringMatching(/^not a Kestra TestSuite \(no `testCases`\)/) });
    expect(kindOf('id: t3\nnamespace: company.team\nflowId: f\nassertions: []\n')).toMatchObject({ kind: 'test', why: expect.any(String) });
  });

  it('tells a Terraform templatefile template from a flow (kestra-io/kestra-flows-template keeps modules of them)', () => {
    const why = (text: string) => {
      const k = classifyYaml(parseYamlDocs(text), 'modules/m/tasks.yml', text);
      return k.kind === 'other' ? k.why : k.kind;
    };
    expect(why('id: ${flow_id}\nnamespace: ${namespace}\ntasks: []\n')).toMatch(/^a Terraform templatefile template \(its id or namespace is a \$\{\.\.\.\} placeholder\)/);
    expect(why('id: x\nnamespace: y\ntasks:\n%{ if dbt }\n  - id: a\n%{ endif }\n')).toMatch(/^a Terraform templatefile template \(not YAML until Terraform renders it/);
  });

  it('keeps a broken flow a flow (the flow rules then say what is wrong)', () => {
    expect(kindOf('id: [1]\nnamespace: a.b\ntasks: 5\n').kind).toBe('flow');
    expect(kindOf('namespace: a.b\ntasks: []\n').kind).toBe('flow');
    expect(kindOf('id: a\nnamespace: a.b\ntasks: [\n').kind).toBe('unparsable');
  });

  it('says what other YAML is', () => {
    const why = (text: string, rel?: string) => {
      const k = kindOf(text, rel);
      return k.kind === 'other' ? k.why : k.kind;
    };
    expect(why('on: push\njobs: {}\n', '.github/workflows/ci.yml')).toMatch(/GitHub Actions workflow/);
    expect(why('services:\n  web: {image: x}\n', 'deploy/stack.yml')).toMatch(/Docker Compose/);
    expect(why('version: "3"\n', 'docker-compose.yml')).toMatch(/Docker Compose/);
    expect(why('apiVersion: v1\nkind: Pod\n')).toMatch(/Kubernetes/);
    expect(why('name: proj\nversion: 1.0\n', 'dbt/dbt_project.yml')).toMatch(/dbt/);
    expect(why('id: indie-saas\nname: Indie SaaS\n')).toMatch(/`id` but no `namespace`/);
    expect(why('a: 1\n')).toMatch(/not a Kestra flow/);
    expect(why('- 1\n- 2\n')).toMatch(/not a YAML mapping/);
    expect(why('')).toBe('empty');
  });
});

describeWithShared('corpus/gitops-trees', 'classifying the YAML of the real repositories', () => {
  const TREES = path.join(SHARED, 'corpus', 'gitops-trees');
  const yamlOf = (dir: string, base = dir): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? yamlOf(path.join(dir, e.name), base) : /\.ya?ml$/.test(e.name) ? [path.relative(base, path.join(dir, e.name))] : []));
  const census = (repo: string) => {
    const root = path.join(TREES, repo);
    const counts: Record<string, number> = {};
    for (const rel of yamlOf(root)) {
      const k = classifyYaml(parseYamlDocs(fs.readFileSync(path.join(root, rel), 'utf8')), rel).kind;
      counts[k] = (counts[k] ?? 0) + 1;
    }
    return counts;
  };

  it('finds the flows, apps and unit tests each repository holds, and nothing else as Kestra objects', () => {
    expect(census('guglxni__lighthouse-kestra')).toEqual({ flow: 16, app: 3, test: 3, other: 5 });
    expect(census('mblink__kestra-automation')).toEqual({ flow: 26, other: 2 });
    expect(census('anna-geller__kestra-ci-cd')).toEqual({ flow: 8, other: 5 });
    expect(census('kestra-io__scripts')).toEqual({ flow: 1, other: 2 });
  });
});
