/**
 * Every use fast synth makes of what cdktf and constructs do not publish: private and protected
 * members read from outside their class, functions from files outside cdktf's index, and the
 * way cdktf encodes tokens. Nothing else in kestraform reaches for these; ./relied-on lists each
 * one with a check of its shape, which ./guard runs before any stack synthesizes fast.
 */
import type { IConstruct, Node } from 'constructs';
import type { TerraformElement, TerraformResource, TerraformStack } from '../cdk';

/** constructs' Node keeps a node's children, by id, in `_children` (its `children` getter reads it). */
interface NodeInternals {
  _children?: Record<string, IConstruct>;
}

export function childrenById(node: Node): Record<string, IConstruct> | undefined {
  return (node as unknown as NodeInternals)._children;
}

export function replaceChildren(node: Node, children: Record<string, IConstruct> | undefined): void {
  (node as unknown as NodeInternals)._children = children;
}

/** The overrides addOverride collected: protected on TerraformElement, private on TerraformStack. */
export function overridesOf(elementOrStack: TerraformElement | TerraformStack): Record<string, unknown> {
  return (elementOrStack as unknown as { rawOverrides: Record<string, unknown> }).rawOverrides;
}

/** What TerraformResource's private fields say about imports (importFrom) and moves (moveTo, moveToId, moveFromId). */
interface ResourceMoveInternals {
  _imported?: unknown;
  _hasMoved?: boolean;
  _movedById?: unknown;
  _movedByTarget?: unknown;
}

export function isImportedOrMoved(resource: TerraformResource): boolean {
  const r = resource as unknown as ResourceMoveInternals;
  return Boolean(r._imported || r._hasMoved || r._movedById || r._movedByTarget);
}

/** TerraformElement's protected `constructNodeMetadata`: the `//` entry cdktf puts in every resource block. */
export function constructNodeMetadataOf(element: TerraformElement): Record<string, unknown> {
  return (element as unknown as { constructNodeMetadata: Record<string, unknown> }).constructNodeMetadata;
}

/**
 * Every token cdktf encodes into a string (its string, list and map tokens: `${TfToken[…]}`,
 * `#{TfToken[…]}`, `&{TfToken[…]}`) holds this; a plain substring search settles most strings
 * before cdktf's regular expressions need to run.
 */
export const TOKEN_MARKER = '{TfToken[';

/**
 * cdktf encodes a number token as a huge negative double, which a string holds as decimal text
 * with this exponent sign; DOUBLE_IN_TEXT finds such numbers for Token.isUnresolved to judge.
 */
export const NUMBER_TOKEN_EXPONENT = 'e+';
export const DOUBLE_IN_TEXT = /-?\d+(?:\.\d+)?e\+\d+/g;

type DeepMerge = (target: Record<string, unknown>, ...sources: unknown[]) => Record<string, unknown>;
type MakeUniqueId = (components: string[]) => string;

/** cdktf's own merge of JSON fragments (cdktf/lib/util), so that fast synth merges exactly as cdktf does. */
export const deepMerge = cdktfFileExport<DeepMerge>('cdktf/lib/util', 'deepMerge');

/** cdktf's logical id of a construct path below its stack (cdktf/lib/private/unique). */
export const makeUniqueId = cdktfFileExport<MakeUniqueId>('cdktf/lib/private/unique', 'makeUniqueId');

/**
 * A function exported by a file of cdktf outside its index, or, if the file or the export is
 * gone, a stand-in that throws (the guard calls each one on a sample first, so it refuses fast
 * synth instead). Required rather than imported: an import of a missing file would fail to load
 * kestraform at all.
 */
function cdktfFileExport<F extends (...args: never[]) => unknown>(file: string, name: string): F {
  try {
    const exported = (require(file) as Record<string, unknown>)[name];
    if (typeof exported === 'function') return exported as F;
  } catch {
    // reported by the stand-in below, when the guard calls it
  }
  return (() => {
    throw new Error(`${file} exports no function ${name}`);
  }) as unknown as F;
}
