/** What reaches the user when a command fails: a message for user-facing errors, a bug report for anything else. */
import { reportFatal, UserError } from '../../lib/cli/errors';
import { KestraNetworkError } from '../../lib/kestra';
import { StateLockedError } from '../../lib/engine/state/types';
import { KvValueError } from '../../lib/model/kv-values';

function stderrOf(e: unknown): string {
  const chunks: string[] = [];
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => (chunks.push(String(c)), true));
  try {
    expect(reportFatal(e)).toBe(1);
  } finally {
    spy.mockRestore();
  }
  return chunks.join('');
}

describe('reportFatal', () => {
  it.each([
    ['a network failure of the client', new KestraNetworkError({ method: 'GET', path: '/api/v1/main/flows/search', target: 'list flows' }, 'connection refused', 'ECONNREFUSED', 'Check KESTRA_URL.')],
    ['a state lock held', new StateLockedError(undefined, 'stack "main"', 'wait for it')],
    ['a KV value that does not fit', new KvValueError('the NUMBER value "x" does not fit its type')],
    ['a refused flag', new UserError('--parallelism must be a whole number')],
  ])('prints %s as its message alone', (_what, e) => {
    const out = stderrOf(e);
    expect(out).toBe(`Error: ${(e as Error).message}\n`);
  });

  it('reports anything else as a bug, with its stack', () => {
    const out = stderrOf(new TypeError('x is undefined'));
    expect(out).toMatch(/unexpected failure \(a bug in kestraform/);
    expect(out).toMatch(/TypeError: x is undefined\n\s+at /);
  });
});
