/**
 * `../shared` (the corpus and Kestra's API specs) is there in CI and on the team's machines, not
 * in a user's fresh clone. A suite that needs it skips with a clear message when it is absent —
 * except in CI (`CI=true`), where its absence is a failure, never a silent skip.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const SHARED = path.resolve(__dirname, '..', '..', '..', 'shared');

/** `describe` when the shared path exists; otherwise a skip (or, in CI, one failing test). */
export function describeWithShared(rel: string, name: string, fn: () => void, at = path.join(SHARED, rel)): void {
  if (fs.existsSync(at)) {
    describe(name, fn);
    return;
  }
  if (process.env.CI === 'true') {
    describe(name, () => it(`needs ${at}`, () => {
      throw new Error(`${at} is absent: in CI ../shared must be there (the corpus and the Kestra API specs)`);
    }));
    return;
  }
  console.warn(`Skipping "${name}": ${at} is absent (../shared is not on this machine).`);
  describe.skip(name, fn);
}
