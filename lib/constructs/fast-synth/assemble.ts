/** Adds the JSON of the resources fast synth wrote itself to what cdktf made of the rest. */
import type { DirectJson, PlainBlock } from './direct-resources';
import { deepMerge } from './internals';
import { asResolved } from './token-free';

export function addDirectJson(tf: Record<string, unknown>, { blocks, fragments }: DirectJson): void {
  for (const block of blocks.values()) addBlock(tf, block);
  const metadata = (tf['//'] as { metadata: Record<string, unknown> }).metadata;
  for (const [resource, json] of fragments) {
    // What cdktf would have merged into the stack's metadata for this element: its overrides, imports and moves, if any.
    const meta = asResolved(resource.toMetadata() as Record<string, unknown>);
    if (Object.keys(meta).length > 0) deepMerge(metadata, meta);
    deepMerge(tf, json);
  }
}

/** A plain block is set in place (10,000 deep merges cost real time), unless its address is taken. */
function addBlock(tf: Record<string, unknown>, block: PlainBlock): void {
  const resources = tf.resource;
  if (resources === undefined || isPlainObject(resources)) {
    const byType = (tf.resource ??= {}) as Record<string, Record<string, unknown>>;
    const byId = (byType[block.type] ??= {});
    if (byId[block.id] === undefined) {
      byId[block.id] = block.body;
      return;
    }
  }
  deepMerge(tf, { resource: { [block.type]: { [block.id]: block.body } } });
}

const isPlainObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
