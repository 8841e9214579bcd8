/** Offline checks: each kind's own (a namespace file edited after synth) and depends_on cycles. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { offlineChecks } from '../../lib/validate/offline';
import { file, flow, sha, stack } from '../engine/factory';

describe('offlineChecks', () => {
  it('reports a namespace file whose bytes changed since synth, and a dependency cycle', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-offline-'));
    try {
      const src = path.join(dir, 'q.sql');
      fs.writeFileSync(src, 'select 2');
      const stale = file('n', '/q.sql', 'select 1', { inlineContent: undefined, sourcePath: src, sha256: sha('select 1') });
      const a = flow('n', 'a', undefined, { dependsOn: ['flow:n/b'] });
      const b = flow('n', 'b', undefined, { dependsOn: ['flow:n/a'] });
      const s = { ...stack([stale, a, b]), file: path.join(dir, 'cdk.tf.json') };
      const found = offlineChecks(s, dir).map((d) => [d.file, d.message]);
      expect(found).toEqual([
        ['cdk.tf.json', expect.stringMatching(/^file:n:\/q\.sql: .*q\.sql changed since synth \(sha256 [0-9a-f]{12}… ≠ [0-9a-f]{12}…\) — run the command again so it synthesizes the current tree$/)],
        ['cdk.tf.json', 'stack "test": depends_on forms a cycle: flow:n/a → flow:n/b → flow:n/a'],
      ]);
      expect(offlineChecks({ ...s, resources: [file('n', '/ok.txt', 'fine')] }, dir)).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
