/**
 * YAML parsing with positions: every parser error and every rule violation becomes a
 * Diagnostic at file:line:column. Hostile input (deep nesting, alias bombs) fails cleanly.
 */
import { LineCounter, parseAllDocuments, visit, type Document } from 'yaml';
import type { Diagnostic } from '../util/diagnostics';

export interface ParsedYaml {
  docs: Document.Parsed[];
  lines: LineCounter;
  diagnostics: Diagnostic[];
}

export const MAX_NESTING = 200;

export function parseYamlWithPositions(text: string, file: string): ParsedYaml {
  const lines = new LineCounter();
  const diagnostics: Diagnostic[] = [];
  const nesting = deepestNesting(text);
  if (nesting > MAX_NESTING) {
    diagnostics.push({ severity: 'error', file, line: 1, column: 1, message: `YAML nested ${nesting} levels deep (more than ${MAX_NESTING})`, hint: 'no Kestra flow or KV file needs this much nesting; check the file is not generated garbage' });
    return { docs: [], lines, diagnostics };
  }
  let docs: Document.Parsed[];
  // Alias expansion is bounded when a document is converted to JS (toJS maxAliasCount).
  try {
    docs = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false }) as Document.Parsed[];
  } catch (e) {
    diagnostics.push({ severity: 'error', file, line: 1, column: 1, message: `YAML could not be parsed: ${(e as Error).message}`, hint: 'fix the YAML syntax' });
    return { docs: [], lines, diagnostics };
  }
  if (!Array.isArray(docs)) docs = [docs];
  for (const doc of docs) {
    for (const err of doc.errors) {
      const { line, col } = lines.linePos(err.pos[0]);
      diagnostics.push({ severity: 'error', file, line, column: col, message: `invalid YAML: ${yamlMessage(err.message, text)}`, hint: yamlHint(err.code) });
    }
    // An alias without its anchor parses, but no YAML reader can resolve it (often a bare `*`).
    visit(doc, {
      Alias(_, node) {
        if (node.resolve(doc) === undefined) {
          const { line, col } = lines.linePos(node.range?.[0] ?? 0);
          diagnostics.push({ severity: 'error', file, line, column: col, message: `invalid YAML: alias *${node.source} refers to no anchor`, hint: yamlHint('UNRESOLVED_ALIAS') });
        }
      },
    });
  }
  return { docs, lines, diagnostics };
}

export function positionOf(lines: LineCounter, offset: number | undefined): { line: number; column: number } {
  if (offset === undefined) return { line: 1, column: 1 };
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
}

function yamlMessage(message: string, text: string): string {
  const first = message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  if (/tab/i.test(first) || (/indent/i.test(first) && /^\t/m.test(text))) return `${first} (YAML does not allow tabs for indentation)`;
  return first;
}

function yamlHint(code: string): string {
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'remove or rename one of the repeated keys';
    case 'TAB_AS_INDENT':
      return 'indent with spaces, not tabs';
    case 'BAD_ALIAS':
    case 'UNRESOLVED_ALIAS':
      return 'a bare `*` starts an alias in YAML: quote the value (e.g. "*")';
    default:
      return 'fix the YAML syntax at this position';
  }
}

/** Bracket/indent depth estimate, cheap enough to run before the real parser. */
function deepestNesting(text: string): number {
  let depth = 0;
  let max = 0;
  let inQuote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inQuote) {
      if (c === inQuote && text[i - 1] !== '\\') inQuote = undefined;
      continue;
    }
    if (c === '"' || c === "'") inQuote = c;
    else if (c === '[' || c === '{') max = Math.max(max, ++depth);
    else if (c === ']' || c === '}') depth = Math.max(0, depth - 1);
    else if (c === '\n') inQuote = undefined;
  }
  let indentMax = 0;
  for (const m of text.matchAll(/^( *)(- |\S)/gm)) indentMax = Math.max(indentMax, m[1].length / 2);
  return Math.max(max, Math.floor(indentMax));
}
