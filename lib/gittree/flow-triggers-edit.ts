/**
 * Gives every trigger of a flow's source `disabled: true`, in place: an existing `disabled:`
 * is set to true, otherwise the line is added after the trigger's `type:` (or `id:`).
 */
import { isMap, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import { anchorIn } from './flow-labels-edit';
import { insertIntoFlowCollection, insertLinesAfter, keyColumn, pairOf, replacePairValue, type SourceEdit } from './source-edits';

export function disableTriggerEdits(text: string, root: YAMLMap): SourceEdit[] {
  const triggers = pairOf(root, 'triggers')?.value;
  if (!isSeq(triggers)) return [];
  return (triggers.items as Node[]).filter((t): t is YAMLMap => isMap(t) && t.items.length > 0).flatMap((t) => disable(text, t));
}

function disable(text: string, trigger: YAMLMap): SourceEdit[] {
  const existing = pairOf(trigger, 'disabled');
  if (existing) {
    const value = existing.value;
    if (isScalar(value) && value.value === true) return [];
    // `disabled:` with nothing after it gets ` true` after the colon.
    return [replacePairValue(text, existing, 'true')];
  }
  if (trigger.flow) return [insertIntoFlowCollection(text, trigger, 'disabled: true')];
  return [insertLinesAfter(text, anchorIn(text, trigger, ['type', 'id']), ['disabled: true'], keyColumn(text, trigger))];
}
