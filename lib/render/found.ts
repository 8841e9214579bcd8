/** The objects a stack found in the repository and does not deploy, as lines (validate, plan, init). */
import type { FoundSetting } from '../model/settings';
import { KIND_NAMES } from '../gittree/classify';

const SHOWN = 20;

/** One line per object (the first 20 of each reason). */
export function describeFound(found: readonly FoundSetting[], indent = '  '): string[] {
  const lines: string[] = [];
  const groups: [FoundSetting['reason'], string][] = [
    ['kind-not-managed', 'Not managed by this stack:'],
    ['protected-namespace', 'Not deployed, in a protected namespace (never written):'],
  ];
  for (const [reason, title] of groups) {
    const items = found.filter((f) => f.reason === reason);
    if (!items.length) continue;
    lines.push(`${indent}${title}`);
    const shown = items.slice(0, SHOWN);
    // A namespace object is named by its namespace alone.
    const names = shown.map((f) => (f.kind === 'namespace' ? (f.namespace ?? '(no namespace)') : `${f.namespace ? `${f.namespace}/` : ''}${f.id ?? '(no id)'}`));
    const kindWidth = Math.max(...shown.map((f) => KIND_NAMES[f.kind].length));
    const nameWidth = Math.min(70, Math.max(...names.map((n) => n.length)));
    shown.forEach((f, i) => lines.push(`${indent}  ${KIND_NAMES[f.kind].padEnd(kindWidth)}  ${names[i].padEnd(nameWidth)}  ${f.file}:${f.line}${f.why ? `  — ${f.why}` : ''}`));
    if (items.length > SHOWN) lines.push(`${indent}  … and ${items.length - SHOWN} more`);
  }
  return lines;
}
