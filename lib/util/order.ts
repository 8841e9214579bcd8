/**
 * Code-point order of strings: the same on every machine, whatever its locale (localeCompare is
 * not), so plans, listings and files come out identical everywhere.
 */
export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A comparator by a string key, in code-point order. */
export function byKey<T>(key: (item: T) => string): (a: T, b: T) => number {
  return (a, b) => byCodePoint(key(a), key(b));
}
