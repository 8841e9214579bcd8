/**
 * The one list of what fast synth relies on in cdktf and constructs beyond their published API
 * (used through ./internals), each with a check that it still has the shape fast synth expects,
 * run by ./guard on a small probe tree built apart from any app.
 */
import { isDeepStrictEqual } from 'node:util';
import { Construct, Lazy, TerraformResource, TerraformStack, Token } from '../cdk';
import { bareResourceBlock } from './direct-resources';
import { childrenById, constructNodeMetadataOf, deepMerge, DOUBLE_IN_TEXT, isImportedOrMoved, makeUniqueId, NUMBER_TOKEN_EXPONENT, overridesOf, replaceChildren, TOKEN_MARKER } from './internals';
import { logicalIdOf } from './logical-id';

export interface ReliedOnInternal {
  /** Package, class and member (or file and export), as in the package's sources. */
  readonly name: string;
  /** How the probe differs from what fast synth expects; undefined when it does not. */
  readonly check: (probe: Probe) => string | undefined;
}

export const RELIED_ON_INTERNALS: readonly ReliedOnInternal[] = [
  // Fast synth hides the resources it writes itself from cdktf's passes by swapping a parent's
  // children record for one without them (./detached), then puts the record back.
  {
    name: 'constructs Node._children',
    check: ({ root, child }) => {
      const all = childrenById(root.node);
      if (!isRecord(all) || all[child.node.id] !== child) return 'is not the record of the node children by id';
      replaceChildren(root.node, {});
      const hidden = root.node.children.length === 0;
      replaceChildren(root.node, all);
      return hidden && root.node.children[0] === child ? undefined : 'is not what node.children reads';
    },
  },
  // A stack-level override may reach into any resource: fast synth then leaves the stack to cdktf.
  {
    name: 'cdktf TerraformStack.rawOverrides',
    check: ({ stack }) => recordsOverrides(overridesOf(stack), () => stack.addOverride('probe.key', 1)),
  },
  // A resource with an override is not bare: its JSON is cdktf's (and checked for tokens), not a plain block.
  {
    name: 'cdktf TerraformElement.rawOverrides',
    check: ({ overridden }) => recordsOverrides(overridesOf(overridden), () => overridden.addOverride('probe.key', 1)),
  },
  // An imported or moved resource gets import/moved blocks and metadata: never a plain block.
  {
    name: 'cdktf TerraformResource._imported',
    check: ({ bare, imported }) => fieldMarks(imported, '_imported', bare),
  },
  {
    name: 'cdktf TerraformResource._hasMoved',
    check: ({ bare, movedToId, movedToTarget }) =>
      (bare as unknown as { _hasMoved?: unknown })._hasMoved !== false ? 'is not false on a resource that has not moved' : fieldMarks(movedToId, '_hasMoved', bare) ?? fieldMarks(movedToTarget, '_hasMoved', bare),
  },
  {
    name: 'cdktf TerraformResource._movedById',
    check: ({ bare, movedToId, movedFromId }) => fieldMarks(movedToId, '_movedById', bare) ?? fieldMarks(movedFromId, '_movedById', bare),
  },
  {
    name: 'cdktf TerraformResource._movedByTarget',
    check: ({ bare, movedToTarget }) => fieldMarks(movedToTarget, '_movedByTarget', bare),
  },
  // The `//` entry of a plain block is this protected getter's value, as in cdktf's own blocks.
  {
    name: 'cdktf TerraformElement.constructNodeMetadata',
    check: ({ bare }) => {
      const meta = constructNodeMetadataOf(bare) as { metadata?: { path?: unknown; uniqueId?: unknown } } | undefined;
      return meta?.metadata?.path === bare.node.path && meta.metadata.uniqueId === bare.friendlyUniqueId ? undefined : 'is not { metadata: { path, uniqueId, … } }';
    },
  },
  // A plain block is built without cdktf (./direct-resources): it must be the block cdktf builds.
  {
    name: 'cdktf TerraformResource.toTerraform of a bare resource',
    check: ({ bare }) => {
      const block = bareResourceBlock(bare, PROBE_ATTRIBUTES);
      const expected = { resource: { [block.type]: { [block.id]: block.body } } };
      return isDeepStrictEqual(asJson(bare.toTerraform()), asJson(expected)) ? undefined : 'no longer gives the block fast synth builds';
    },
  },
  // Fast synth merges JSON fragments with cdktf's own merge, so that the result is the same.
  {
    name: 'cdktf/lib/util deepMerge',
    check: () => {
      const merged = deepMerge({ a: { b: 1 }, gone: 1, list: [1] }, { a: { c: 2 }, gone: undefined, list: [2] });
      return isDeepStrictEqual(merged, { a: { b: 1, c: 2 }, list: [1, 2] }) ? undefined : 'merges differently';
    },
  },
  // Logical ids are made by ./logical-id to cdktf's rules, which this function embodies.
  {
    name: 'cdktf/lib/private/unique makeUniqueId',
    check: () => {
      const differing = SAMPLE_PATHS.find((p) => makeUniqueId([...p]) !== logicalIdOf([...p]));
      return differing ? `gives another id than fast synth for ${JSON.stringify(differing)}` : undefined;
    },
  },
  // Strings, list elements and map keys that are tokens are found by this marker (./token-free).
  {
    name: 'cdktf token encoding (string, list and map tokens contain "{TfToken[")',
    check: () => {
      const encoded = [Token.asString(Lazy.stringValue({ produce: () => 'x' })), ...Token.asList(Lazy.listValue({ produce: () => ['x'] })), ...Object.keys(Token.asStringMap(Lazy.anyValue({ produce: () => ({}) })))];
      return encoded.length === 3 && encoded.every((s) => s.includes(TOKEN_MARKER)) ? undefined : `encodes tokens as ${JSON.stringify(encoded)}`;
    },
  },
  // Number tokens are found as numbers that are not safe integers, and in strings by their text.
  {
    name: 'cdktf token encoding (number tokens are huge doubles)',
    check: () => {
      const n = Token.asNumber(Lazy.numberValue({ produce: () => 1 }));
      const inText = [...`n=${n}`.matchAll(DOUBLE_IN_TEXT)].map((m) => Number(m[0]));
      const found = !Number.isSafeInteger(n) && `${n}`.includes(NUMBER_TOKEN_EXPONENT) && inText.length === 1 && Token.isUnresolved(inText[0]);
      return found ? undefined : `encodes a number token as ${n}`;
    },
  },
  // ./json-writer wraps the stack's synthesizer, which must end by writing `stack.toTerraform()`
  // to the stack's synthesizedStackPath (cdktf 0.21's StackSynthesizer does; the version guard
  // vouches for that, this check only for the shape).
  {
    name: 'cdktf TerraformStack.synthesizer',
    check: ({ stack }) => (typeof stack.synthesizer?.synthesize === 'function' ? undefined : 'has no synthesize method'),
  },
];

/** Constructs built to check the list against, under a root of their own (never part of an app). */
export interface Probe {
  root: Construct;
  child: Construct;
  stack: TerraformStack;
  bare: TerraformResource;
  overridden: TerraformResource;
  imported: TerraformResource;
  movedToId: TerraformResource;
  movedFromId: TerraformResource;
  movedToTarget: TerraformResource;
}

const PROBE_ATTRIBUTES: Record<string, unknown> = { name: 'probe', absent: undefined, nested: { z: 1, a: [true] } };

const SAMPLE_PATHS: readonly string[][] = [
  ['tree', 'company.team', 'flow-hello'],
  ['tree', 'company.team', 'file-|scripts|etl.py'],
  ['Default', 'Resource', 'Resource'],
  ['parent', 'Resource', 'ent'],
  ['x'.repeat(300), 'y'],
];

class ProbeResource extends TerraformResource {
  constructor(scope: Construct, id: string) {
    super(scope, id, { terraformResourceType: 'kestraform_probe' });
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    return PROBE_ATTRIBUTES;
  }
}

export function buildProbe(): Probe {
  // constructs makes a root of a construct without a scope.
  const root = new Construct(undefined as unknown as Construct, '');
  const child = new Construct(root, 'child');
  const stack = new TerraformStack(root, 'probe');
  const resource = (id: string) => new ProbeResource(stack, id);
  const imported = resource('imported');
  imported.importFrom('probe-id');
  const movedToId = resource('moved-to-id');
  movedToId.moveToId('kestraform_probe.elsewhere');
  const movedFromId = resource('moved-from-id');
  movedFromId.moveFromId('kestraform_probe.before');
  const movedToTarget = resource('moved-to-target');
  movedToTarget.moveTo('probe-target');
  return { root, child, stack, bare: resource('bare'), overridden: resource('overridden'), imported, movedToId, movedFromId, movedToTarget };
}

/** An empty record that `addOverride` fills, path by path. */
function recordsOverrides(overrides: unknown, addOverride: () => void): string | undefined {
  if (!isRecord(overrides) || Object.keys(overrides).length > 0) return 'is not an empty record before any override';
  addOverride();
  return (overrides.probe as Record<string, unknown> | undefined)?.key === 1 ? undefined : 'does not record addOverride';
}

/** The field is set on `marked` and unset on `unmarked`, and isImportedOrMoved reads it as such. */
function fieldMarks(marked: TerraformResource, field: string, unmarked: TerraformResource): string | undefined {
  const value = (r: TerraformResource) => (r as unknown as Record<string, unknown>)[field];
  if (!value(marked) || value(unmarked)) return `is not set on ${marked.node.id} alone`;
  return isImportedOrMoved(marked) && !isImportedOrMoved(unmarked) ? undefined : 'is not read as an import or move';
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const asJson = (v: unknown): unknown => JSON.parse(JSON.stringify(v));
