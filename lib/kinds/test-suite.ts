/**
 * Unit tests (`kestra_test`, `test:NAMESPACE/ID`, Kestra Enterprise): a test suite of one flow.
 * The search of a namespace carries every suite's source, so refresh reads nothing else. Kestra
 * validates each suite before anything is written; a suite is written after the flow it tests.
 * `kestraform test` runs a stack's suites (lib/cli/commands/test.ts).
 */
import { TEST_TYPE, testAttributes } from '../model/resources';
import type { TestAttributes } from '../model/attributes';
import { flowAddress, testAddress } from '../model/addresses';
import { declaredIdentity } from './yaml-declared';
import { yamlSourceKind, type DesiredYamlObject } from './yaml-source-kind';

export interface DesiredTestSuite extends DesiredYamlObject {
  kind: 'test';
  /** The flow the suite tests (in the suite's namespace). */
  flowId: string;
}

/** The Kestra calls test suites need (lib/kestra's client implements them). */
export interface TestSuiteClient {
  searchTestSuites(namespace: string): Promise<Array<{ id: string; namespace: string; flowId: string; source: string; disabled: boolean }>>;
  getTestSuite(namespace: string, id: string): Promise<{ id: string; namespace: string; source: string } | null>;
  createTestSuite(source: string): Promise<{ id: string; namespace: string; source: string }>;
  updateTestSuite(namespace: string, id: string, source: string): Promise<{ id: string; namespace: string; source: string }>;
  deleteTestSuite(namespace: string, id: string): Promise<void>;
  validateTestSuite(source: string): Promise<string | undefined>;
}

const client = (c: unknown) => c as TestSuiteClient;

export const testSuiteKind = yamlSourceKind<DesiredTestSuite>({
  kind: 'test',
  tfType: TEST_TYPE,
  noun: { one: 'unit test', many: 'unit tests', column: 'tests' },
  phases: { write: 3, remove: 2 },
  requiredEdition: () => 'ee',
  attributes: testAttributes,
  toDesired: (raw) => {
    const a = raw as unknown as TestAttributes;
    return { namespace: a.namespace, objectId: a.test_id, content: a.content, sourceFile: a.source_file, flowId: a.flow_id };
  },
  declaredIn: declaredIdentity,
  address: testAddress,
  label: (ns, id) => `${ns}/${id}`,
  async list(c, ns) {
    const suites = await client(c).searchTestSuites(ns);
    return suites.filter((t) => t.namespace === ns).map((t) => ({ id: t.id, source: t.source }));
  },
  async get(c, ns, id) {
    const t = await client(c).getTestSuite(ns, id);
    return t ? { source: t.source } : null;
  },
  async create(c, d) {
    return { source: (await client(c).createTestSuite(d.content)).source };
  },
  async update(c, d) {
    return { source: (await client(c).updateTestSuite(d.namespace, d.objectId, d.content)).source };
  },
  async remove(c, ns, id) {
    await client(c).deleteTestSuite(ns, id);
  },
  async validate(c, ds) {
    const problems = await Promise.all(ds.map(async (d) => {
      const p = await client(c).validateTestSuite(d.content);
      return p ? `${d.sourceFile ?? d.address}: Kestra's validation: ${p.trim()}` : undefined;
    }));
    return problems.filter((p): p is string => p !== undefined);
  },
  dependencies: (d) => [flowAddress(d.namespace, d.flowId)],
  pullHome: (ctx, ns, id) => ctx.homes.object('test', ns, id),
});
