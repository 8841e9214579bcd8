/** KestraStack's `runtimeState` option: written into the stack's settings only when given, refused when not a policy. */
import { Testing } from 'cdktf';
import { KestraStack } from 'kestraform';
import { stackSettings } from '../../lib/model/stack-settings';

describe('runtimeState', () => {
  it('travels as settings runtime_state, read back by the settings schema', () => {
    const stack = new KestraStack(Testing.app(), 'git', { runtimeState: { flowDisabled: 'git' } });
    expect(stack.settings().runtime_state).toEqual({ flow_disabled: 'git' });
    expect(stackSettings.parse(stack.settings()).runtime_state).toEqual({ flow_disabled: 'git' });
  });

  it('is absent by default (every value kept), so existing stacks synthesize as before', () => {
    expect('runtime_state' in new KestraStack(Testing.app(), 'plain').settings()).toBe(false);
  });

  it('refuses a value that is no policy', () => {
    expect(() => new KestraStack(Testing.app(), 'bad', { runtimeState: { flowDisabled: 'Keep' as never } })).toThrow("runtimeState.flowDisabled must be 'keep' or 'git', not \"Keep\"");
    expect(stackSettings.safeParse({ ...new KestraStack(Testing.app(), 'x').settings(), runtime_state: { flow_disabled: 'always' } }).success).toBe(false);
  });
});
