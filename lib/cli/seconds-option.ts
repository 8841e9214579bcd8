/** An option given in seconds (`--lock-timeout`, `test --timeout`), as milliseconds. */
import { UserError } from './errors';

export function secondsOption(flag: string, seconds: string, opts: { aboveZero?: boolean } = {}): number {
  const ms = Number(seconds) * 1000;
  if (!Number.isFinite(ms) || ms < 0 || (opts.aboveZero && ms === 0)) {
    throw new UserError(`${flag} must be a number of seconds${opts.aboveZero ? ' above 0' : ''}, not "${seconds}"`);
  }
  return ms;
}
