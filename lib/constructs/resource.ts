/**
 * Base of kestraform's hand-written Terraform resources: no generated bindings, no provider
 * download. Their attributes are checked against the schemas of lib/model/resources when cdktf
 * validates the stack (at synth); the engine checks them again when it reads cdk.tf.json back.
 */
import { Construct, TerraformResource, Token, Tokenization } from './cdk';
import type { ITerraformDependable, TerraformResourceLifecycle } from './cdk';
import { sortedObject } from './stable-json';
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

  /** Whether any attribute, meta-argument, provisioner or override holds a token (a cheap look). */
  mayHoldTokens(): boolean {
    if (this.bare()) return !isTokenFree(this.attributes(), 0);
    const overrides = (this as unknown as CdktfResourceInternals).rawOverrides;
    const parts = { attributes: this.attributes(), meta: this.terraformMetaArguments, overrides, provisioners: this.provisioners };
    return !isTokenFree(parts, 0);
  }

  /** No meta-argument, override or provisioner: the resource is its attributes alone. */
  private bare(): boolean {
    const internals = this as unknown as CdktfResourceInternals;
    for (const _ in internals.rawOverrides) return false;
    return (
      this.provisioners === undefined && this.dependsOn === undefined && this.count === undefined && this.provider === undefined &&
      this.lifecycle === undefined && this.forEach === undefined && this.connection === undefined
    );
  }

  /**
   * This resource's JSON as cdktf builds it, when nothing in it is a token: resolving it would
   * change nothing, so the stack can skip cdktf's three resolve passes for it. Undefined when
   * any attribute, meta-argument or override holds a token. (plainBlock is the cheaper answer
   * for bare resources.)
   */
  tokenFreeJson(): Record<string, unknown> | undefined {
    const json = super.toTerraform() as Record<string, unknown>;
    return isTokenFree(json, 0) ? json : undefined;
  }

  /**
   * The one resource block of a bare resource (see bare) that is neither moved nor imported and
   * holds no token: what cdktf's toTerraform would produce (its attributes plus the construct
   * metadata), built without cdktf's merge and snake-case passes, keys already sorted for
   * stableJson. Undefined for any other resource (tokenFreeJson then asks cdktf).
   */
  plainBlock(): PlainBlock | undefined {
    const internals = this as unknown as CdktfResourceInternals;
    if (!this.bare() || internals._imported || internals._hasMoved || internals._movedById || internals._movedByTarget) return undefined;
    const attributes = this.attributes();
    if (!isTokenFree(attributes, 0)) return undefined;
    const entries: [string, unknown][] = [['//', this.constructNodeMetadata]];
    // cdktf's merge drops undefined attributes.
    for (const k in attributes) if (attributes[k] !== undefined) entries.push([k, attributes[k]]);
    return { type: this.terraformResourceType, id: this.friendlyUniqueId, body: sortedObject(entries) };
  }
}

/** `resource.<type>.<id> = body` in cdk.tf.json. */
export interface PlainBlock {
  type: string;
  id: string;
  body: Record<string, unknown>;
}

/** cdktf keeps these private; plainBlock reads them to know when its shortcut would differ. */
interface CdktfResourceInternals {
  rawOverrides: Record<string, unknown>;
  _imported?: unknown;
  _hasMoved?: boolean;
  _movedById?: unknown;
  _movedByTarget?: unknown;
}

// Every token cdktf encodes into a string (string, list and map tokens) holds this marker; a
// plain substring search settles most strings before cdktf's regular expressions run.
const TOKEN_MARKER = '{TfToken[';
const isTokenString = (s: string) => s.includes(TOKEN_MARKER) && Token.isUnresolved(s);

function isTokenFree(v: unknown, depth: number): boolean {
  if (v === null || v === undefined || typeof v === 'boolean') return true;
  if (typeof v === 'string') return !isTokenString(v);
  // cdktf encodes number tokens as huge negative doubles: no safe integer is one.
  if (typeof v === 'number') return Number.isSafeInteger(v) || !Token.isUnresolved(v);
  if (typeof v !== 'object' || depth > 100 || Tokenization.isResolvable(v)) return false;
  if (Array.isArray(v)) return !Token.isUnresolved(v) && v.every((x) => isTokenFree(x, depth + 1));
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const [k, x] of Object.entries(v)) if (isTokenString(k) || !isTokenFree(x, depth + 1)) return false;
  return true;
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
// eslint-disable-next-line @typescript-eslint/no-require-imports
const schemas = lazy(() => require('../model/resources') as typeof import('../model/resources'));

function schemaProblems(type: string, attributes: Record<string, unknown>): string[] {
  const { attributeSchemas, describeIssues } = schemas();
  const parsed = attributeSchemas[type].safeParse(attributes);
  return parsed.success ? [] : describeIssues(parsed.error);
}
