/** kestraform's logical ids are cdktf's, for every shape of path its rules distinguish. */
import { logicalIdOf } from '../../lib/constructs/fast-synth/logical-id';
import { makeUniqueId } from '../../lib/constructs/fast-synth/internals';

const outcome = (fn: () => string) => {
  try {
    return fn();
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
};

describe('logicalIdOf', () => {
  const paths: string[][] = [
    [],
    ['Default'],
    ['only'],
    ['x'.repeat(300)],
    ['a.b-c/d'],
    ['tree', 'synth.ns0', 'flow-flow-0'],
    ['tree', 'company.team', 'file-|scripts|etl.py'],
    ['Default', 'Resource', 'Resource'],
    ['Resource', 'Resource'],
    ['parent', 'Resource', 'ent'],
    ['abc', 'bc', 'c', 'd'],
    ['x', 'Default', 'y', 'Default'],
    ['über', 'ß', 'ok'],
    ['y'.repeat(200), 'z'.repeat(100), 'w'],
    ['with space', 'and/slash', 'and|bar', 'and~2'],
  ];
  it.each(paths.map((p) => [p]))('matches cdktf for %j', (components) => {
    expect(outcome(() => logicalIdOf([...components]))).toBe(outcome(() => makeUniqueId([...components])));
  });

  it('matches cdktf on many generated paths', () => {
    const parts = ['Default', 'Resource', 'tree', 'ns.a', 'flow-x', 'x', 'a-x', 'file-|p|q.py', '~2', ''];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
    for (let i = 0; i < 2000; i++) {
      const components = Array.from({ length: 1 + (next() % 5) }, () => parts[next() % parts.length]);
      expect(outcome(() => logicalIdOf([...components]))).toBe(outcome(() => makeUniqueId([...components])));
    }
  });
});
