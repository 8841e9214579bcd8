/** A value made on first use and kept: for modules required only when a rare path needs them. */
export function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}
