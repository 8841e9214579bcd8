/**
 * Which edition of Kestra a stack needs: Enterprise when it says so (`edition: 'ee'`) or when it
 * declares objects of a kind only Kestra Enterprise has on its Kestra line (apps, unit tests,
 * namespace objects, secrets; dashboards in 2.x). A command checks it against the server before
 * any other request, so nothing is read or written on a server that cannot hold the stack.
 */
import type { KindRegistry } from '../kinds';
import type { DesiredStack } from './types';

export type Edition = 'oss' | 'ee';

export interface EnterpriseNeed {
  stack: string;
  /** The Enterprise kinds the stack declares, with how many objects of each (empty when only `edition: 'ee'` says so). */
  kinds: Array<{ noun: string; count: number; example: string }>;
  /** The stack itself says `edition: 'ee'`. */
  declared: boolean;
}

/** What of `stack` needs Kestra Enterprise; undefined when nothing does. */
export function enterpriseNeed(stack: DesiredStack, kinds: KindRegistry): EnterpriseNeed | undefined {
  const major = stack.settings.kestra_version;
  const byKind = new Map<string, { noun: string; count: number; example: string }>();
  for (const r of stack.resources) {
    const h = kinds.of(r.kind);
    if (h.requiredEdition?.(major) !== 'ee') continue;
    const entry = byKind.get(h.kind) ?? { noun: h.noun.many, count: 0, example: r.address };
    entry.count++;
    byKind.set(h.kind, entry);
  }
  const declared = stack.settings.edition === 'ee';
  if (!byKind.size && !declared) return undefined;
  return { stack: stack.name, kinds: [...byKind.values()], declared };
}

/** The one error a command gives when stacks need Enterprise and the server is open source. */
export function enterpriseNeedMessage(needs: readonly EnterpriseNeed[], server: string): string {
  const lines = needs.map((n) => {
    const what = n.kinds.map((k) => `${k.count} ${k.count === 1 ? k.noun.replace(/s$/, '') : k.noun} (e.g. ${k.example})`).join(', ');
    return `  - stack "${n.stack}": ${what || "it says edition: 'ee'"}`;
  });
  return [
    `${server} is open-source Kestra (edition OSS), but ${needs.length === 1 ? 'this stack needs' : 'these stacks need'} Kestra Enterprise (edition EE); nothing was read or written:`,
    ...lines,
    "Point KESTRA_URL at a Kestra Enterprise server, or take the Enterprise objects out of the stack (tree sources deploy apps, unit tests and namespace objects only with edition: 'ee').",
  ].join('\n');
}
