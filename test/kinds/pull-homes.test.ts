/** Where pull writes an object new in Kestra: the folder the stack names for its namespace, or a refusal that says why. */
import * as path from 'node:path';
import { PullHomes } from '../../lib/kinds/pull-homes';
import type { PullHomeSetting } from '../../lib/model/settings';

const P = '/repo';
const homes = (list: PullHomeSetting[]) => new PullHomes(list, P, 'main');
const file = (h: { file: string } | { refused: string }) => ('file' in h ? path.relative(P, h.file) : `refused: ${h.refused}`);

describe('pull homes', () => {
  it('puts a new flow into the folder of its namespace, with the usual extension', () => {
    const h = homes([{ kind: 'flow', namespace: 'a', dir: 'flows/a', extension: '.yaml' }, { kind: 'flow', namespace: 'a', dir: 'flows/a', extension: '.yaml' }]);
    expect(file(h.flow('a', 'new'))).toBe('flows/a/new.yaml');
    expect(file(h.flow('b', 'new'))).toMatch(/^refused: stack "main" names no folder for new flows of namespace b/);
    expect(file(homes([{ kind: 'flow', namespace: 'a', candidates: ['x', 'y'] }]).flow('a', 'n'))).toMatch(/^refused: the flows of namespace a live in several folders \(x, y\)/);
    expect(file(homes([{ kind: 'flow', namespace: 'a', dir: 'x', extension: '.yml' }, { kind: 'flow', namespace: 'a', dir: 'y', extension: '.yml' }]).flow('a', 'n'))).toMatch(/several folders \(x, y\)/);
  });

  it('puts a new namespace file under the folder mapped to the longest prefix of its path', () => {
    const h = homes([
      { kind: 'file', namespace: 'n', dir: 'scripts', prefix: '/scripts' },
      { kind: 'file', namespace: 'n', dir: 'scripts-sql', prefix: '/scripts/sql' },
      { kind: 'file', namespace: 'm', dir: '', prefix: '/' },
    ]);
    expect(file(h.file('n', '/scripts/a/b.py'))).toBe('scripts/a/b.py');
    expect(file(h.file('n', '/scripts/sql/q.sql'))).toBe('scripts-sql/q.sql');
    expect(file(h.file('m', '/x/y.txt'))).toBe('x/y.txt');
    expect(file(h.file('n', '/other.txt'))).toMatch(/^refused: no folder of the stack maps namespace files of n at \/other\.txt \(mapped: scripts → \/scripts, scripts-sql → \/scripts\/sql\)/);
  });

  it('puts a new KV pair into the KV file of its namespace, only when there is exactly one', () => {
    expect(file(homes([{ kind: 'kv', namespace: 'n', file: 'kv/n.yaml' }]).kv('n'))).toBe('kv/n.yaml');
    expect(file(homes([]).kv('n'))).toMatch(/^refused: stack "main" reads no KV file for namespace n/);
    expect(file(homes([{ kind: 'kv', namespace: 'n', file: 'a.yaml' }, { kind: 'kv', namespace: 'n', file: 'b.yaml' }]).kv('n'))).toMatch(/several KV files/);
  });
});
