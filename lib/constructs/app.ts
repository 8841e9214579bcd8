import { Token, type Construct } from './cdk';
import { KestraResource, type KestraResourceMeta } from './resource';
import { APP_TYPE } from '../model/names';
import { KestraStack } from './stack';
import type { AppAttributes } from '../model/attributes';
import { transformFlow } from '../gittree/flow-transform';
import { parseYamlDocs } from '../gittree/classify';

export interface KestraAppConfig extends KestraResourceMeta {
  namespace: string;
  /** The app's `id`, as its source says. */
  appId: string;
  /** The app's YAML source (`id`, `namespace`, `type: io.kestra.plugin.ee.apps.App`, …), sent to Kestra as given. */
  source: string;
  /** Where the source came from, for messages and pull (project-relative path). */
  sourceFile?: string;
}

/**
 * A Kestra Enterprise app (`kestra_app`: namespace, app_id, source). Kestra names an app by a uid
 * of its own; kestraform knows it by its namespace and id. In an environment that renames
 * namespaces, the source's namespaces are rewritten as a flow's are.
 */
export class KestraApp extends KestraResource<AppAttributes> {
  static readonly tfResourceType = APP_TYPE;
  readonly namespace: string;
  readonly appId: string;
  readonly source: string;
  readonly sourceFile?: string;

  constructor(scope: Construct, id: string, config: KestraAppConfig) {
    super(scope, id, APP_TYPE, config);
    const stack = KestraStack.of(this);
    if (!config.schemaCheckAtReadBack) checkNamed(stack, this.node.path, 'app', config.source, { id: config.appId, namespace: config.namespace }, config.sourceFile);
    this.namespace = stack.namespaceHere(config.namespace);
    this.appId = config.appId;
    this.source = sourceHere(stack, 'app', config.source, config.sourceFile ?? this.node.path);
    this.sourceFile = config.sourceFile;
  }

  attributes(): AppAttributes {
    // Keys in sorted order, as cdk.tf.json lists them.
    return { app_id: this.appId, namespace: this.namespace, source: this.source, source_file: this.sourceFile };
  }
}

/**
 * An app's or unit test's source as this stack's environment deploys it: the namespaces it names
 * renamed as the environment renames a flow's (its own `namespace`, the flows it calls), the rest
 * byte for byte. Without an environment that renames namespaces, the source as it is.
 */
export function sourceHere(stack: KestraStack, what: string, source: string, file: string): string {
  const ns = stack.environment?.options.namespaces;
  const rules = Object.entries(ns?.rename ?? {}).map(([from, to]) => ({ from, to }));
  if ((!rules.length && ns?.prefix === undefined) || Token.isUnresolved(source)) return source;
  const rewritten = transformFlow(source, { namespaces: { rules, prefix: ns?.prefix }, kestraMajor: stack.kestraVersion }, { file });
  stack.addDiagnostics(rewritten.diagnostics.map((d) => ({ ...d, message: d.message.replace(/^flow cannot/, `${what} cannot`).replace(/the flow's namespace/g, `the ${what}'s namespace`) })));
  return rewritten.source;
}

/**
 * A source written in a stack's code must say what its construct says (`id`, `namespace`, a
 * test's `flowId`): Kestra takes the source, kestraform the construct's names. The stack's
 * diagnostics say where they differ.
 */
export function checkNamed(stack: KestraStack, where: string, what: string, source: string, expected: Record<string, string>, file?: string): void {
  // A value known only later (a token) is checked by the kind when it reads cdk.tf.json back.
  if (Token.isUnresolved(source) || Object.values(expected).some((v) => Token.isUnresolved(v))) return;
  const parsed = parseYamlDocs(source);
  const root = 'docs' in parsed ? parsed.docs.find((d) => d !== null && d !== undefined) : undefined;
  const at = file ?? `construct ${where}`;
  if (!root || typeof root !== 'object' || Array.isArray(root)) {
    stack.addDiagnostics([{ severity: 'error', file: at, line: 0, column: 0, message: `${what} source ${'error' in parsed ? `is not valid YAML: ${parsed.error}` : 'is not a YAML mapping'}`, hint: `give the ${what}'s YAML source` }]);
    return;
  }
  for (const [key, value] of Object.entries(expected)) {
    const actual = (root as Record<string, unknown>)[key];
    if (actual !== value) {
      stack.addDiagnostics([{ severity: 'error', file: at, line: 0, column: 0, message: `${what} ${where}: its source says \`${key}: ${actual === undefined ? '(none)' : String(actual)}\`, its construct ${value}`, hint: `make the construct and the source name the same ${key}` }]);
    }
  }
}
