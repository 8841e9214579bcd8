/**
 * The Kestra resources of a stack that fast synth writes itself, and their JSON: exactly what
 * cdktf's toTerraform would produce for them, built without its resolve passes because nothing
 * in them is a token.
 */
import { TerraformStack, type Construct, type TerraformResource } from '../cdk';
import { KestraResource } from '../resource';
import { constructNodeMetadataOf, isImportedOrMoved, overridesOf } from './internals';
import { sortedObject } from '../../util/stable-json';
import { asResolved, isTokenFree } from './token-free';

export type AnyKestraResource = KestraResource<Record<string, unknown>>;

/** `resource.<type>.<id> = body` in cdk.tf.json. */
export interface PlainBlock {
  type: string;
  id: string;
  body: Record<string, unknown>;
}

/** Token-free resources: bare ones as plain blocks, the others as cdktf's own JSON fragment. */
export interface DirectJson {
  blocks: Map<AnyKestraResource, PlainBlock>;
  fragments: Map<AnyKestraResource, Record<string, unknown>>;
}

/**
 * The stack's Kestra resources that fast synth may take out of cdktf's passes: none when the
 * stack itself carries an override (it may reach into any resource, so cdktf must merge and
 * resolve them all). Nested stacks synthesize themselves; a resource with constructs below it
 * stays with cdktf, since taking it out of the tree would take them out too.
 */
export function directCandidates(stack: TerraformStack): AnyKestraResource[] {
  const out: AnyKestraResource[] = [];
  for (const _ in overridesOf(stack)) return out;
  const visit = (c: Construct) => {
    if (c !== stack && TerraformStack.isStack(c)) return;
    const children = c.node.children;
    if (c instanceof KestraResource && children.length === 0) out.push(c);
    for (const child of children) visit(child);
  };
  visit(stack);
  return out;
}

/** Whether any attribute, meta-argument, provisioner or override may hold a token (a cheap look). */
export function mayHoldTokens(resource: AnyKestraResource): boolean {
  if (isBare(resource)) return !isTokenFree(resource.attributes());
  const parts = { attributes: resource.attributes(), meta: resource.terraformMetaArguments, overrides: overridesOf(resource), provisioners: resource.provisioners };
  return !isTokenFree(parts);
}

export function directJson(resources: readonly AnyKestraResource[]): DirectJson {
  const json: DirectJson = { blocks: new Map(), fragments: new Map() };
  for (const r of resources) {
    const block = plainBlock(r);
    if (block) json.blocks.set(r, block);
    else {
      const fragment = tokenFreeJson(r);
      if (fragment) json.fragments.set(r, fragment);
    }
  }
  return json;
}

/**
 * The one block of a bare resource that is neither imported nor moved and holds no token;
 * undefined for any other resource (tokenFreeJson then asks cdktf).
 */
function plainBlock(resource: AnyKestraResource): PlainBlock | undefined {
  if (!isBare(resource) || isImportedOrMoved(resource)) return undefined;
  const attributes = resource.attributes();
  return isTokenFree(attributes) ? bareResourceBlock(resource, attributes) : undefined;
}

/**
 * What cdktf's toTerraform makes of a bare resource (no meta-argument, override, provisioner,
 * import or move) with these token-free attributes: the attributes plus the construct metadata,
 * built without cdktf's merge and snake-case passes, keys already sorted for stableJson.
 */
export function bareResourceBlock(resource: TerraformResource, attributes: Record<string, unknown>): PlainBlock {
  const entries: [string, unknown][] = [['//', constructNodeMetadataOf(resource)]];
  // cdktf's merge drops undefined attributes.
  for (const k in attributes) if (attributes[k] !== undefined) entries.push([k, attributes[k]]);
  return { type: resource.terraformResourceType, id: resource.friendlyUniqueId, body: sortedObject(entries) };
}

/** The resource's JSON as cdktf builds and resolves it, when nothing in it is a token. */
function tokenFreeJson(resource: AnyKestraResource): Record<string, unknown> | undefined {
  const json = resource.toTerraform() as Record<string, unknown>;
  return isTokenFree(json) ? asResolved(json) : undefined;
}

/** No meta-argument, override or provisioner: the resource is its attributes alone. */
function isBare(r: AnyKestraResource): boolean {
  for (const _ in overridesOf(r)) return false;
  return (
    r.provisioners === undefined && r.dependsOn === undefined && r.count === undefined && r.provider === undefined &&
    r.lifecycle === undefined && r.forEach === undefined && r.connection === undefined
  );
}
