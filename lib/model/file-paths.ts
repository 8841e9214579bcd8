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
