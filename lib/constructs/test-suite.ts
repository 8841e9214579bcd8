import type { Construct } from './cdk';
import { KestraResource, type KestraResourceMeta } from './resource';
import { TEST_TYPE } from '../model/names';
import { KestraStack } from './stack';
import type { TestAttributes } from '../model/attributes';
import { checkNamed, sourceHere } from './app';

export interface KestraTestSuiteConfig extends KestraResourceMeta {
  namespace: string;
  /** The TestSuite's `id` (letters, digits, "_" and "-"). */
  testId: string;
  /** The flow it tests, in the same namespace (its `flowId`). */
  flowId: string;
  /** The TestSuite's YAML source (`id`, `namespace`, `flowId`, `testCases`), sent to Kestra as given. */
  content: string;
  sourceFile?: string;
}

/**
 * A Kestra Enterprise unit test (`kestra_test`: namespace, test_id, flow_id, content): Kestra's
 * TestSuite, a list of test cases for one flow. In an environment that renames namespaces, its
 * source's namespace is rewritten as a flow's is.
 */
export class KestraTestSuite extends KestraResource<TestAttributes> {
  static readonly tfResourceType = TEST_TYPE;
  readonly namespace: string;
  readonly testId: string;
  readonly flowId: string;
  readonly content: string;
  readonly sourceFile?: string;

  constructor(scope: Construct, id: string, config: KestraTestSuiteConfig) {
    super(scope, id, TEST_TYPE, config);
    const stack = KestraStack.of(this);
    if (!config.schemaCheckAtReadBack) checkNamed(stack, this.node.path, 'unit test', config.content, { id: config.testId, namespace: config.namespace, flowId: config.flowId }, config.sourceFile);
    this.namespace = stack.namespaceHere(config.namespace);
    this.testId = config.testId;
    this.flowId = config.flowId;
    this.content = sourceHere(stack, 'unit test', config.content, config.sourceFile ?? this.node.path);
    this.sourceFile = config.sourceFile;
  }

  attributes(): TestAttributes {
    // Keys in sorted order, as cdk.tf.json lists them.
    return { content: this.content, flow_id: this.flowId, namespace: this.namespace, source_file: this.sourceFile, test_id: this.testId };
  }
}
