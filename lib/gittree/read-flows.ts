/**
 * The flows of one folder of a repository. Each YAML file is classified by its content
 * (./classify): flows are checked (./flow-file) and kept; apps, unit tests (TestSuites) and
 * dashboards go to the context's objects with their sources (./kestra-objects), blueprints and
 * other unit tests are listed as found; other YAML is noted and left out. A flow's (or an app's,
 * a test's) namespace comes from its YAML, or must equal the source's namespace, or is given by
 * the folders below the source's root — one that disagrees is an error at its `namespace:` line.
 */
import * as path from 'node:path';
import { NAMESPACE_PATTERN } from '../flowrules';
import { classifyYaml, parseYamlDocs, YAML_FILE } from './classify';
import { checkFlowSource, decodeFlowBytes, flowTooLarge, MAX_FLOW_BYTES, type NamespaceExpectation } from './flow-file';
import type { IgnoreRules } from './ignore-rules';
import { takeKestraObject } from './kestra-objects';
import { absolute, joinRel, problem, shown, type ReadContext } from './read-context';
import { readUpTo } from './read-bytes';
import { indexedRead } from './tree-index';
import type { TreeFlow } from './types';
import { walkFiles } from './walk-files';

/** Where a flow's namespace comes from. */
export type FlowNamespaceRule =
  /** Its own `namespace:`; with `namespace`, every flow must declare that one. */
  | { from: 'yaml'; namespace?: string }
  /** The folders below the source's folder, dot-joined after `root` (flows directly in it: `root`). */
  | { from: 'folder'; root?: string };

export interface FlowsDirOptions {
  rules: IgnoreRules;
  namespace: FlowNamespaceRule;
  recursive: boolean;
  /**
   * Kestra's own layouts: the file stem is the flow's id (Kestra's sync tasks name files so; a
   * warning when they differ), and files that are not YAML are noted.
   */
  kestraLayout?: boolean;
}

/** Reads the flows of `relDir` (relative to the context's root). */
export function readFlowsDir(ctx: ReadContext, relDir: string, opts: FlowsDirOptions): TreeFlow[] {
  const flows: TreeFlow[] = [];
  const byKey = new Map<string, TreeFlow>();
  const dir = absolute(ctx, relDir);
  walkFiles(
    dir,
    {
      rules: opts.rules,
      recursive: opts.recursive || !!opts.kestraLayout,
      skip: ctx.skip,
      // Kestra's layouts keep a namespace's flows directly in its flows/ folder.
      enterDir: opts.kestraLayout && !opts.recursive ? (_abs, rel) => (problem(ctx, joinRel(relDir, rel), 'folders inside flows/ are not read', 'put each flow directly in flows/ as <id>.yml', 'warning'), false) : undefined,
    },
    (f) => {
      const rel = joinRel(relDir, f.rel);
      if (!YAML_FILE.test(f.name)) {
        if (opts.kestraLayout && !f.name.startsWith('.')) problem(ctx, rel, 'is not a .yml/.yaml file; ignored', 'flows/ holds one flow per .yml file', 'warning');
        return;
      }
      const subfolder = folderOf(f.rel);
      // Kept in the tree index by what the answer depends on besides the bytes (./tree-index).
      const question = JSON.stringify(['flow', rel, subfolder, opts.namespace, !!opts.kestraLayout, ctx.kestraMajor, ctx.displayRoot]);
      const flow = indexedRead(ctx, f.abs, question, () => readFlowFile(ctx, f.abs, rel, subfolder, opts));
      if (!flow) return;
      const key = `${flow.namespace}/${flow.id}`;
      const prev = byKey.get(key);
      if (prev) {
        ctx.diagnostics.push({ severity: 'error', file: flow.file, line: flow.line, column: 1, message: `flow ${key} is also defined in ${prev.file}`, hint: 'each flow (namespace and id) may be defined in one file only: rename or delete one of them' });
        return;
      }
      byKey.set(key, flow);
      flows.push(flow);
    },
    (rel, message, hint, severity) => problem(ctx, joinRel(relDir, rel), message, hint, severity),
  );
  return flows;
}

const folderOf = (rel: string) => (rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '');

function readFlowFile(ctx: ReadContext, abs: string, rel: string, subfolder: string, opts: FlowsDirOptions): TreeFlow | undefined {
  const file = shown(ctx, rel);
  let read: ReturnType<typeof readUpTo>;
  try {
    read = readUpTo(abs, MAX_FLOW_BYTES);
  } catch (err) {
    ctx.diagnostics.push({ severity: 'error', file, line: 0, column: 0, message: `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, hint: 'make the file readable' });
    return undefined;
  }
  const decoded = 'bytes' in read ? decodeFlowBytes(read.bytes, file) : { diagnostic: flowTooLarge(read.tooLarge, file) };
  if (decoded.text === undefined) {
    ctx.diagnostics.push(decoded.diagnostic!);
    return undefined;
  }
  const text = decoded.text;
  const parsed = parseYamlDocs(text);
  const kind = classifyYaml(parsed, file);
  // In Kestra's layouts every YAML file of flows/ is a flow by its place: what is wrong with it is an error.
  if (kind.kind === 'other' && !opts.kestraLayout) {
    ctx.otherYaml.push({ file, why: kind.why });
    problem(ctx, rel, `is not a Kestra flow (${kind.why}); ignored`, 'keep only flows in this folder, or leave the file out with the source\'s `exclude`', 'warning');
    return undefined;
  }
  const expectation = expectedNamespace(ctx, subfolder, rel, opts);
  if (kind.kind !== 'flow' && kind.kind !== 'unparsable' && kind.kind !== 'other') {
    const needsNamespace = kind.kind === 'app' || (kind.kind === 'test' && kind.why === undefined);
    if (needsNamespace && expectation && 'error' in expectation) ctx.diagnostics.push({ severity: 'error', file, line: 0, column: 0, message: expectation.error.replace(/^flow /, `${kind.kind === 'app' ? 'app' : 'unit test'} `), hint: expectation.hint });
    else takeKestraObject(ctx, kind, text, 'docs' in parsed ? parsed.docs : [], rel, expectation && !('error' in expectation) ? { expectedNamespace: expectation.namespace, words: expectation.words } : {});
    return undefined;
  }
  // A flow, or YAML that does not parse (a broken flow: the checker says where).
  if (expectation && 'error' in expectation) {
    ctx.diagnostics.push({ severity: 'error', file, line: 0, column: 0, message: expectation.error, hint: expectation.hint });
    return undefined;
  }
  const checked = checkFlowSource(text, file, {
    kestraMajor: ctx.kestraMajor,
    expectedNamespace: expectation?.namespace,
    namespaceExpectation: expectation?.words,
  }, 'docs' in parsed ? parsed.docs : undefined);
  ctx.diagnostics.push(...checked.diagnostics);
  if (checked.id === undefined || checked.namespace === undefined || checked.diagnostics.some((d) => d.severity === 'error')) return undefined;
  const idLine = checked.idLine ?? 1;
  if (opts.kestraLayout) {
    const name = path.basename(abs);
    const stem = name.replace(YAML_FILE, '');
    if (stem !== checked.id) {
      ctx.diagnostics.push({ severity: 'warning', file, line: idLine, column: 1, message: `file name "${name}" differs from the flow id "${checked.id}"`, hint: `rename it to ${checked.id}.yml (Kestra's sync tasks name files by id)` });
    }
  }
  return { namespace: checked.namespace, id: checked.id, file, source: text, line: idLine };
}

type Expectation = { namespace: string; words?: NamespaceExpectation } | { error: string; hint: string };

function expectedNamespace(ctx: ReadContext, subfolder: string, rel: string, opts: FlowsDirOptions): Expectation | undefined {
  const rule = opts.namespace;
  if (rule.from === 'yaml') {
    if (rule.namespace === undefined) return undefined;
    // Kestra's layouts word it as the namespace folder (flow-check's default).
    if (opts.kestraLayout) return { namespace: rule.namespace };
    return {
      namespace: rule.namespace,
      words: { because: `the namespace of its source, "${rule.namespace}"`, hint: `set \`namespace: ${rule.namespace}\`, or read this file with another source` },
    };
  }
  const parts = [rule.root, ...subfolder.split('/')].filter((p): p is string => !!p);
  const folder = shown(ctx, folderOf(rel));
  if (parts.length === 0) {
    return { error: `flow directly in ${folder}, whose namespace comes from its folders below ${folder}`, hint: 'move it into the folder of its namespace, or give the source a root namespace' };
  }
  const namespace = parts.join('.');
  if (!NAMESPACE_PATTERN.test(namespace) || namespace.length > 150) {
    return { error: `folder ${folder} does not name a namespace Kestra accepts ("${namespace}": ^[a-z0-9][a-z0-9._-]*, at most 150 characters)`, hint: 'rename the folder' };
  }
  return {
    namespace,
    words: { because: `the namespace of its folder ${folder}, "${namespace}"`, hint: `set \`namespace: ${namespace}\`, or move the file to the folder of its namespace` },
  };
}
