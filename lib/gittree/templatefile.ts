/**
 * Flows that came from a Terraform setup may still hold `templatefile` syntax — `${var}`
 * placeholders, `%{ if }` directives, `$${` escapes — that Terraform filled in before sending
 * them. kestraform sends a flow exactly as written, and Kestra only knows Pebble (`{{ }}`), so
 * these would reach Kestra literally: a warning naming the line. Shell and script code uses
 * `${VAR}` too, so values under the keys that hold scripts are not looked at, and multi-line
 * values (scripts, SQL, messages) only for the `$${` escape.
 */
import type { FlowViolation } from '../flowrules';

// Keys whose values are code run by a task, where `${...}` is the language's own syntax.
const SCRIPT_KEYS = new Set(['commands', 'beforeCommands', 'script', 'inputFiles', 'sql', 'query', 'queries', 'code']);
// `${...}` that is neither Pebble after a `$` (`${{ x }}`) nor shell parameter expansion with an operator.
const PLACEHOLDER = /\$\{(?!\{)\s*[A-Za-z_][\w.\-[\]"()]*\s*\}/;
const DIRECTIVE = /%\{~?\s*(if|for|else|endif|endfor)\b/;
const ESCAPE = /\$\$\{/;
const MAX_REPORTED = 5;

/** `text`: the flow's source (most hold no `${` or `%{` at all, and need no walk). */
export function templatePlaceholders(root: unknown, text: string): FlowViolation[] {
  const out: FlowViolation[] = [];
  if (!text.includes('${') && !text.includes('%{')) return out;
  // One path, pushed and popped on the way (every flow is walked; a hit copies it).
  const path: (string | number)[] = [];
  const visit = (v: unknown) => {
    if (out.length >= MAX_REPORTED) return;
    if (typeof v === 'string') {
      if (!(v.includes('${') || v.includes('%{'))) return;
      // Multi-line values (scripts, SQL, messages) only for the escape, which no such language writes.
      const m = ESCAPE.exec(v) ?? (v.includes('\n') ? null : DIRECTIVE.exec(v) ?? PLACEHOLDER.exec(v));
      if (m && m[0] === '$${') {
        // Terraform's escape: templatefile turned `$${` into `${` (e.g. a `$` before a Pebble `{{ }}`).
        out.push({
          severity: 'warning',
          path: [...path],
          message: '`$${` is Terraform templatefile\'s escape for `${`; kestraform sends the flow as written, so Kestra would receive `$${`',
          hint: 'write `${` as Terraform would have rendered it; if `$${` is meant literally, ignore this warning',
        });
      } else if (m) {
        out.push({
          severity: 'warning',
          path: [...path],
          message: `\`${m[0]}\` looks like a Terraform templatefile placeholder; kestraform sends the flow as written, so Kestra would receive it literally`,
          hint: 'put the value itself in the flow (or a Pebble expression `{{ ... }}`, or a per-environment value); if it is meant literally, ignore this warning',
        });
      }
      return;
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        visit(v[i]);
        path.pop();
      }
    } else if (v && typeof v === 'object') {
      for (const k in v as Record<string, unknown>) {
        if (SCRIPT_KEYS.has(k)) continue;
        path.push(k);
        visit((v as Record<string, unknown>)[k]);
        path.pop();
      }
    }
  };
  visit(root);
  return out;
}
