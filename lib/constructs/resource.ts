/**
 * Base of kestraform's hand-written Terraform resources: no generated bindings, no provider
 * download. Each subclass declares its zod schema; the attributes it synthesizes are validated
 * with that schema when cdktf validates the stack (at synth).
 */
import type { z } from 'zod';
import { Construct, TerraformResource } from './cdk';
import type { ITerraformDependable, TerraformResourceLifecycle } from './cdk';
import { describeIssues } from '../model/resources';

export interface KestraResourceMeta {
  dependsOn?: ITerraformDependable[];
  lifecycle?: TerraformResourceLifecycle;
}

export abstract class KestraResource<A extends Record<string, unknown>> extends TerraformResource {
  protected constructor(
    scope: Construct,
    id: string,
    type: string,
    meta: KestraResourceMeta,
    private readonly schema: z.ZodType<A>,
  ) {
    super(scope, id, { terraformResourceType: type, dependsOn: meta.dependsOn, lifecycle: meta.lifecycle });
    this.node.addValidation({
      validate: () => {
        const parsed = this.schema.safeParse(this.attributes());
        return parsed.success ? [] : describeIssues(parsed.error).map((m) => `${type} ${this.node.path}: ${m}`);
      },
    });
  }

  /** The resource's attributes in the provider's snake_case names. */
  abstract attributes(): A;

  protected synthesizeAttributes(): Record<string, unknown> {
    return this.attributes();
  }
}
