/**
 * Base of kestraform's hand-written Terraform resources: no generated bindings, no provider
 * download. Their attributes are checked against the schemas of lib/model/resources when cdktf
 * validates the stack (at synth); the engine checks them again when it reads cdk.tf.json back.
 */
import { Construct, TerraformResource } from './cdk';
import type { ITerraformDependable, TerraformResourceLifecycle } from './cdk';
import { lazy } from '../util/lazy';

export interface KestraResourceMeta {
  dependsOn?: ITerraformDependable[];
  lifecycle?: TerraformResourceLifecycle;
  /**
   * Leave the schema check to the read-back of cdk.tf.json (which checks every resource anyway)
   * instead of failing the synth: for resources built from what a tree reader already checked
   * (NamespaceTree), so that a synth of a tree never loads zod.
   */
  schemaCheckAtReadBack?: boolean;
}

export abstract class KestraResource<A extends Record<string, unknown>> extends TerraformResource {
  protected constructor(scope: Construct, id: string, type: string, meta: KestraResourceMeta) {
    super(scope, id, { terraformResourceType: type, dependsOn: meta.dependsOn, lifecycle: meta.lifecycle });
    if (!meta.schemaCheckAtReadBack) this.node.addValidation(new SchemaCheck(this, type));
  }

  /** The resource's attributes in the provider's snake_case names. */
  abstract attributes(): A;

  protected synthesizeAttributes(): Record<string, unknown> {
    return this.attributes();
  }
}

/** The synth-time check of a resource's attributes against its schema. */
class SchemaCheck {
  constructor(
    private readonly resource: KestraResource<Record<string, unknown>>,
    private readonly type: string,
  ) {}

  validate(): string[] {
    return schemaProblems(this.type, this.resource.attributes()).map((m) => `${this.type} ${this.resource.node.path}: ${m}`);
  }
}

// Required on first use, not imported: zod and the schemas load only when some resource needs them.
const schemas = lazy(() => require('../model/resources') as typeof import('../model/resources'));

function schemaProblems(type: string, attributes: Record<string, unknown>): string[] {
  const { attributeSchemas, describeIssues } = schemas();
  const parsed = attributeSchemas[type].safeParse(attributes);
  return parsed.success ? [] : describeIssues(parsed.error);
}
