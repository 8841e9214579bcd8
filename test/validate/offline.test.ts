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
      // Not read when a reused synth vouches for exactly that path and hash; read when it vouches for something else.
      const vouched = (abs: string, sha256: string) => abs === src && sha256 === sha('select 1');
      expect(offlineChecks({ ...s, resources: [stale] }, dir, undefined, { sourceUnchanged: vouched })).toEqual([]);
      const otherHash = file('n', '/q.sql', 'select 3', { inlineContent: undefined, sourcePath: src, sha256: sha('select 3') });
      expect(offlineChecks({ ...s, resources: [otherHash] }, dir, undefined, { sourceUnchanged: vouched })).toHaveLength(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses on Kestra 1.x two namespace files it would store as one, naming both paths at the Git file', () => {
    const spaced = file('n', '/docs/read me.txt', 'a', { sourcePath: '/p/tree/n/files/docs/read me.txt', inlineContent: 'a' });
    const plus = file('n', '/docs/read+me.txt', 'b');
    const s1 = stack([spaced, plus], { kestra_version: 1 });
    const found = offlineChecks({ ...s1, file: '/p/cdktf.out/cdk.tf.json' }, '/p');
    expect(found).toEqual([
      expect.objectContaining({ severity: 'error', file: 'tree/n/files/docs/read me.txt', message: expect.stringMatching(/^stack "test": namespace n: \/docs\/read me\.txt \(tree\/n\/files\/docs\/read me\.txt\) and \/docs\/read\+me\.txt are one file on Kestra 1\.x/) }),
    ]);
    expect(offlineChecks({ ...stack([spaced, plus], { kestra_version: 2 }), file: '/p/cdktf.out/cdk.tf.json' }, '/p')).toEqual([]);
  });
});
