/**
 * Which stacks a command works on (lib/cli/stack-selection): `--stack` (repeatable),
 * `--all-stacks`, or all of them by default — except for commands that change something, which
 * want the stacks named when a project has several.
 */
import { Command } from 'commander';
import { addStackOptions, checkSelection, requestedStacks, type StackSelection } from '../../lib/cli/stack-selection';
import { UserError } from '../../lib/cli/errors';

const sel = (stack: string[] = [], allStacks?: boolean): StackSelection => ({ stack, allStacks });

function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('requestedStacks', () => {
  it('is undefined (every stack) without --stack, with or without --all-stacks', () => {
    expect(requestedStacks(sel())).toBeUndefined();
    expect(requestedStacks(sel([], true))).toBeUndefined();
  });

  it('is the named stacks, each once, in the order given', () => {
    expect(requestedStacks(sel(['prod']))).toEqual(['prod']);
    expect(requestedStacks(sel(['staging', 'dev', 'staging']))).toEqual(['staging', 'dev']);
  });

  it('refuses --stack with --all-stacks', () => {
    const e = thrown(() => requestedStacks(sel(['dev'], true)));
    expect(e).toBeInstanceOf(UserError);
    expect(e.message).toBe('give either --stack or --all-stacks, not both');
  });
});

describe('checkSelection', () => {
  const three = ['dev', 'staging', 'prod'];

  it('lets a read-only command default to every stack', () => {
    expect(() => checkSelection(sel(), three, 'all', 'plan')).not.toThrow();
  });

  it('wants the stacks named when a changing command meets several', () => {
    const e = thrown(() => checkSelection(sel(), three, 'named-when-several', 'apply'));
    expect(e).toBeInstanceOf(UserError);
    expect(e.message).toBe('this project has 3 stacks (dev, staging, prod): name the ones to apply with --stack NAME (repeatable), or pass --all-stacks');
    expect(thrown(() => checkSelection(sel(), ['a', 'b'], 'named-when-several', 'destroy')).message).toBe(
      'this project has 2 stacks (a, b): name the ones to destroy with --stack NAME (repeatable), or pass --all-stacks',
    );
  });

  it('is content with --stack, --all-stacks, or a single stack', () => {
    expect(() => checkSelection(sel(['prod']), three, 'named-when-several', 'apply')).not.toThrow();
    expect(() => checkSelection(sel([], true), three, 'named-when-several', 'apply')).not.toThrow();
    expect(() => checkSelection(sel(), ['only'], 'named-when-several', 'apply')).not.toThrow();
    expect(() => checkSelection(sel(), [], 'named-when-several', 'apply')).not.toThrow();
  });
});

describe('addStackOptions', () => {
  const parse = (...args: string[]) => {
    const cmd = addStackOptions(new Command('plan').exitOverride());
    cmd.parse(args, { from: 'user' });
    return cmd.opts<StackSelection>();
  };

  it('collects repeated --stack and reads --all-stacks', () => {
    expect(parse()).toEqual({ stack: [] });
    expect(parse('--stack', 'dev', '--stack', 'prod')).toEqual({ stack: ['dev', 'prod'] });
    expect(parse('--all-stacks')).toEqual({ stack: [], allStacks: true });
  });

  it('gives what requestedStacks reads', () => {
    expect(requestedStacks(parse('--stack', 'dev', '--stack', 'dev'))).toEqual(['dev']);
    expect(() => requestedStacks(parse('--stack', 'dev', '--all-stacks'))).toThrow('not both');
  });
});
