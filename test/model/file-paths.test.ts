/**
 * Namespace-file paths as Kestra 1.x stores them: URLEncoder.encode then URI.getPath() give
 * back every character but the space, which stays the form-encoding `+` (kestra-io/kestra#16896).
 */
import { ancestorDirectories, kestra1xStoredPath, kestra1xWrittenAs, storedNamespacePath } from '../../lib/model/file-paths';

describe('kestra1xStoredPath', () => {
  it('turns a space into "+" and keeps everything URLEncoder escapes and URI.getPath() decodes', () => {
    expect(kestra1xStoredPath('/docs/read me.txt')).toBe('/docs/read+me.txt');
    expect(kestra1xStoredPath('/a  b/c d')).toBe('/a++b/c+d');
    // `+` is escaped as %2B and decoded back; so are `%`, `~`, `*`, quotes, brackets and non-ASCII.
    for (const kept of ['/a+b.txt', '/100%.txt', '/%20.txt', '/~x*y_z-1.2', "/it's(1)[2]{3}!", '/été/日本語/😀.txt', '/a?b#c&d=e']) {
      expect(kestra1xStoredPath(kept)).toBe(kept);
    }
    // A lone surrogate has no UTF-8 form: String.getBytes(UTF_8) makes it "?".
    expect(kestra1xStoredPath('/a\uD800b')).toBe('/a?b');
    expect(kestra1xStoredPath('/x\uDC00')).toBe('/x?');
  });

  it('is the identity on Kestra 2 (#17086)', () => {
    expect(storedNamespacePath('/read me.txt', 2)).toBe('/read me.txt');
    expect(storedNamespacePath('/read me.txt', 1)).toBe('/read+me.txt');
  });
});

describe('kestra1xWrittenAs', () => {
  it('lists every spelling a listed name may have been written as, the listed one first', () => {
    expect(kestra1xWrittenAs('/plain.txt')).toEqual(['/plain.txt']);
    expect(kestra1xWrittenAs('/read+me.txt')).toEqual(['/read+me.txt', '/read me.txt']);
    expect(kestra1xWrittenAs('/a+b/c+d').sort()).toEqual(['/a b/c d', '/a b/c+d', '/a+b/c d', '/a+b/c+d']);
    for (const name of kestra1xWrittenAs('/a+b/c+d')) expect(kestra1xStoredPath(name)).toBe('/a+b/c+d');
  });

  it('stays bounded for names full of "+"', () => {
    const many = `/${'+'.repeat(40)}`;
    expect(kestra1xWrittenAs(many)).toEqual([many, `/${' '.repeat(40)}`]);
  });
});

describe('ancestorDirectories', () => {
  it('names the directories above a path, outermost first', () => {
    expect(ancestorDirectories('/a/b/c.txt')).toEqual(['/a', '/a/b']);
    expect(ancestorDirectories('/top.txt')).toEqual([]);
  });
});
