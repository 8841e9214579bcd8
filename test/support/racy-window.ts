/**
 * Waits until what a test just wrote is older than the racy window (3 s): the input recorder, the
 * tree index and the code cache trust no file's stat younger than that, since one tick of the file
 * system's clock may hide a change — so a test that wants a stat trusted lets its files age first.
 */
const RACY_WINDOW_MS = 3000;

export function pastRacyWindow(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, RACY_WINDOW_MS + 100));
}
