/**
 * A stack's resources indexed once (lib/desired/by-address): the same index each time it is asked
 * for, made again when the stack's resource list is replaced or grows.
 */
import { resourcesByAddress, resourcesByNamespace } from '../../lib/desired/by-address';
import { flow, kv, local, stack } from '../engine/factory';

describe('a stack indexed by address and namespace', () => {
  it('is made once, and again when its resources are replaced or grow', () => {
    const s = stack([flow('a', 'f'), kv('a', 'K', 'STRING', 'v'), flow('b', 'g'), local('l', { v: '1' })]);
    const byAddress = resourcesByAddress(s);
    expect([...byAddress.keys()]).toEqual(s.resources.map((r) => r.address));
    expect(resourcesByAddress(s)).toBe(byAddress);
    expect([...resourcesByNamespace(s)].map(([ns, rs]) => [ns, rs.map((r) => r.address)])).toEqual([
      ['a', [s.resources[0].address, s.resources[1].address]],
      ['b', [s.resources[2].address]],
    ]);
    s.resources.push(flow('c', 'h'));
    expect(resourcesByAddress(s).has(s.resources[4].address)).toBe(true);
    expect(resourcesByNamespace(s).get('c')).toHaveLength(1);
    s.resources = [flow('d', 'i')];
    expect([...resourcesByAddress(s).keys()]).toEqual([s.resources[0].address]);
  });
});
