import { javaTrim, parseFlowBody } from '../../lib/server/flow-parse';

const flow = (id: string, tail = '') => `id: ${id}\nnamespace: company.team\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi${tail}`;
const fresh = (source: string) => JSON.parse(JSON.stringify(parseFlowBody(`${source}`, 2))) as unknown;

describe("the embedded server's parse of a flow body", () => {
  it('gives a parse kept from the same text once to the next parse of it, then parses anew', () => {
    const source = flow('same');
    const first = parseFlowBody(source, 2);
    expect(parseFlowBody(source, 2)).toBe(first);
    expect(parseFlowBody(source, 2)).not.toBe(first);
    expect(parseFlowBody(source, 1)).not.toBe(first); // another major version is another parse
  });

  it("takes a validated (trimmed or split-out) text's parse for the body sent with whitespace around it, only where that whitespace cannot count", () => {
    // apply's order: the validate endpoint parses the source trimmed, the create the body as sent
    const plain = flow('plain', '\n');
    const validated = parseFlowBody(javaTrim(plain), 2);
    expect(parseFlowBody(plain, 2)).toBe(validated);

    // A last value that is a block scalar keeps (or clips to) the line breaks after it: parsed anew.
    const block = `${flow('block')}\n  - id: script\n    type: io.kestra.plugin.core.log.Log\n    message: |+\n      two lines\n      here\n\n\n`;
    const trimmedBlock = parseFlowBody(javaTrim(block), 2);
    const sentBlock = parseFlowBody(block, 2);
    expect(sentBlock).not.toBe(trimmedBlock);
    const messages = (p: typeof sentBlock) => (p.model.tasks as Array<{ message: string }>).map((t) => t.message);
    expect(messages(sentBlock)).toEqual(['hi', 'two lines\nhere\n\n\n']);
    expect(messages(trimmedBlock)).toEqual(['hi', 'two lines\nhere\n']);

    // A clipped or stripped one, followed by one line break as files end: the same value either way.
    for (const header of ['|', '|-', '>', '>-', '|2', '>1-']) {
      const ending = `${flow(`clip${header.length}${header.charCodeAt(0)}${header.endsWith('-') ? 's' : 'c'}`)}\n  - id: script\n    type: io.kestra.plugin.core.log.Log\n    message: ${header}\n      two  lines\n\n       here\n`;
      const validatedEnding = parseFlowBody(javaTrim(ending), 2);
      const sentEnding = parseFlowBody(ending, 2);
      expect([header, sentEnding]).toEqual([header, validatedEnding]);
      expect(sentEnding).toBe(validatedEnding);
      expect(JSON.parse(JSON.stringify(sentEnding))).toEqual(fresh(ending));
      // Two line breaks after it: parsed anew.
      const keptAgain = parseFlowBody(javaTrim(ending), 2);
      expect(parseFlowBody(`${ending}\n`, 2)).not.toBe(keptAgain);
    }

    // Line breaks before it (a source split out of a `---` body starts with one): the same parse.
    const afterBreak = `\n${flow('lead', '\n')}`;
    const splitOut = parseFlowBody(afterBreak, 2);
    expect(parseFlowBody(javaTrim(afterBreak), 2)).toBe(splitOut);
    // Spaces before it indent the first line: parsed anew.
    const indented = `  ${flow('indent', '\n')}`;
    const trimmedIndent = parseFlowBody(javaTrim(indented), 2);
    expect(parseFlowBody(indented, 2)).not.toBe(trimmedIndent);

    // A text with a problem reported: parsed anew (a message may point at its end).
    const broken = 'id: broken\nnamespace: company.team\ntasks: [\n';
    const trimmedBroken = parseFlowBody(javaTrim(broken), 2);
    expect(trimmedBroken.violations.length).toBeGreaterThan(0);
    expect(parseFlowBody(broken, 2)).not.toBe(trimmedBroken);
  });

  it('gives out what a fresh parse gives', () => {
    const source = flow('equal', '\n');
    parseFlowBody(javaTrim(source), 2);
    const taken = JSON.parse(JSON.stringify(parseFlowBody(source, 2))) as unknown;
    expect(taken).toEqual(fresh(source));
  });
});
