/**
 * Reads `cdktf.out/manifest.json` and each stack's `cdk.tf.json` into typed desired resources.
 * Everything wrong is collected as diagnostics naming the stack and the resource, so one run
 * lists all problems.
 */
import * as fs from 'node:fs';
import { isAscii } from 'node:buffer';
import * as path from 'node:path';
import { z } from 'zod';
import type { Diagnostic } from '../util/diagnostics';
import { SETTINGS_KEY, stackSettings, type StackSettings } from '../model/stack-settings';
import { defaultStackSettings } from '../model/settings';
import { describeIssues } from '../model/resources';
import type { DesiredBase, DesiredStack, DesiredState, Lifecycle } from './types';
import { builtinKinds, type KindRegistry } from '../kinds';
import { TENANT_SCOPE } from '../model/addresses';
import { UserFacingError } from '../util/errors';
import { blockSpans, type BlockSpans } from './json-spans';

const manifestSchema = z.object({
  version: z.string(),
  stacks: z.record(
    z.string(),
    z.object({
      name: z.string(),
      synthesizedStackPath: z.string(),
      dependencies: z.array(z.string()).default([]),
    }),
  ),
});

export interface ReadDesiredOptions {
  /** Only these stacks (default: every stack of the manifest). */
  stacks?: readonly string[];
  /** The folder to name in messages and results instead of `outDir` (which a synth staged). */
  shownAs?: string;
  /** The kinds resource blocks may be (default: the built-in ones). */
  kinds?: KindRegistry;
  /** The environment values a stack names by variable come from (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /**
   * An earlier read of the same project's synth, from the folder `outDir` (as it is now, if
   * `stillCurrent()` confirms after its files were read): a resource block whose text did not
   * change keeps the resource read from it then — the very object (see readStack).
   */
  previous?: PreviousRead;
}

export interface PreviousRead {
  state: DesiredState;
  outDir: string;
  /** Whether `outDir` still holds the synth `state` was read from. */
  stillCurrent: () => boolean;
  /** Its stacks' texts, read and scanned ahead (withEarlierTexts): taken instead of reading them again. */
  texts?: ReadonlyMap<string, EarlierText>;
}

/** A stack's cdk.tf.json as an earlier synth wrote it, and its blocks' spans (undefined: not plain). */
export interface EarlierText {
  text: string;
  spans: BlockSpans | undefined;
}

/**
 * `previous` with its stacks' texts read and scanned now — while the app runs, say — for the
 * readDesired after it (which still checks, after taking them, that the folder holds that synth).
 * Any doubt: `previous` as it was.
 */
export function withEarlierTexts(previous: PreviousRead): PreviousRead {
  try {
    const manifest = earlierManifest(previous);
    const texts = new Map<string, EarlierText>();
    for (const { name } of previous.state.stacks) {
      const entry = manifest.stacks[name];
      if (!entry) continue;
      const text = readText(path.join(previous.outDir, entry.synthesizedStackPath));
      texts.set(name, { text, spans: blockSpans(text) });
    }
    return { ...previous, texts };
  } catch {
    return previous;
  }
}

export class DesiredReadError extends UserFacingError {
}

export function readDesired(outDir: string, projectDir: string, opts: ReadDesiredOptions = {}): DesiredState {
  const shown = (file: string) => (opts.shownAs ? path.join(opts.shownAs, path.relative(outDir, file)) : file);
  const manifestFile = path.join(outDir, 'manifest.json');
  if (!fs.existsSync(manifestFile)) {
    throw new DesiredReadError(`${rel(projectDir, shown(manifestFile))} not found — run \`kestraform synth\` first (or let plan/validate synthesize)`);
  }
  const manifest = parseJson(manifestFile, shown(manifestFile), projectDir, manifestSchema);
  const names = Object.keys(manifest.stacks);
  const unknown = (opts.stacks ?? []).filter((n) => !manifest.stacks[n]);
  if (unknown.length) {
    throw new DesiredReadError(`${unknown.length === 1 ? `stack "${unknown[0]}" is` : `stacks ${unknown.map((n) => `"${n}"`).join(', ')} are`} not in ${rel(projectDir, shown(manifestFile))} — stacks: ${names.join(', ') || '(none)'}`);
  }
  const diagnostics: Diagnostic[] = [];
  const stacks: DesiredStack[] = [];
  const kinds = opts.kinds ?? builtinKinds;
  const chosen = opts.stacks?.length ? opts.stacks : names;
  const earlier = opts.previous ? earlierStacks(opts.previous, chosen) : new Map<string, EarlierStack>();
  for (const name of chosen) {
    const entry = manifest.stacks[name];
    const file = path.join(outDir, entry.synthesizedStackPath);
    stacks.push(readStack(name, file, shown(file), projectDir, entry.dependencies, diagnostics, kinds, opts.env ?? process.env, earlier.get(name)));
  }
  return { projectDir, stacks, diagnostics };
}

/** A stack as an earlier read had it, with the text it was read from (read and scanned ahead, when it was). */
interface EarlierStack {
  stack: DesiredStack;
  text: string;
  ahead?: EarlierText;
}

/** The manifest of the earlier synth's folder (throws when it is not one). */
function earlierManifest(previous: PreviousRead): z.infer<typeof manifestSchema> {
  return manifestSchema.parse(JSON.parse(fs.readFileSync(path.join(previous.outDir, 'manifest.json'), 'utf8')));
}

/**
 * The stacks of an earlier read that may lend resources, with their text — read before the folder
 * is confirmed to still hold that synth. Any doubt: none.
 */
function earlierStacks(previous: PreviousRead, names: readonly string[]): Map<string, EarlierStack> {
  const out = new Map<string, EarlierStack>();
  try {
    const manifest = earlierManifest(previous);
    for (const name of names) {
      const stack = previous.state.stacks.find((s) => s.name === name);
      const entry = manifest.stacks[name];
      if (!stack || !entry) continue;
      const ahead = previous.texts?.get(name);
      out.set(name, { stack, text: ahead?.text ?? readText(path.join(previous.outDir, entry.synthesizedStackPath)), ahead });
    }
    return previous.stillCurrent() ? out : new Map();
  } catch {
    return new Map();
  }
}

/** One resource block of cdk.tf.json: its raw value, or the resource an earlier read of the very same text gave. */
interface ResourceBlock {
  tfType: string;
  logicalId: string;
  raw?: Record<string, unknown>;
  unchanged?: DesiredBase;
}

/** A stack's cdk.tf.json: its top-level members but `resource`, and its resource blocks. */
interface StackText {
  top: Record<string, unknown>;
  blocks: Iterable<ResourceBlock>;
}

function stackText(file: string, shownFile: string, projectDir: string, earlier: EarlierStack | undefined): StackText {
  if (earlier && earlier.stack.file === shownFile) {
    const text = readText(file);
    const reused = unchangedBlocks(text, earlier);
    if (reused) return reused;
  }
  const json = parseJson(file, shownFile, projectDir, z.record(z.string(), z.unknown()));
  const resourceBlock = (json.resource ?? {}) as Record<string, Record<string, Record<string, unknown>>>;
  const blocks = Object.entries(resourceBlock).flatMap(([tfType, instances]) => Object.entries(instances).map(([logicalId, raw]) => ({ tfType, logicalId, raw })));
  return { top: json, blocks };
}

/**
 * The blocks of `text`, each whose text is the same as in the earlier text taking the earlier
 * read's resource — when both texts have plain structure (./json-spans), the block names no
 * `depends_on` (those map to other resources' addresses, and are checked, anew), and at least half
 * the blocks are unchanged (else one parse of the whole text is cheaper). Undefined: parse it all.
 */
function unchangedBlocks(text: string, earlier: EarlierStack): StackText | undefined {
  const now = blockSpans(text);
  const before = now && (earlier.ahead ? earlier.ahead.spans : blockSpans(earlier.text));
  if (!now || !before) return undefined;
  const earlierResources = new Map(earlier.stack.resources.map((r) => [`${r.tfType}.${r.logicalId}`, r]));
  const blocks: ResourceBlock[] = [];
  let unchangedCount = 0;
  try {
    for (const [tfType, spans] of now.resources) {
      const earlierSpans = before.resources.get(tfType);
      for (const [logicalId, [start, end]] of spans) {
        const was = earlierSpans?.get(logicalId);
        const resource = was && was[1] - was[0] === end - start ? earlierResources.get(`${tfType}.${logicalId}`) : undefined;
        const blockText = text.slice(start, end);
        if (resource && !blockText.includes('"depends_on"') && earlier.text.startsWith(blockText, was![0])) {
          blocks.push({ tfType, logicalId, unchanged: resource });
          unchangedCount++;
        } else blocks.push({ tfType, logicalId, raw: JSON.parse(blockText) as Record<string, unknown> });
      }
    }
    if (unchangedCount * 2 < blocks.length) return undefined;
    const top: Record<string, unknown> = {};
    for (const [key, [start, end]] of now.top) top[key] = JSON.parse(text.slice(start, end));
    return { top, blocks };
  } catch {
    return undefined; // malformed: the whole parse reports it
  }
}

function readStack(name: string, file: string, shownFile: string, projectDir: string, dependencies: string[], diagnostics: Diagnostic[], kinds: KindRegistry, env: NodeJS.ProcessEnv, earlier?: EarlierStack): DesiredStack {
  const { top: json, blocks } = stackText(file, shownFile, projectDir, earlier);
  const where = rel(projectDir, shownFile);
  const problem = (message: string, hint?: string) => diagnostics.push({ severity: 'error', file: where, line: 0, column: 0, message: `stack "${name}": ${message}`, hint });
  // One function for every resource (no closure made per resource: that shows at 10,000 of them).
  const badResource = (label: string, constructPath: string, message: string, hint?: string) => problem(`${label} (${constructPath}): ${message}`, hint);

  let settings: StackSettings;
  const rawSettings = json[SETTINGS_KEY];
  if (rawSettings === undefined) {
    settings = defaultStackSettings();
    diagnostics.push({ severity: 'warning', file: where, line: 0, column: 0, message: `stack "${name}" is a plain TerraformStack: defaults apply (no prune, protected: system, local state, Kestra 2)`, hint: 'extend KestraStack (lib/constructs) to set them' });
  } else {
    const parsed = stackSettings.safeParse(rawSettings);
    if (!parsed.success) {
      problem(`invalid \`${SETTINGS_KEY}\` settings: ${describeIssues(parsed.error).join('; ')}`, 'synthesize again with this version of kestraform');
      settings = defaultStackSettings();
    } else settings = parsed.data;
  }
  diagnostics.push(...settings.diagnostics);
  if (json.data !== undefined) problem('data sources are not supported', 'read live values with `kestraform plan`; remove the data blocks');

  const resources: DesiredBase[] = [];
  const byTfAddress = new Map<string, string>();
  const rawDepends = new Map<DesiredBase, unknown>();
  const decodeContext = { projectDir, where, stack: name, diagnostics, env };

  /** The resource of one block, or undefined with its problems reported. */
  function decodeBlock(tfType: string, logicalId: string, raw: Record<string, unknown>): DesiredBase | undefined {
    const label = `${tfType}.${logicalId}`;
    const meta = (raw['//'] as { metadata?: { path?: string } } | undefined)?.metadata;
    const constructPath = meta?.path ?? label;
    const token = findToken(raw);
    if (token) {
      badResource(label, constructPath, `attribute \`${token.path}\` holds an unresolved Terraform expression ${JSON.stringify(token.value.slice(0, 80))}`, 'kestraform does not evaluate Terraform expressions: pass plain values, and use dependsOn for ordering');
      return undefined;
    }
    for (const unsupported of UNSUPPORTED_META_ARGUMENTS) {
      if (raw[unsupported] !== undefined) badResource(label, constructPath, `\`${unsupported}\` is not supported`, 'create one construct per object instead');
    }
    const common = {
      tfType,
      logicalId,
      constructPath,
      dependsOn: [] as string[],
      lifecycle: parseLifecycle(raw.lifecycle),
    };
    // Each kind's schema reads its attributes from the raw block and passes over the rest
    // (cdktf metadata, meta-arguments).
    const handler = kinds.byTfType(tfType);
    if (!handler) {
      badResource(label, constructPath, `unknown resource type \`${tfType}\``, `kestraform manages ${kinds.all.flatMap((k) => (k.localOnly ? [] : k.tfTypes)).join(', ')} and the local-only ${kinds.all.flatMap((k) => (k.localOnly ? k.tfTypes : [])).join(', ')}`);
      return undefined;
    }
    const decoded = handler.decode(raw, common, decodeContext);
    if ('problems' in decoded) {
      badResource(label, constructPath, decoded.problems.join('; '));
      return undefined;
    }
    return decoded.resource;
  }

  const blockDiagnostics: Record<string, Diagnostic[]> = {};
  for (const { tfType, logicalId, raw, unchanged } of blocks) {
    const label = `${tfType}.${logicalId}`;
    let resource: DesiredBase | undefined;
    if (unchanged) {
      // The same text as the earlier read's: its resource, and what reading it reported then.
      resource = unchanged;
      const reported = earlier!.stack.blockDiagnostics?.[label];
      if (reported) diagnostics.push(...(blockDiagnostics[label] = reported));
    } else {
      const before = diagnostics.length;
      resource = decodeBlock(tfType, logicalId, raw!);
      if (diagnostics.length > before) blockDiagnostics[label] = diagnostics.slice(before);
    }
    if (!resource) continue;
    if (resource.namespace !== undefined && settings.protected_namespaces.includes(resource.namespace)) {
      badResource(label, resource.constructPath, `namespace "${resource.namespace}" is protected: kestraform never writes to it`, 'remove the resource, or remove the namespace from protectedNamespaces');
      continue;
    }
    byTfAddress.set(label, resource.address);
    if (raw) rawDepends.set(resource, raw.depends_on);
    resources.push(resource);
  }

  // depends_on names Terraform addresses; map them to natural keys now that all are known.
  for (const [resource, raw] of rawDepends) {
    if (raw === undefined) continue;
    if (!Array.isArray(raw)) {
      problem(`${resource.tfType}.${resource.logicalId}: depends_on must be a list`);
      continue;
    }
    for (const ref of raw) {
      const target = byTfAddress.get(String(ref));
      if (target) resource.dependsOn.push(target);
      else problem(`${resource.tfType}.${resource.logicalId}: depends_on names ${String(ref)}, which is not a resource of this stack`, 'depend on resources of the same stack only');
    }
  }

  // A second declaration is reported and dropped: what the stack declares is each object once.
  const seen = new Map<string, DesiredBase>();
  const origin = (r: DesiredBase) => kinds.of(r.kind).origin(r, projectDir);
  for (const r of resources) {
    const prev = seen.get(r.address);
    if (!prev) seen.set(r.address, r);
    else {
      const [at, first] = [origin(r), origin(prev)];
      if (at && first) diagnostics.push({ severity: 'error', ...at, column: at.line ? 1 : 0, message: `${r.address} is also defined in ${first.file}${first.line ? `:${first.line}` : ''}`, hint: 'each Kestra object may come from one file only: rename, move or delete one of them (or narrow a source with `exclude`)' });
      else problem(`${r.address} is declared twice (${prev.constructPath} and ${r.constructPath})`, 'declare each Kestra object once');
    }
  }
  const declared = resources.length === seen.size ? resources : [...seen.values()];
  const owned = new Set(settings.namespaces);
  // Tenant-wide objects make no namespace owned (their scope is read for them alone, never pruned).
  for (const r of declared) if (r.namespace !== undefined && r.namespace !== TENANT_SCOPE) owned.add(r.namespace);
  settings = { ...settings, namespaces: [...owned].sort() };
  for (const ns of settings.namespaces) {
    if (settings.protected_namespaces.includes(ns)) problem(`owned namespace "${ns}" is protected`, 'a stack cannot own a protected namespace; remove it from one of the lists');
  }

  return { name, file: shownFile, settings, resources: declared, dependencies, ...(Object.keys(blockDiagnostics).length ? { blockDiagnostics } : {}) };
}

function parseLifecycle(raw: unknown): Lifecycle {
  const l = (raw ?? {}) as { prevent_destroy?: unknown; ignore_changes?: unknown; create_before_destroy?: unknown };
  return {
    preventDestroy: l.prevent_destroy === true,
    ignoreChanges: l.ignore_changes === 'all' ? 'all' : Array.isArray(l.ignore_changes) ? l.ignore_changes.map(String) : [],
    createBeforeDestroy: l.create_before_destroy === true,
  };
}

const UNSUPPORTED_META_ARGUMENTS = ['count', 'for_each', 'provisioner', 'connection'];

// A reference cdktf leaves when one construct reads another's attribute, a variable or a local.
const TERRAFORM_REFERENCE = /\$\{\s*(?:kestra_\w+|null_resource|terraform_data|var|local|data|module)\.[^}]*\}/;
// Attributes that hold user text (scripts, templates) in which `${...}` is ordinary content.
const FREE_TEXT_ATTRIBUTES = new Set(['content', 'value', 'description', 'triggers', 'input', 'triggers_replace', 'source', 'source_code', 'properties', 'secret_description']);

/**
 * Finds an unresolved Terraform expression: anywhere for identity attributes (namespace, ids,
 * paths), and only real references in free-text attributes.
 */
function findToken(value: unknown, at = '', freeText = false): { path: string; value: string } | undefined {
  if (typeof value === 'string') {
    const hit = value.includes('${') && (freeText ? TERRAFORM_REFERENCE.test(value) : /(^|[^$])\$\{/.test(value));
    return hit ? { path: at || '(value)', value } : undefined;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const f = findToken(value[i], `${at}[${i}]`, freeText);
      if (f) return f;
    }
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (!at && (k === 'depends_on' || k === '//')) continue; // plain resource references, mapped below; cdktf metadata
      const f = findToken(v, at ? `${at}.${k}` : k, freeText || (!at && FREE_TEXT_ATTRIBUTES.has(k)));
      if (f) return f;
    }
  }
  return undefined;
}

function parseJson<T>(file: string, shownFile: string, projectDir: string, schema: z.ZodType<T>): T {
  let raw: unknown;
  try {
    raw = JSON.parse(readText(file));
  } catch (e) {
    throw new DesiredReadError(`cannot read ${rel(projectDir, shownFile)}: ${(e as Error).message.replaceAll(file, shownFile)} — run \`kestraform synth\` again`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new DesiredReadError(`${rel(projectDir, shownFile)} is not valid cdktf output: ${describeIssues(parsed.error).join('; ')} — run \`kestraform synth\` again`);
  return parsed.data;
}

/** A file's text; pure ASCII (the usual cdk.tf.json) is copied as is, skipping UTF-8 decoding. */
function readText(file: string): string {
  const bytes = fs.readFileSync(file);
  return bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
}

function rel(projectDir: string, file: string): string {
  const r = path.relative(projectDir, file);
  return r.startsWith('..') ? file : r;
}
