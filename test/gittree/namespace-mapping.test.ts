/**
 * How an environment names namespaces: rename rules for namespace subtrees (longest `from`
 * wins), a prefix for the rest, nothing otherwise; and how a namespace prefix (a filter) maps.
 */
import { mapNamespace, mapNamespacePrefix, type NamespaceMapping } from '../../lib/gittree/namespace-mapping';

describe('mapNamespace', () => {
  const rules: NamespaceMapping = { rules: [{ from: 'company.team', to: 'prod.company.team' }] };

  it('maps the namespace a rule names exactly', () => {
    expect(mapNamespace('company.team', rules)).toBe('prod.company.team');
  });

  it('maps every namespace under the rule, but not a namespace that only shares its characters', () => {
    expect(mapNamespace('company.team.x', rules)).toBe('prod.company.team.x');
    expect(mapNamespace('company.team.x.y', rules)).toBe('prod.company.team.x.y');
    expect(mapNamespace('company.teamx', rules)).toBeUndefined();
    expect(mapNamespace('company', rules)).toBeUndefined();
    expect(mapNamespace('xcompany.team', rules)).toBeUndefined();
  });

  it('lets the longest matching rule win, whatever the order of the rules', () => {
    const a: NamespaceMapping = {
      rules: [
        { from: 'company', to: 'prod.company' },
        { from: 'company.team.data', to: 'lake' },
        { from: 'company.team', to: 'teams.one' },
      ],
    };
    const b: NamespaceMapping = { rules: [...a.rules].reverse() };
    for (const m of [a, b]) {
      expect(mapNamespace('company', m)).toBe('prod.company');
      expect(mapNamespace('company.other', m)).toBe('prod.company.other');
      expect(mapNamespace('company.team', m)).toBe('teams.one');
      expect(mapNamespace('company.team.ops', m)).toBe('teams.one.ops');
      expect(mapNamespace('company.team.data', m)).toBe('lake');
      expect(mapNamespace('company.team.data.raw', m)).toBe('lake.raw');
      expect(mapNamespace('company.team.database', m)).toBe('teams.one.database');
    }
  });

  it('falls back to the prefix for a namespace no rule covers; a rule wins over the prefix', () => {
    const m: NamespaceMapping = { rules: [{ from: 'company.team', to: 'prod.company.team' }], prefix: 'staging.' };
    expect(mapNamespace('other', m)).toBe('staging.other');
    expect(mapNamespace('company.teamx', m)).toBe('staging.company.teamx');
    expect(mapNamespace('company.team.x', m)).toBe('prod.company.team.x');
    expect(mapNamespace('x', { rules: [], prefix: '' })).toBe('x');
  });

  it('answers undefined when neither a rule nor a prefix covers the namespace', () => {
    expect(mapNamespace('other', rules)).toBeUndefined();
    expect(mapNamespace('anything', { rules: [] })).toBeUndefined();
  });
});

describe('mapNamespacePrefix', () => {
  it('maps a prefix like a namespace and lists no rule when the rules agree with it', () => {
    expect(mapNamespacePrefix('company', { rules: [{ from: 'company', to: 'prod.company' }] })).toEqual({ mapped: 'prod.company', divergingRules: [] });
    const consistent: NamespaceMapping = {
      rules: [
        { from: 'company', to: 'p.company' },
        { from: 'company.team', to: 'p.company.team' },
      ],
    };
    expect(mapNamespacePrefix('company', consistent)).toEqual({ mapped: 'p.company', divergingRules: [] });
    expect(mapNamespacePrefix('company', { rules: [], prefix: 'e.' })).toEqual({ mapped: 'e.company', divergingRules: [] });
  });

  it('lists the rules that send part of what the prefix matched elsewhere', () => {
    const elsewhere = { from: 'company.team', to: 'teams.one' };
    const m: NamespaceMapping = { rules: [{ from: 'company', to: 'prod.company' }, elsewhere, { from: 'other', to: 'x' }] };
    expect(mapNamespacePrefix('company', m)).toEqual({ mapped: 'prod.company', divergingRules: [elsewhere] });
    // With a prefix only for the filter itself, a rule below it diverges as well.
    const byPrefix: NamespaceMapping = { rules: [{ from: 'company.team', to: 'prod.company.team' }], prefix: 'e.' };
    expect(mapNamespacePrefix('company', byPrefix)).toEqual({ mapped: 'e.company', divergingRules: [{ from: 'company.team', to: 'prod.company.team' }] });
    // A prefix that ends inside a segment (Kestra compares with startsWith) still sees the rule.
    expect(mapNamespacePrefix('company.te', byPrefix)).toEqual({ mapped: 'e.company.te', divergingRules: [{ from: 'company.team', to: 'prod.company.team' }] });
  });

  it('maps a prefix under a rule with that rule, and a prefix with a trailing dot', () => {
    const m: NamespaceMapping = { rules: [{ from: 'company', to: 'prod.company' }] };
    expect(mapNamespacePrefix('company.team', m)).toEqual({ mapped: 'prod.company.team', divergingRules: [] });
    expect(mapNamespacePrefix('company.', m)).toEqual({ mapped: 'prod.company.', divergingRules: [] });
  });

  it('answers undefined (and no rule) for a prefix nothing covers', () => {
    expect(mapNamespacePrefix('company', { rules: [{ from: 'company.team', to: 'prod.company.team' }] })).toEqual({ mapped: undefined, divergingRules: [] });
  });
});
