/**
 * What `init` prints: per namespace what the stack will deploy and from which folders, what it
 * found and leaves alone, every YAML file it did not map and why, the Kestra line chosen and why,
 * the problems `validate` will report, and what it writes.
 */
import type { FileChange } from './files';
import { countOf, type Preview } from './preview';
import type { Proposal, SourceSpec } from './propose';
import type { TerraformFilesHint } from './terraform-hints';
import { describeFound } from '../render/found';
import { formatDiagnostic } from '../util/diagnostics';
import { byCodePoint } from '../util/order';
import { builtinKinds } from '../kinds';
import { countByNamespace, namespaceTable } from '../render/namespace-table';

export interface InitReport {
  root: string;
  stack: string;
  scanned: { files: number; yaml: number };
  proposal: Proposal;
  preview: Preview;
  hints: TerraformFilesHint[];
  versionForced: boolean;
  changes: FileChange[];
  dryRun: boolean;
}

export function renderReport(r: InitReport): string {
  const out: string[] = [];
  out.push(`Scanned ${r.root}: ${r.scanned.files} files, ${r.scanned.yaml} of them YAML (as Git would commit them: .gitignore honoured, .git and node_modules skipped).`);
  out.push('', `Stack "${r.stack}" will deploy:`, ...deployTable(r.proposal.sources, r.preview, r.root));
  const found = describeFound(r.preview.stack.settings.found);
  if (found.length) out.push(...found);
  const examples = r.proposal.sources.filter((s) => s.kind === 'flows' && /(^|\/)(docs?|examples?|samples?|demos?|fixtures?|templates?)(\/|$)/i.test(s.dir) && countOf(r.preview.bySource.get(s.id), 'flow') > 0);
  if (examples.length) {
    out.push('', 'Flows in folders that look like documentation or examples (deployed like the others; remove their source from the stack if they are not meant for Kestra):');
    for (const s of examples) {
      const n = countOf(r.preview.bySource.get(s.id), 'flow');
      out.push(`  ${(s as { dir: string }).dir}/: ${n} flow${n === 1 ? '' : 's'}`);
    }
  }
  if (r.proposal.duplicates.length) {
    out.push('', 'Defined twice (an error until one is renamed or removed):');
    for (const d of r.proposal.duplicates) out.push(`  ${d.key}: ${d.files.join(', ')}`);
  }
  if (r.proposal.unmapped.length) {
    out.push('', 'YAML files not mapped, and why:');
    const width = Math.min(60, Math.max(...r.proposal.unmapped.map((u) => u.file.length)));
    for (const u of r.proposal.unmapped) out.push(`  ${u.file.padEnd(width)}  ${u.why}`);
  }
  const suggestions = [...r.hints.map((h) => `${h.tfFile} sends ${h.dir}/** to ${h.namespace} as ${h.prefix === '/' ? '/' : `${h.prefix}/`}...: --files ${h.dir}=${h.namespace}${h.prefix === '/' ? '' : `:${h.prefix}`}`), ...r.proposal.suggestions];
  if (suggestions.length) {
    out.push('', 'Folders that look like namespace files (map each with --files DIR=NAMESPACE[:/PREFIX]):');
    for (const s of suggestions) out.push(`  ${s}`);
  }
  out.push('', ...versionLines(r));
  const problems = r.preview.diagnostics.filter((d) => d.severity === 'error');
  const warnings = r.preview.diagnostics.length - problems.length;
  if (problems.length) {
    out.push('', `\`kestraform validate\` will report ${problems.length} error${problems.length === 1 ? '' : 's'}${warnings ? ` and ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}; the first:`);
    for (const d of problems.slice(0, 10)) out.push(`  ${formatDiagnostic(d)}`);
    if (problems.length > 10) out.push(`  … and ${problems.length - 10} more (run \`kestraform validate\`)`);
  } else if (warnings) out.push('', `\`kestraform validate\` will report ${warnings} warning${warnings === 1 ? '' : 's'} and no error.`);
  out.push('', r.dryRun ? 'Would write (--dry-run: nothing written):' : 'Files:');
  const width = Math.max(...r.changes.map((c) => c.rel.length));
  for (const c of r.changes) out.push(`  ${ACTION_WORDS[c.action].padEnd(9)} ${c.note ? `${c.rel.padEnd(width)}  ${c.note}` : c.rel}`);
  if (!r.dryRun) out.push('', 'Next: `npx kestraform plan` (against the embedded local Kestra unless KESTRA_URL is set), then `npx kestraform apply`.');
  return out.join('\n');
}

const ACTION_WORDS: Record<FileChange['action'], string> = { create: 'create', unchanged: 'unchanged', keep: 'kept', overwrite: 'overwrite', add: 'add to' };

function deployTable(sources: SourceSpec[], preview: Preview, root: string): string[] {
  const resources = preview.stack.resources;
  if (!resources.some((r) => r.namespace !== undefined)) return ['  nothing: no flow was found, and no folder was mapped to namespace files (--files DIR=NAMESPACE)'];
  const whereOf = new Map(sources.map((s) => [s.id, s.kind === 'tree' ? s.root : s.kind === 'kv' ? s.file : s.dir]));
  const from = new Map<string, Set<string>>();
  for (const r of resources) {
    if (r.namespace === undefined) continue;
    // A file of its own by its folder, an entry by the file that holds it, anything else by its source.
    const kind = builtinKinds.of(r.kind);
    const origin = kind.origin(r, root);
    const source = whereOf.get(r.constructPath.split('/')[1]);
    const place = origin ? (kind.storedAs === 'entry' ? origin.file : folderOf(origin.file)) : source === undefined || source === '.' ? './' : `${source}/`;
    from.set(r.namespace, (from.get(r.namespace) ?? new Set()).add(place));
  }
  const shown = (ns: string) => {
    const places = [...(from.get(ns) ?? [])].sort(byCodePoint);
    return places.length > 4 ? `${places.slice(0, 4).join(', ')}, … (${places.length} places)` : places.join(', ');
  };
  return namespaceTable(countByNamespace(resources), builtinKinds, { extra: { title: 'from', of: shown } });
}

const folderOf = (file: string) => (file.includes('/') ? `${file.slice(0, file.lastIndexOf('/'))}/` : './');

function versionLines(r: InitReport): string[] {
  const p = r.proposal;
  const files = [...new Set(p.needs1x.map((n) => n.file))];
  const shown = p.needs1x.slice(0, 12);
  const width = Math.max(0, ...shown.map((n) => `${n.file}:${n.line}`.length));
  const list = shown.map((n) => `  ${`${n.file}:${n.line}`.padEnd(width)}  ${n.construct}`);
  if (p.needs1x.length > 12) list.push(`  … and ${p.needs1x.length - 12} more`);
  if (p.kestraVersion === 1 && !r.versionForced) {
    return [`Kestra line: 1.x (kestraVersion: 1), because ${files.length} flow${files.length === 1 ? '' : 's'} use${files.length === 1 ? 's' : ''} what Kestra 2.0 no longer parses:`, ...list, 'Rewrite them for 2.0 and set kestraVersion: 2, or pass --kestra-version 2 to target 2.x now (validate then lists them as errors).'];
  }
  if (p.kestraVersion === 2 && files.length) {
    return [`Kestra line: 2.x (--kestra-version 2), although ${files.length} flow${files.length === 1 ? '' : 's'} use${files.length === 1 ? 's' : ''} what Kestra 2.0 no longer parses (validate lists them as errors):`, ...list];
  }
  return [`Kestra line: ${p.kestraVersion}.x${r.versionForced ? ` (--kestra-version ${p.kestraVersion})` : ' (every flow parses on Kestra 2.0)'}.`];
}
