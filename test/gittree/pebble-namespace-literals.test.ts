/**
 * The namespace literals of Pebble expressions: the namespace argument of kv(), secret() and the
 * namespace-file functions (by position or by name), and, for 2.x Flow-trigger `when`
 * conditions, literals compared with the `namespace` variable. Expressions are skipped.
 */
import { hasPebble, pebbleNamespaceLiterals, type PebbleNamespaceLiteral } from '../../lib/gittree/pebble-namespace-literals';
import { locateLiteral } from '../../lib/gittree/flow-namespace-references';

const plain = { namespaceComparisons: false };
const comparisons = { namespaceComparisons: true };

/** value, match and via of each literal; and each literal's offsets must cut its value out of the text. */
function literals(text: string, opts = plain): Array<Pick<PebbleNamespaceLiteral, 'value' | 'match' | 'via' | 'quote'>> {
  const found = pebbleNamespaceLiterals(text, opts);
  for (const l of found) {
    expect(text.slice(l.start, l.end)).toBe(l.value);
    expect(text[l.start - 1]).toBe(l.quote);
    expect(text[l.end]).toBe(l.quote);
  }
  return found.map(({ value, match, via, quote }) => ({ value, match, via, quote }));
}

describe('hasPebble', () => {
  it('tells a templated string from a plain one', () => {
    expect(hasPebble('{{ x }}')).toBe(true);
    expect(hasPebble('{% if x %}y{% endif %}')).toBe(true);
    expect(hasPebble('company.team')).toBe(false);
    expect(hasPebble('a { b } c')).toBe(false);
  });
});

describe('pebbleNamespaceLiterals: function arguments', () => {
  it('takes the second positional argument of kv(), secret() and the file functions', () => {
    expect(literals("{{ kv('KEY', 'company.team') }}")).toEqual([{ value: 'company.team', match: 'exact', via: 'kv()', quote: "'" }]);
    expect(literals('{{ secret("S", "company.team") }}')).toEqual([{ value: 'company.team', match: 'exact', via: 'secret()', quote: '"' }]);
    for (const fn of ['read', 'fileURI', 'fileExists', 'fileSize', 'isFileEmpty']) {
      expect(literals(`{{ ${fn}('f.sql', 'company.team') }}`)).toEqual([{ value: 'company.team', match: 'exact', via: `${fn}()`, quote: "'" }]);
    }
  });

  it('takes the argument named namespace, wherever it stands', () => {
    expect(literals("{{ kv('KEY', namespace='company.team') }}")).toEqual([{ value: 'company.team', match: 'exact', via: 'kv()', quote: "'" }]);
    expect(literals("{{ kv(namespace='company.team', key='KEY', errorOnMissing=false) }}")).toEqual([{ value: 'company.team', match: 'exact', via: 'kv()', quote: "'" }]);
    // A named key does not shift the positions: the namespace is still the second positional.
    expect(literals("{{ kv(key='KEY', 'company.team') }}")).toEqual([]);
  });

  it('finds every call of a string, in {{ }} and {% %} tags, in order', () => {
    const text = "a {{ kv('A', 'one') }} b {% set x = read('f', 'two') %} c {{kv('B','three')}}";
    expect(literals(text).map((l) => l.value)).toEqual(['one', 'two', 'three']);
  });

  it('skips expressions, variables, concatenations and interpolations', () => {
    expect(literals("{{ kv('K', flow.namespace) }}")).toEqual([]);
    expect(literals("{{ kv('K', namespace=flow.namespace) }}")).toEqual([]);
    expect(literals("{{ kv('K', 'company.' ~ inputs.team) }}")).toEqual([]);
    expect(literals('{{ kv("K", "company.#{inputs.team}") }}')).toEqual([]);
    expect(literals("{{ kv('K', 'company\\'s') }}")).toEqual([]);
    expect(literals("{{ kv('KEY') }}")).toEqual([]);
    expect(literals("{{ kv('K', ['a']) }}")).toEqual([]);
  });

  it('skips methods, filters and functions that take no namespace', () => {
    expect(literals("{{ outputs.kv('K', 'company.team') }}")).toEqual([]);
    expect(literals("{{ x | kv('K', 'company.team') }}")).toEqual([]);
    expect(literals("{{ render('K', 'company.team') }}")).toEqual([]);
    expect(literals("kv('K', 'company.team')")).toEqual([]);
  });

  it('skips Pebble comments and {% raw %} blocks', () => {
    expect(literals("{# kv('K', 'a') #}{{ kv('K', 'b') }}").map((l) => l.value)).toEqual(['b']);
    expect(literals("{% raw %}{{ kv('K', 'a') }}{% endraw %}{{ kv('K', 'b') }}").map((l) => l.value)).toEqual(['b']);
    expect(literals("{%- raw -%}{{ kv('K', 'a') }}{%- endraw -%}{{ kv('K', 'c') }}").map((l) => l.value)).toEqual(['c']);
  });

  it('does not end a tag at a }} inside a string or a map literal', () => {
    expect(literals("{{ '}}' ~ kv('K', 'a') }}").map((l) => l.value)).toEqual(['a']);
    expect(literals("{{ {'x': kv('K', 'a')}}}").map((l) => l.value)).toEqual(['a']);
  });
});

describe('pebbleNamespaceLiterals: namespace comparisons (2.x Flow-trigger when)', () => {
  it('takes == and != comparisons either way round, and startsWith as a prefix', () => {
    expect(literals("{{ namespace == 'company.team' }}", comparisons)).toEqual([{ value: 'company.team', match: 'exact', via: 'namespace ==', quote: "'" }]);
    expect(literals("{{ 'company.team' != namespace }}", comparisons)).toEqual([{ value: 'company.team', match: 'exact', via: 'namespace !=', quote: "'" }]);
    expect(literals("{{ namespace | startsWith('company') }}", comparisons)).toEqual([{ value: 'company', match: 'prefix', via: 'namespace | startsWith()', quote: "'" }]);
    expect(literals("{{ namespace == 'a' and namespace | startsWith('b') or 'c' == namespace }}", comparisons).map((l) => `${l.match}:${l.value}`)).toEqual(['exact:a', 'prefix:b', 'exact:c']);
  });

  it('only when asked', () => {
    expect(literals("{{ namespace == 'company.team' }}", plain)).toEqual([]);
  });

  it('skips comparisons of something else than the namespace variable', () => {
    expect(literals("{{ trigger.namespace == 'a' }}", comparisons)).toEqual([]);
    expect(literals("{{ namespace == 'a' ~ x }}", comparisons)).toEqual([]);
    expect(literals("{{ 'a' == namespace ~ x }}", comparisons)).toEqual([]);
    expect(literals("{{ x ~ 'a' == namespace }}", comparisons)).toEqual([]);
    expect(literals("{{ 'x' ~ namespace == 'a' }}", comparisons)).toEqual([]);
    expect(literals("{{ namespace | startsWith(x) }}", comparisons)).toEqual([]);
    expect(literals("{{ namespace | upper == 'A' }}", comparisons)).toEqual([]);
  });
});

describe('locateLiteral', () => {
  it("finds a literal in the scalar's source through YAML quoting", () => {
    // value as YAML reads it, then the source of the scalar
    const value = "{{ kv('K', 'company.team') }}";
    const lit = pebbleNamespaceLiterals(value, plain)[0];
    expect(locateLiteral(value, lit.start, lit.end, lit.quote, `"${value}"`)).toBe(13);
    expect(locateLiteral(value, lit.start, lit.end, lit.quote, "'{{ kv(''K'', ''company.team'') }}'")).toBe(16);
    const dq = '{{ kv("K", "company.team") }}';
    const dqLit = pebbleNamespaceLiterals(dq, plain)[0];
    expect(locateLiteral(dq, dqLit.start, dqLit.end, dqLit.quote, '"{{ kv(\\"K\\", \\"company.team\\") }}"')).toBe(16);
  });

  it('gives up when an escape hides the literal or the counts differ', () => {
    const value = "{{ kv('K', 'company.team') }}";
    const lit = pebbleNamespaceLiterals(value, plain)[0];
    expect(locateLiteral(value, lit.start, lit.end, lit.quote, `"{{ kv('K', 'company\\x2eteam') }}"`)).toBeUndefined();
    expect(locateLiteral(value, lit.start, lit.end, lit.quote, `"{{ kv('K', 'company.team') }}" # company.team`)).toBeUndefined();
  });
});
