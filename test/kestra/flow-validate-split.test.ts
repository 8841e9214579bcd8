import { survivesDocumentSplit } from '../../lib/kestra/flow-validate';

describe('survivesDocumentSplit: may a source share a multi-document validate body', () => {
  it('accepts ordinary single-document sources, CRLF included', () => {
    expect(survivesDocumentSplit('id: a\nnamespace: n\ntasks: []\n')).toBe(true);
    expect(survivesDocumentSplit('id: a\r\nnamespace: n\r\n')).toBe(true);
    expect(survivesDocumentSplit('id: a\ndescription: "x --- y"\n')).toBe(true);
  });

  it('refuses sources Kestra would cut in pieces or misalign', () => {
    expect(survivesDocumentSplit('---\nid: a\n')).toBe(false); // leading document marker
    expect(survivesDocumentSplit('# owned by the data team\n---\nid: a\n')).toBe(false); // header comment, then a marker
    expect(survivesDocumentSplit('id: a\n---\n')).toBe(false); // trailing marker
    expect(survivesDocumentSplit('id: a\n-----\n')).toBe(false); // a markdown rule also matches Kestra's regex
    expect(survivesDocumentSplit('   \n')).toBe(false);
  });
});
