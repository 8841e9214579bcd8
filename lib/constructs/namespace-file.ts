import { createHash } from 'node:crypto';
import type { Construct } from './cdk';
import { KestraResource, type KestraResourceMeta } from './resource';
import { FILE_TYPE } from '../model/names';
import { KestraStack } from './stack';
import type { FileAttributes } from '../model/attributes';

export type KestraNamespaceFileConfig = KestraResourceMeta & {
  namespace: string;
  /** Kestra path, e.g. `/scripts/etl.py` (a leading `/` is added when missing). */
  filename: string;
} & (
    | { /** Inline text content. */ content: string; source?: never }
    | {
        /** Path of the bytes relative to the project directory; they are not inlined into cdk.tf.json. */
        source: string;
        sha256: string;
        size: number;
        content?: never;
      }
  );

/**
 * A namespace file (`kestra_namespace_file`). Files read from a tree are recorded by source path,
 * size and sha256 only, so large or binary files never bloat the synthesized JSON; readers verify
 * the sha256 when they load the bytes.
 */
export class KestraNamespaceFile extends KestraResource<FileAttributes> {
  static readonly tfResourceType = FILE_TYPE;
  private readonly attrs: FileAttributes;

  constructor(scope: Construct, id: string, config: KestraNamespaceFileConfig) {
    super(scope, id, FILE_TYPE, config);
    const filename = config.filename.startsWith('/') ? config.filename : `/${config.filename}`;
    const namespace = KestraStack.of(this).namespaceHere(config.namespace);
    if (config.content !== undefined) {
      const bytes = Buffer.from(config.content, 'utf8');
      // Keys in sorted order, as cdk.tf.json lists them.
      this.attrs = {
        content: config.content,
        content_sha256: createHash('sha256').update(bytes).digest('hex'),
        content_size: bytes.length,
        filename,
        namespace,
      };
    } else {
      this.attrs = { content_sha256: config.sha256, content_size: config.size, filename, namespace, source: config.source };
    }
  }

  get namespace(): string {
    return this.attrs.namespace;
  }
  get filename(): string {
    return this.attrs.filename;
  }

  attributes(): FileAttributes {
    return this.attrs;
  }
}
