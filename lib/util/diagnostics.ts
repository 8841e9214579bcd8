/**
 * A problem found in a Git tree, a stack or a flow, with its place. Every user-facing check
 * reports through this shape so that all of a tree's errors can be listed at once.
 */
import { UserFacingError } from './errors';
import { byCodePoint } from './order';

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  severity: Severity;
  /** Path as the user should see it (relative to the working directory when possible). */
  file: string;
  /** 1-based; 0 when the problem is about the file as a whole. */
  line: number;
  column: number;
  /** What is wrong. */
  message: string;
  /** What to do about it. */
  hint?: string;
}

/** `path:line:column: what is wrong — what to do` */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line > 0 ? `${d.file}:${d.line}:${d.column}` : d.file;
  const level = d.severity === 'warning' ? 'warning: ' : '';
  return `${where}: ${level}${d.message}${d.hint ? ` — ${d.hint}` : ''}`;
}

export function hasErrors(ds: readonly Diagnostic[]): boolean {
  return ds.some((d) => d.severity === 'error');
}

/** Stable order: by file (code points), then line, then column. */
export function sortDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  return ds.sort((a, b) => byCodePoint(a.file, b.file) || a.line - b.line || a.column - b.column);
}

/** Thrown when a command must stop because of user-fixable problems; carries all of them. */
export class DiagnosticsError extends UserFacingError {
  constructor(readonly diagnostics: Diagnostic[], summary?: string) {
    super(summary ?? diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic).join('\n'));
  }
}
