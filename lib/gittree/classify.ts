/**
 * What a YAML file of a repository is, told by its content (and, for a few well-known tools, its
 * place): a Kestra flow, another Kestra kind (app, unit test, dashboard, blueprint), or some other
 * YAML — with the reason in a few words, so `init` can say why it left a file out. One classifier
 * serves every source and `init`, so the same file is never a flow for one and a file for another.
 */
import { CORE_SCHEMA, loadAll } from 'js-yaml';

/**
 * The Kestra kinds a repository's YAML files may be. kestraform deploys flows, apps, unit tests
 * (TestSuites) and dashboards (the last three as the stack's edition allows); blueprints are listed.
 */
export type KestraKind = 'flow' | 'app' | 'test' | 'dashboard' | 'blueprint';

/** What a source may find and not deploy: a file's kind, or a namespace object (`<ns>/namespace.yaml`). */
export type FoundKind = KestraKind | 'namespace';

export type YamlClass =
  | {
      kind: KestraKind;
      id?: string;
      namespace?: string;
      /** A unit test: the flow it tests. */
      flowId?: string;
      /**
       * Why Kestra would not take it as an object of its kind, in words: a unit test written
       * another way than Kestra's TestSuite (no `testCases`). Such a file is listed, never deployed.
       */
      why?: string;
    }
  /** Some other YAML; `why` says what it looks like instead, in a few words. */
  | { kind: 'other'; why: string }
  /** Not parsable as YAML (a flow with a syntax error, or a file that only looks like YAML). */
  | { kind: 'unparsable'; message: string };

export const KIND_NAMES: Record<FoundKind, string> = {
  flow: 'flow',
  app: 'app (Kestra Enterprise)',
  test: 'unit test (Kestra Enterprise)',
  dashboard: 'dashboard',
  blueprint: 'blueprint',
  namespace: 'namespace object (Kestra Enterprise)',
};

/** Why a unit test without `testCases` is never deployed. */
export const NOT_A_TEST_SUITE = "not a Kestra TestSuite (no `testCases`): Kestra's unit tests are `id`, `namespace`, `flowId` and a list of `testCases`";

export const YAML_FILE = /\.ya?ml$/i;

/** Parses the documents of a YAML text with js-yaml (YAML 1.2 core schema), or says why it cannot. */
export function parseYamlDocs(text: string): { docs: unknown[] } | { error: string } {
  try {
    return { docs: loadAll(text.replace(/^\uFEFF/, ''), undefined, { schema: CORE_SCHEMA }) };
  } catch (e) {
    return { error: String((e as Error).message).split('\n')[0] };
  }
}

/** `rel`: the file's path in the repository ('/'-separated), for the tools known by their place. */
export function classifyYaml(parsed: { docs: unknown[] } | { error: string }, rel: string, text?: string): YamlClass {
  if ('error' in parsed) {
    if (text !== undefined && /%\{~?\s*(if|for)\b|\$\{/.test(text)) return { kind: 'other', why: `a Terraform templatefile template (not YAML until Terraform renders it: ${parsed.error})` };
    return { kind: 'unparsable', message: parsed.error };
  }
  const docs = parsed.docs.filter((d) => d !== null && d !== undefined);
  if (docs.length === 0) return { kind: 'other', why: 'empty' };
  const root = docs[0];
  const byPlace = knownByPlace(rel);
  if (!isMapping(root)) return { kind: 'other', why: byPlace ?? 'not a YAML mapping' };
  const id = typeof root.id === 'string' ? root.id : undefined;
  const namespace = typeof root.namespace === 'string' ? root.namespace : undefined;
  const type = typeof root.type === 'string' ? root.type : undefined;

  // Kestra's app types: io.kestra.plugin.ee.apps.Execution, …apps.forms.CreateExecution, …apps.App.
  if (type !== undefined && (/^io\.kestra\.plugin\.ee\.apps\./.test(type) || /(^|\.)apps\.App$/.test(type))) return { kind: 'app', id, namespace };
  if ('testCases' in root || (type !== undefined && /^io\.kestra\.core\.tests?\./.test(type)) || (typeof root.flowId === 'string' && ('fixtures' in root || 'assertions' in root))) {
    // Only Kestra's TestSuite shape (`testCases`) is a unit test Kestra takes.
    const flowId = typeof root.flowId === 'string' ? root.flowId : undefined;
    return { kind: 'test', id, namespace, ...(flowId !== undefined ? { flowId } : {}), ...('testCases' in root ? {} : { why: NOT_A_TEST_SUITE }) };
  }
  if (Array.isArray(root.charts) && namespace === undefined) return { kind: 'dashboard', id };
  // A mapping with both keys is meant as a flow even when their values are wrong (the flow rules say
  // what is wrong with it).
  // A template Terraform fills in (`id: ${flow_id}`, `namespace: ${namespace}`) is no flow yet.
  if (/\$\{/.test(`${id ?? ''}${namespace ?? ''}`)) return { kind: 'other', why: 'a Terraform templatefile template (its id or namespace is a ${...} placeholder), no flow as it stands' };
  if ((id !== undefined && namespace !== undefined) || ('id' in root && 'namespace' in root) || ('tasks' in root && ('id' in root || 'namespace' in root))) {
    // Kestra's blueprint catalog keeps flows with an `extend:` block Kestra itself would refuse.
    if ('extend' in root) return { kind: 'blueprint', id, namespace };
    if (type !== undefined) return { kind: 'other', why: `a Kestra object of type ${type}, which kestraform does not know` };
    return { kind: 'flow', id, namespace };
  }
  if (byPlace) return { kind: 'other', why: byPlace };
  const byContent = knownByContent(root);
  if (byContent) return { kind: 'other', why: byContent };
  if (id !== undefined) return { kind: 'other', why: 'has an `id` but no `namespace`, so it is no Kestra flow' };
  if (namespace !== undefined) return { kind: 'other', why: 'has a `namespace` but no `id`, so it is no Kestra flow' };
  return { kind: 'other', why: 'no `id` and `namespace`: not a Kestra flow' };
}

function knownByPlace(rel: string): string | undefined {
  const name = rel.slice(rel.lastIndexOf('/') + 1).toLowerCase();
  if (/(^|\/)\.github\/workflows\//.test(rel)) return 'a GitHub Actions workflow';
  if (/(^|\/)\.github\//.test(rel)) return 'GitHub configuration';
  if (name === '.gitlab-ci.yml') return 'a GitLab CI pipeline';
  if (name === '.woodpecker.yml' || name === '.woodpecker.yaml' || /(^|\/)\.woodpecker\//.test(rel)) return 'a Woodpecker CI pipeline';
  if (/^(docker-)?compose(\.[\w-]+)?\.ya?ml$/.test(name)) return 'a Docker Compose file';
  if (name === 'dbt_project.yml' || name === 'profiles.yml') return 'a dbt project file';
  if (name === '.pre-commit-config.yaml' || name === '.yamllint' || name === '.yamllint.yml') return 'tool configuration';
  return undefined;
}

function knownByContent(root: Record<string, unknown>): string | undefined {
  if ('on' in root && 'jobs' in root) return 'a GitHub Actions workflow';
  if ('apiVersion' in root && 'kind' in root) return 'a Kubernetes manifest';
  if (isMapping(root.services)) return 'a Docker Compose file';
  if ('openapi' in root || 'swagger' in root) return 'an OpenAPI document';
  if (root.version === 2 && ('models' in root || 'sources' in root || 'seeds' in root)) return 'a dbt properties file';
  return undefined;
}

const isMapping = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * Cheap test before parsing a YAML file of a namespace-files folder: only a text with top-level
 * `id:` and `namespace:` keys can be a flow, an app or a unit test (the kinds such a folder may hold).
 */
export function mayBeKestraObject(text: string): boolean {
  return /^id\s*:/m.test(text) && /^namespace\s*:/m.test(text);
}
