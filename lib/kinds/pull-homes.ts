/**
 * Where an object new in Kestra goes in the repository: the folder the stack names for new
 * objects of its namespace (StackSettings.pull_homes, written by the source constructs at synth).
 * Objects already in Git always go back to their own file; this is only for the new ones.
 */
import * as path from 'node:path';
import type { PullHomeSetting } from '../model/settings';

export type Home = { file: string } | { refused: string };

export class PullHomes {
  constructor(
    private readonly homes: readonly PullHomeSetting[],
    private readonly projectDir: string,
    private readonly stack: string,
  ) {}

  /** The file for a new flow `id` of `namespace`. */
  flow(namespace: string, id: string): Home {
    return this.inFolder('flow', namespace, id, {
      none: `stack "${this.stack}" names no folder for new flows of namespace ${namespace} — add a Flows source bound to it (\`namespace: '${namespace}'\`), or \`newFlows: { '${namespace}': '<folder>' }\` on a Flows source`,
      several: (dirs) => `the flows of namespace ${namespace} live in several folders (${dirs}), so a new one has no obvious place — name one with \`newFlows: { '${namespace}': '<folder>' }\` on its Flows source`,
    });
  }

  /** The file for a new app, unit test or dashboard `id` (dashboards: namespace TENANT_SCOPE), beside those of its kind the stack already reads. */
  object(kind: 'app' | 'test' | 'dashboard', namespace: string, id: string): Home {
    const what = { app: 'apps', test: 'unit tests', dashboard: 'dashboards' }[kind];
    const of = kind === 'dashboard' ? '' : ` of namespace ${namespace}`;
    return this.inFolder(kind, namespace, id, {
      none: `stack "${this.stack}" names no folder for new ${what}${of} — keep them in Kestra's layout (${kind === 'dashboard' ? '_global/dashboards/' : `<namespace>/${kind === 'app' ? 'apps' : 'tests'}/`} of a NamespaceTree), or write the file yourself and import it`,
      several: (dirs) => `the ${what}${of} live in several folders (${dirs}), so a new one has no obvious place — write it where it belongs, then import it`,
    });
  }

  /** `<dir>/<id><extension>` of the one folder the stack keeps objects of a kind and namespace in. */
  private inFolder(kind: 'flow' | 'app' | 'test' | 'dashboard', namespace: string, id: string, words: { none: string; several(dirs: string): string }): Home {
    const found = this.homes.filter((h) => h.kind === kind && h.namespace === namespace) as Array<{ dir: string; extension: string } | { candidates: string[] } | { refused: string }>;
    const refusal = found.find((h) => 'refused' in h);
    if (refusal && 'refused' in refusal) return { refused: refusal.refused };
    const dirs = [...new Set(found.flatMap((h) => ('dir' in h ? [h.dir] : 'candidates' in h ? h.candidates : [])))].sort();
    const single = dirs.length === 1 && found.every((h) => 'dir' in h) ? (found[0] as { dir: string; extension: string }) : undefined;
    if (single) return { file: this.abs(single.dir, `${id}${single.extension}`) };
    if (!found.length) return { refused: words.none };
    return { refused: words.several(dirs.map((d) => d || '.').join(', ')) };
  }

  /** The file for a new namespace file `kestraPath` of `namespace`: the folder mapped to the longest prefix of it. */
  file(namespace: string, kestraPath: string): Home {
    const mapped = this.homes.filter((h): h is Extract<PullHomeSetting, { kind: 'file' }> => h.kind === 'file' && h.namespace === namespace);
    const covering = mapped.filter((h) => h.prefix === '/' || kestraPath.startsWith(`${h.prefix}/`));
    if (!covering.length) {
      const known = mapped.map((h) => `${h.dir || '.'} → ${h.prefix}`).join(', ');
      return { refused: `no folder of the stack maps namespace files of ${namespace} at ${kestraPath}${known ? ` (mapped: ${known})` : ''} — add a NamespaceFiles source for ${namespace} that covers it` };
    }
    const longest = Math.max(...covering.map((h) => h.prefix.length));
    const best = covering.filter((h) => h.prefix.length === longest);
    if (best.length > 1) return { refused: `${best.length} folders map namespace files of ${namespace} at ${best[0].prefix} (${best.map((h) => h.dir || '.').join(', ')}) — keep one NamespaceFiles source per path` };
    const rel = best[0].prefix === '/' ? kestraPath.slice(1) : kestraPath.slice(best[0].prefix.length + 1);
    return { file: this.abs(best[0].dir, ...rel.split('/')) };
  }

  /** The KV file of `namespace`. */
  kv(namespace: string): Home {
    const files = [...new Set(this.homes.filter((h): h is Extract<PullHomeSetting, { kind: 'kv' }> => h.kind === 'kv' && h.namespace === namespace).map((h) => h.file))];
    if (files.length === 1) return { file: path.resolve(this.projectDir, files[0]) };
    if (!files.length) return { refused: `stack "${this.stack}" reads no KV file for namespace ${namespace} — add a KvPairs source (or a kv.yaml in its NamespaceTree folder)` };
    return { refused: `several KV files hold namespace ${namespace} (${files.join(', ')}) — keep its pairs in one file` };
  }

  private abs(dir: string, ...parts: string[]): string {
    return path.resolve(this.projectDir, dir, ...parts);
  }
}
