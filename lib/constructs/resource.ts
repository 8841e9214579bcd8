/**
 * Base of kestraform's hand-written Terraform resources: no generated bindings, no provider
 * download. Each subclass declares its zod schema; the attributes it synthesizes are validated
 * with that schema when cdktf validates the stack (at synth).
 */
import type { z } from 'zod';
import { Construct, TerraformResource, Token, Tokenization } from './cdk';
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

  /** Set by KestraStack while it writes this resource's JSON itself (see tokenFreeJson). */
  synthesizedByStack = false;

  toTerraform(): Record<string, unknown> {
    return this.synthesizedByStack ? {} : (super.toTerraform() as Record<string, unknown>);
  }

  /** Whether any attribute, meta-argument, provisioner or override holds a token (a cheap look). */
  mayHoldTokens(): boolean {
    const overrides = (this as unknown as { rawOverrides: object }).rawOverrides;
    const parts = { attributes: this.attributes(), meta: this.terraformMetaArguments, overrides, provisioners: this.provisioners };
    return !isTokenFree(parts, 0);
  }

  /**
   * This resource's JSON as cdktf builds it, when nothing in it is a token: resolving it would
   * change nothing, so the stack can skip cdktf's three resolve passes for it. Undefined when
   * any attribute, meta-argument or override holds a token.
   */
  tokenFreeJson(): Record<string, unknown> | undefined {
    const json = super.toTerraform() as Record<string, unknown>;
    return isTokenFree(json, 0) ? json : undefined;
  }
}

function isTokenFree(v: unknown, depth: number): boolean {
  if (v === null || v === undefined || typeof v === 'boolean') return true;
  if (typeof v === 'string' || typeof v === 'number') return !Token.isUnresolved(v);
  if (typeof v !== 'object' || depth > 100 || Tokenization.isResolvable(v)) return false;
  if (Array.isArray(v)) return !Token.isUnresolved(v) && v.every((x) => isTokenFree(x, depth + 1));
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const [k, x] of Object.entries(v)) if (Token.isUnresolved(k) || !isTokenFree(x, depth + 1)) return false;
  return true;
}
