/**
 * Kestra's rules for a namespace file path, worded once for every place that checks one (the
 * tree readers, the resource schema, the REST client): absolute, '/'-separated, no empty, "." or
 * ".." component, no NUL, no component over 255 bytes, and nothing under /_flows, which Kestra
 * reserves for importing flows.
 */
export const RESERVED_FLOWS_DIR = '/_flows';

/** What is wrong with `path` as a namespace file path, or undefined when Kestra accepts it. */
export function namespaceFilePathProblem(path: string): string | undefined {
  if (!path.startsWith('/')) return 'must start with "/"';
  if (path === '/') return 'must name a file or directory, not the namespace root';
  if (path.includes('\0')) return 'must not contain a NUL character';
  const parts = path.slice(1).split('/');
  if (parts.some((part) => part === '' || part === '.' || part === '..')) return 'must not contain empty, "." or ".." components';
  // At most 3 UTF-8 bytes per UTF-16 unit: names of up to 85 units need no count.
  const long = parts.find((part) => part.length > 85 && Buffer.byteLength(part) > 255);
  if (long !== undefined) return `has a component of ${Buffer.byteLength(long)} bytes ("${long.slice(0, 40)}…"); Kestra refuses more than 255`;
  if (path === RESERVED_FLOWS_DIR || path.startsWith(`${RESERVED_FLOWS_DIR}/`)) return 'is under /_flows, which Kestra reserves for importing flows';
  return undefined;
}

/** `prefix` and a '/'-separated relative path as one namespace file path (prefix '/' or '/dir'). */
export function joinNamespacePath(prefix: string, rel: string): string {
  return prefix === '/' || prefix === '' ? `/${rel}` : `${prefix.replace(/\/+$/, '')}/${rel}`;
}

/**
 * The path Kestra 1.x stores for `path`: every NamespaceFileController endpoint of 1.x passes the
 * `path` parameter through `URLEncoder.encode` (form encoding) and back with `URI.getPath()`
 * (URI decoding). Percent escapes come back as they went, but the `+` form encoding makes of a
 * space is not a URI escape and stays: `/docs/read me.txt` is stored, listed and read as
 * `/docs/read+me.txt`, one object with `/docs/read+me.txt` itself (kestra-io/kestra#16896; 2.0
 * keeps the path as given, #17086). A lone UTF-16 surrogate, which UTF-8 cannot encode, comes
 * back as `?`. Nothing else changes: `+`, `%`, `*`, `~` and non-ASCII letters round-trip.
 */
export function kestra1xStoredPath(path: string): string {
  if (!/[ \uD800-\uDFFF]/.test(path)) return path;
  let out = '';
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c === 0x20) out += '+';
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < path.length && path.charCodeAt(i + 1) >= 0xdc00 && path.charCodeAt(i + 1) <= 0xdfff) {
      out += path[i] + path[i + 1];
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) out += '?';
    else out += path[i];
  }
  return out;
}

/** The path a namespace file is stored under on Kestra `major`. */
export function storedNamespacePath(path: string, major: 1 | 2): string {
  return major === 1 ? kestra1xStoredPath(path) : path;
}

/** Above this many `+` in one listed name, only the two extreme spellings are tried. */
const MAX_PLUS_VARIANTS = 10;

/**
 * The names a path listed by Kestra 1.x may have been written as: each `+` a `+` or a space
 * (the listed name first). Bounded: a name with very many `+` gets only itself and all-spaces.
 */
export function kestra1xWrittenAs(listed: string): string[] {
  const at: number[] = [];
  for (let i = 0; i < listed.length; i++) if (listed[i] === '+') at.push(i);
  if (!at.length) return [listed];
  if (at.length > MAX_PLUS_VARIANTS) return [listed, listed.replace(/\+/g, ' ')];
  const out: string[] = [];
  for (let mask = 0; mask < 1 << at.length; mask++) {
    let s = '';
    let from = 0;
    at.forEach((i, k) => {
      s += listed.slice(from, i) + (mask & (1 << k) ? ' ' : '+');
      from = i + 1;
    });
    out.push(s + listed.slice(from));
  }
  return out;
}

/** The directories above a namespace path, outermost first: `/a/b/c.txt` → `/a`, `/a/b`. */
export function ancestorDirectories(path: string): string[] {
  const out: string[] = [];
  for (let i = path.indexOf('/', 1); i > 0; i = path.indexOf('/', i + 1)) out.push(path.slice(0, i));
  return out;
}
