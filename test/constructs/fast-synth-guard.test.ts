/**
 * Fast synth runs only on the cdktf and constructs it was checked against, with every internal it
 * relies on in the expected shape; anything else gives cdktf's plain synthesis.
 */
import { Testing } from 'cdktf';
import { KestraKv, KestraStack } from 'kestraform';
import { checkFastSynthSupport, chooseSynthesis, fastSynthSupport, KNOWN_GOOD_VERSIONS, PLAIN_SYNTH_ENV, type FastSynthSupport } from '../../lib/constructs/fast-synth/guard';
import { buildProbe, RELIED_ON_INTERNALS } from '../../lib/constructs/fast-synth/relied-on';

const reasonOf = (s: FastSynthSupport) => (s.supported ? undefined : s.reason);

describe('the fast synth guard', () => {
  it('accepts the installed cdktf and constructs', () => {
    expect(checkFastSynthSupport()).toEqual({ supported: true });
    expect(fastSynthSupport()).toEqual({ supported: true });
  });

  it('finds every listed internal in the expected shape on its probe, and lists each once', () => {
    const probe = buildProbe();
    for (const internal of RELIED_ON_INTERNALS) expect([internal.name, internal.check(probe)]).toEqual([internal.name, undefined]);
    expect(new Set(RELIED_ON_INTERNALS.map((i) => i.name)).size).toBe(RELIED_ON_INTERNALS.length);
  });

  it.each([
    [{ ...KNOWN_GOOD_VERSIONS, cdktf: '0.22.0' }, /cdktf 0\.22\.0 is installed/],
    [{ ...KNOWN_GOOD_VERSIONS, constructs: '10.9.0' }, /constructs 10\.9\.0 is installed/],
    [{ ...KNOWN_GOOD_VERSIONS, cdktf: undefined }, /cdktf \(version unknown\)/],
  ])('refuses other versions: %j', (versions, reason) => {
    expect(reasonOf(checkFastSynthSupport({ versions }))).toMatch(reason);
  });

  it('refuses when an internal has changed shape', () => {
    const renamedField = () => {
      const probe = buildProbe();
      // As if cdktf had renamed the field that marks an import.
      const imported = probe.imported as unknown as Record<string, unknown>;
      imported._importedFrom = imported._imported;
      delete imported._imported;
      return probe;
    };
    expect(reasonOf(checkFastSynthSupport({ probe: renamedField }))).toMatch(/^cdktf TerraformResource\._imported is not set on imported alone/);
    const childrenElsewhere = () => {
      const probe = buildProbe();
      delete (probe.root.node as unknown as Record<string, unknown>)._children;
      return probe;
    };
    expect(reasonOf(checkFastSynthSupport({ probe: childrenElsewhere }))).toMatch(/^constructs Node\._children /);
  });

  it('refuses when a check throws or the probe cannot be built', () => {
    const throwing = { name: 'cdktf Something._gone', check: () => { throw new Error('no such thing'); } };
    expect(reasonOf(checkFastSynthSupport({ internals: [...RELIED_ON_INTERNALS, throwing] }))).toBe('cdktf Something._gone fails its check: no such thing');
    const unbuildable = () => { throw new Error('constructor changed'); };
    expect(reasonOf(checkFastSynthSupport({ probe: unbuildable }))).toBe('its probe constructs could not be built: constructor changed');
  });
});

describe('the synthesis a stack gets', () => {
  const supported = (): FastSynthSupport => ({ supported: true });
  const refused = (): FastSynthSupport => ({ supported: false, reason: 'test' });

  it('is fast by default, plain when asked, forced by KESTRAFORM_PLAIN_SYNTH=1, or refused by the guard', () => {
    expect(chooseSynthesis(undefined, {}, supported)).toBe('fast');
    expect(chooseSynthesis('fast', {}, supported)).toBe('fast');
    expect(chooseSynthesis('plain', {}, supported)).toBe('plain');
    expect(chooseSynthesis(undefined, { [PLAIN_SYNTH_ENV]: '1' }, supported)).toBe('plain');
    expect(chooseSynthesis(undefined, { [PLAIN_SYNTH_ENV]: '0' }, supported)).toBe('fast');
    expect(chooseSynthesis('fast', {}, refused)).toBe('plain');
  });

  it('is the option of the stack', () => {
    const app = Testing.app();
    expect(new KestraStack(app, 'default').synthesisMode).toBe('fast');
    expect(new KestraStack(app, 'fast', { synthesis: 'fast' }).synthesisMode).toBe('fast');
    const plain = new KestraStack(app, 'plain', { synthesis: 'plain' });
    expect(plain.synthesisMode).toBe('plain');
    new KestraKv(plain, 'kv', { namespace: 'company.team', key: 'K', type: 'STRING', value: 'v' });
    expect((plain.toTerraform() as { resource: { kestra_kv: Record<string, unknown> } }).resource.kestra_kv.kv).toMatchObject({ key: 'K', value: 'v' });
  });
});
