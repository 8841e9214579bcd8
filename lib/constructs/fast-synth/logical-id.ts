/**
 * cdktf 0.21's logical id for a construct path below its stack (its private makeUniqueId, whose
 * rules are: drop "Default" components; a single component is used as it is, stripped to
 * [A-Za-z0-9_-], when it fits 255 characters; otherwise the components — without one that the
 * previous ends with, and without "Resource" — are stripped and joined by "_", cut to 240
 * characters, then "_" and the first 8 hex digits, upper case, of the md5 of the path joined by
 * "/"). Made here with one-shot hashing because a large tree asks for 10,000 of them; cdktf's own
 * function answers the cases outside these rules, and tests (and the guard, on samples) hold
 * every id equal to cdktf's.
 */
import * as crypto from 'node:crypto';
import type { Node } from 'constructs';
import { TerraformElement, TerraformStack } from '../cdk';
import { makeUniqueId } from './internals';

const md5Hex = typeof crypto.hash === 'function' ? (s: string) => crypto.hash('md5', s) : (s: string) => crypto.createHash('md5').update(s).digest('hex');

export function logicalIdOf(components: string[]): string {
  const kept = components.filter((c) => c !== 'Default');
  if (kept.length < 2) return makeUniqueId(components); // the single-component and empty cases
  const deduped: string[] = [];
  for (const c of kept) if (deduped.length === 0 || !deduped[deduped.length - 1].endsWith(c)) deduped.push(c);
  const human = deduped.filter((c) => c !== 'Resource').map(strip).join('_').slice(0, 240);
  return `${human}_${md5Hex(kept.join('/')).slice(0, 8).toUpperCase()}`;
}

const strip = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, '');

/**
 * The ids on the path from `stack` down to the element or node, which cdktf's allocateLogicalId
 * makes the logical id of; undefined where cdktf counts from another stack (an element of a
 * nested stack) or the path does not pass through `stack`. The path is walked up instead of
 * copying the node's whole scope chain, as cdktf does, for each of 10,000 elements.
 */
export function idsBelow(stack: TerraformStack, elementOrNode: TerraformElement | Node): string[] | undefined {
  const isElement = TerraformElement.isTerraformElement(elementOrNode);
  const ids: string[] = [];
  for (let at: Node = isElement ? elementOrNode.node : elementOrNode; at !== stack.node; ) {
    ids.push(at.id);
    const scope = at.scope;
    if (!scope) return undefined;
    // cdktf counts an element's path from the element's own stack, a node's from `stack`.
    if (isElement && scope !== stack && TerraformStack.isStack(scope)) return undefined;
    at = scope.node;
  }
  return ids.reverse();
}
