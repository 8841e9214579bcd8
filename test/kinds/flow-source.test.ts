/** Whether a flow edit only touched comments or layout: the same parsed YAML data on both sides. */
import { isDeepStrictEqual } from 'node:util';
import { onlyFormattingChanged, parseData } from '../../lib/kinds/flow-source';

const cases: [string, string][] = [
  ['a: 1\nb: [1, 2]\n', '# note\nb: [1, 2]   # x\na: 1\n'],
  ['a: 1\n', 'a: 2\n'],
  ['a: {x: [1, {y: null}]}\n', 'a:\n  x:\n    - 1\n    - y: ~\n'],
  ['a: {x: [1, {y: null}]}\n', 'a:\n  x:\n    - 1\n    - {}\n'],
  ['a: .nan\n', 'a: .NaN\n'],
  ['a: 0\n', 'a: -0\n'],
  ['a: [1, 2]\n', 'a: [2, 1]\n'],
  ['a: "1"\n', 'a: 1\n'],
  ['a: {}\n', 'a: []\n'],
  ['a: null\n', 'b: null\n'],
  ['a: 1\nb: 2\n', 'a: 1\n'],
  ['s: |\n  # kept\n', 's: |\n  # changed\n'],
  ['s: |\n  # kept\n', 's: "# kept\\n"\n'],
];

describe('onlyFormattingChanged', () => {
  it.each(cases)('answers as util.isDeepStrictEqual on the parsed data: %j vs %j', (before, after) => {
    expect(onlyFormattingChanged(before, after)).toBe(isDeepStrictEqual(parseData(before), parseData(after)));
  });

  it('is true for comment and layout edits and false for a value change', () => {
    expect(onlyFormattingChanged(cases[0][0], cases[0][1])).toBe(true);
    expect(onlyFormattingChanged(cases[1][0], cases[1][1])).toBe(false);
    expect(onlyFormattingChanged(cases[11][0], cases[11][1])).toBe(false);
  });
});
