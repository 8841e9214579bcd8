/** A namespace's own properties (namespace.yaml, or a KestraNamespace in code), held to Kestra's Namespace schema per line. */
import { namespacePropertyProblems, NAMESPACE_PROPERTIES, parseNamespaceProperties } from '../../lib/gittree/namespace-props';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SHARED, describeWithShared } from '../support/shared';
import { load } from 'js-yaml';

const problems = (props: unknown, major: 1 | 2 = 2) => namespacePropertyProblems(props, 'a.b', major).map((p) => `${p.severity} ${p.path.join('.')}: ${p.message}`);
const read = (text: string, major: 1 | 2 = 2) => parseNamespaceProperties(text, 'kestra/a.b/namespace.yaml', 'a.b', major);

describe('namespace properties', () => {
  it("takes Kestra's fields as Kestra takes them", () => {
    const props = {
      description: 'Team A',
      variables: { region: 'eu', retries: 3, nested: { a: [1, 2] } },
      allowedNamespaces: [{ namespace: 'c.d' }],
      concurrency: { limit: 3, behavior: 'QUEUE' },
      defaultWorkerSelector: { tags: ['gpu'], match: 'ANY', fallback: 'WAIT' },
      quotas: [{ behavior: 'FAIL', duration: 'PT1H', limit: 10 }],
      storageIsolation: { enabled: true, deniedServices: ['EXECUTOR'] },
      outputsInInternalStorage: false,
      sdkDefaultAuthentication: { username: 'bot', password: "{{ secret('BOT_PASSWORD') }}" },
      storageConfiguration: { bucket: 'b', secretKey: "{{ secret('S3_SECRET') }}" },
    };
    expect(problems(props)).toEqual([]);
    expect(problems({ pluginDefaults: [{ type: 'io.kestra.plugin.core.log.Log', forced: true, values: { level: 'INFO' } }], workerGroup: { key: 'gpu', fallback: 'FAIL' } }, 1)).toEqual([]);
  });

  it('says what is wrong with each field, down to the list item', () => {
    expect(problems({
      concurrency: { limit: 2 },
      allowedNamespaces: [{ namespace: 'c.d' }, { name: 'e' }],
      defaultWorkerSelector: { tags: Array.from({ length: 21 }, (_, i) => `t${i}`), match: 'SOME' },
      quotas: { behavior: 'FAIL' },
      secretReadOnly: 'yes',
    })).toEqual([
      'error concurrency: `concurrency` has no `behavior`, which Kestra requires',
      'error allowedNamespaces.1.name: `allowedNamespaces.1.name` is not a field Kestra knows here',
      'error allowedNamespaces.1: `allowedNamespaces.1` has no `namespace`, which Kestra requires',
      'error defaultWorkerSelector.tags: `defaultWorkerSelector.tags` holds 21 items, more than the 20 Kestra takes',
      'error defaultWorkerSelector.match: `defaultWorkerSelector.match` must be one of ALL, ANY, not string "SOME"',
      'error quotas: `quotas` must be a list, not a mapping',
      'error secretReadOnly: `secretReadOnly` must be true or false, not string "yes"',
    ]);
  });

  it('refuses id (unless it repeats the namespace), deleted, other lines\' fields and literal credentials; warns of deprecated fields', () => {
    expect(problems({ id: 'a.b' })).toEqual([]);
    expect(problems({ id: 'c.d', deleted: false, workerGroup: { key: 'x' }, storageConfiguration: { accessKey: 'AKIA123', region: 'eu' }, secretConfiguration: { token: 's3cr3t' } })).toEqual([
      'error id: `id: c.d` names another namespace than the one these properties are for, a.b',
      'error deleted: `deleted` is not a namespace property kestraform sets',
      'error workerGroup: `workerGroup` is a namespace property of Kestra 1.x only, not of the 2.x this stack targets',
      'error storageConfiguration.accessKey: `storageConfiguration.accessKey` holds a credential written out: kestraform puts no secret into Git, cdk.tf.json, state or plans',
      'error secretConfiguration.token: `secretConfiguration.token` holds a credential written out: kestraform puts no secret into Git, cdk.tf.json, state or plans',
    ]);
    expect(problems({ allowedTriggers: [{ namespace: 'c.d', flowId: 'f' }] }, 1)).toEqual(['warning allowedTriggers: `allowedTriggers` is deprecated']);
    expect(problems(['not', 'a', 'mapping'])).toEqual([' : the namespace properties are not a mapping of Kestra Namespace fields'.replace(/^ /, 'error ')]);
  });

  it('reads namespace.yaml: the properties without id, problems at their line and column', () => {
    expect(read('# the team\nid: a.b\ndescription: Team A\n')).toEqual({ properties: { description: 'Team A' }, line: 2, diagnostics: [] });
    expect(read('')).toEqual({ properties: {}, line: 1, diagnostics: [] });
    expect(read('# nothing yet\n')).toEqual({ properties: {}, line: 1, diagnostics: [] });
    const dup = read('description: a\ndescription: b\n');
    expect(dup.properties).toBeUndefined();
    expect(dup.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.message}`)).toEqual([expect.stringMatching(/^kestra\/a\.b\/namespace\.yaml:2:1 namespace\.yaml is not valid YAML: .*unique/i)]);
    const typo = read('description: ok\nvariabels:\n  x: 1\n');
    expect(typo.diagnostics.map((d) => `${d.line}:${d.column} ${d.severity} ${d.message} — ${d.hint}`)).toEqual(["2:1 error `variabels` is not a property of Kestra's Namespace — did you mean `variables`?"]);
    expect(read('colour: blue\n').diagnostics.map((d) => d.hint)).toEqual([expect.stringMatching(/^use one of description, variables, allowedNamespaces, .*concurrency, defaultWorkerSelector, quotas$/)]);
    // A warning alone keeps the properties.
    expect(read('allowedTriggers:\n  - namespace: c.d\n', 1)).toMatchObject({ properties: { allowedTriggers: [{ namespace: 'c.d' }] }, diagnostics: [{ severity: 'warning', line: 1 }] });
  });
});

describeWithShared('kestra-api/openapi-ee.yml', "namespace properties against Kestra's specs", () => {
  // The fields of the spec's Namespace schema but id and deleted, per Kestra line: exactly the ones taken.
  const fieldsOf = (spec: string) => {
    const doc = load(fs.readFileSync(path.join(SHARED, 'kestra-api', spec), 'utf8')) as { components: { schemas: Record<string, { properties?: Record<string, { deprecated?: boolean }> }> } };
    return Object.keys(doc.components.schemas.Namespace.properties ?? {}).filter((k) => k !== 'id' && k !== 'deleted').sort();
  };
  it.each([[2, 'openapi-ee.yml'], [1, 'openapi-ee-1.3.yml']] as const)('Kestra %d.x takes the fields of %s', (major, spec) => {
    const taken = Object.keys(NAMESPACE_PROPERTIES).filter((k) => NAMESPACE_PROPERTIES[k].majors.includes(major)).sort();
    expect(taken).toEqual(fieldsOf(spec));
  });
});
