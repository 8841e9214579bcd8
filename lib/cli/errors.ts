/**
 * Turns an error that escaped a command into one clear message on stderr and exit code 1.
 * Known error kinds print their own message (which already says what, where and what to do);
 * anything else is a bug and prints its stack.
 */
import { DiagnosticsError, formatDiagnostic } from '../util/diagnostics';
import { UserFacingError } from '../util/errors';

/** A command's refusal of what it was asked (bad flags, nothing to do). */
export class UserError extends UserFacingError {}

export function reportFatal(e: unknown): number {
  if (e instanceof DiagnosticsError) {
    for (const d of e.diagnostics) process.stderr.write(formatDiagnostic(d) + '\n');
    const n = e.diagnostics.filter((d) => d.severity === 'error').length;
    process.stderr.write(`Error: ${n} error${n === 1 ? '' : 's'} found; nothing was changed.\n`);
    return 1;
  }
  if (e instanceof UserFacingError) {
    process.stderr.write(`Error: ${e.message}\n`);
    return 1;
  }
  process.stderr.write(`Error: unexpected failure (a bug in kestraform — please report it):\n${e instanceof Error ? e.stack : String(e)}\n`);
  return 1;
}
