/**
 * The embedded server's namespace-file routes as Kestra answers them, for each line:
 * - 1.x stores a path through URLEncoder + URI.getPath(): a space is `+`, `a b` and `a+b` are
 *   one object (kestra-io/kestra#16896), 2.x keeps them apart (#17086);
 * - a file and a directory never share a path: 409 (#17659, #18034), and below a file 409 in
 *   2.x (#18821) or the storage layer's 500 in 1.x;
 * - a delete walks up while the parent holds one live entry, counted over every namespace
 *   (NamespaceFileController.innerDeleteFileDirectory), so a delete of a path already gone
 *   takes its last sibling;
 * - a file uploaded again after a delete keeps its creationTime and numbers revisions on
 *   (AbstractJdbcNamespaceFileMetadataRepository.save).
 * The routes are called directly (as the pipeline's last step calls them), on either line.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileEmulator as emulator } from './support/file-emulator';

describe('namespace-file paths with a space', () => {
  it('1.x stores a space as "+": both names are one object, listed with the "+"', async () => {
    const k = emulator(1);
    expect((await k.upload('n', '/docs/read me.txt', 'first')).status).toBe(200);
    expect(await k.list('n', '/docs')).toEqual(['read+me.txt']);
    expect((await k.read('n', '/docs/read+me.txt')).text).toBe('first');
    expect((await k.upload('n', '/docs/read+me.txt', 'second')).status).toBe(200);
    expect((await k.read('n', '/docs/read me.txt')).text).toBe('second');
    expect((await k.revisions('n', '/docs/read me.txt')).json).toEqual([{ revision: 1 }, { revision: 2 }]);
    expect(await k.list('n', '/docs')).toEqual(['read+me.txt']);
    // Directories are named the same way; `%` and non-ASCII letters round-trip.
    await k.upload('n', '/my dir/été 100%.txt', 'x');
    expect(await k.list('n')).toEqual(['docs/', 'my+dir/']);
    expect(await k.list('n', '/my dir')).toEqual(['été+100%.txt']);
    expect((await k.remove('n', '/docs/read me.txt')).status).toBe(200);
    expect((await k.read('n', '/docs/read+me.txt')).status).toBe(404);
  });

  it('2.x keeps the path as given: two files', async () => {
    const k = emulator(2);
    await k.upload('n', '/docs/read me.txt', 'space');
    await k.upload('n', '/docs/read+me.txt', 'plus');
    expect(await k.list('n', '/docs')).toEqual(['read me.txt', 'read+me.txt']);
    expect((await k.read('n', '/docs/read me.txt')).text).toBe('space');
  });
});

describe('a file and a directory at one path', () => {
  for (const major of [1, 2] as const) {
    it(`${major}.x answers 409 to a file where a directory is, and to a directory where a file is`, async () => {
      const k = emulator(major);
      await k.upload('n', '/cfg/a.yml', 'a');
      const fileOnDir = await k.upload('n', '/cfg', 'now a file');
      expect(fileOnDir.status).toBe(409);
      if (major === 2) expect(fileOnDir.error).toMatchObject({ type: 'https://kestra.io/docs/api-reference/problems/conflict', status: 409, detail: expect.stringContaining("'/cfg'") });
      else expect(fileOnDir.error).toMatchObject({ message: expect.stringMatching(/^Conflict: .*'\/cfg'/) });
      expect((await k.read('n', '/cfg/a.yml')).text).toBe('a');

      await k.upload('n', '/solo', 's');
      expect((await k.mkdir('n', '/solo')).status).toBe(409);
      // In the right order both succeed.
      await k.remove('n', '/cfg/a.yml');
      expect((await k.upload('n', '/cfg', 'now a file')).status).toBe(200);
      await k.remove('n', '/solo');
      expect((await k.upload('n', '/solo/inside.txt', 'i')).status).toBe(200);
      expect(await k.list('n')).toEqual(['cfg', 'solo/']);
    });
  }

  it('refuses a write below a file: 409 on 2.x (#18821), the storage failure (500) on 1.x', async () => {
    for (const major of [1, 2] as const) {
      const k = emulator(major);
      await k.upload('n', '/t.txt', 't');
      expect((await k.upload('n', '/t.txt/child.txt', 'c')).status).toBe(major === 2 ? 409 : 500);
      expect((await k.mkdir('n', '/t.txt/sub')).status).toBe(major === 2 ? 409 : 500);
      expect(await k.list('n')).toEqual(['t.txt']);
    }
  });
});

describe('delete with Kestra parent clean-up', () => {
  it('removes directories left empty above a deleted file', async () => {
    const k = emulator(2);
    await k.upload('n', '/a/b/c.txt', 'c');
    await k.upload('n', '/keep.txt', 'k');
    await k.remove('n', '/a/b/c.txt');
    expect(await k.list('n')).toEqual(['keep.txt']);
  });

  it('keeps a directory while other entries remain, and removes it with its last one', async () => {
    const k = emulator(2);
    await k.upload('n', '/d/x.txt', 'x');
    await k.upload('n', '/d/sub/y.txt', 'y');
    await k.remove('n', '/d/sub/y.txt');
    expect(await k.list('n', '/d')).toEqual(['x.txt']);
    await k.remove('n', '/d/x.txt');
    expect(await k.list('n')).toEqual([]);
  });

  it('counts the parent\'s entries over every namespace: an empty directory can stay behind', async () => {
    const k = emulator(2);
    await k.upload('one', '/shared/a.txt', 'a');
    await k.upload('two', '/shared/b.txt', 'b');
    await k.remove('one', '/shared/a.txt');
    expect(await k.list('one')).toEqual(['shared/']);
    expect(await k.list('one', '/shared')).toEqual([]);
    expect(await k.list('two', '/shared')).toEqual(['b.txt']);
  });

  for (const major of [1, 2] as const) {
    it(`${major}.x: deleting a path already gone removes its last sibling (and the parents holding only it)`, async () => {
      const k = emulator(major);
      await k.upload('n', '/docs/a.txt', 'a');
      await k.upload('n', '/docs/b.txt', 'b');
      await k.upload('n', '/top.txt', 't');
      expect((await k.remove('n', '/docs/a.txt')).status).toBe(200);
      expect(await k.list('n', '/docs')).toEqual(['b.txt']);
      // The same DELETE again (a blind retry): the one entry under /docs/ is b.txt.
      expect((await k.remove('n', '/docs/a.txt')).status).toBe(200);
      expect((await k.read('n', '/docs/b.txt')).status).toBe(404);
      expect(await k.list('n')).toEqual(['top.txt']);
    });
  }
});

describe('a file uploaded again after a delete', () => {
  it('keeps its creationTime and numbers its revisions on', async () => {
    const k = emulator(2);
    await k.upload('n', '/x.txt', 'one');
    const created = ((await k.stats('n', '/x.txt')).json as { creationTime: number }).creationTime;
    await new Promise((r) => setTimeout(r, 5));
    await k.remove('n', '/x.txt');
    expect((await k.revisions('n', '/x.txt')).status).toBe(404);
    await k.upload('n', '/x.txt', 'two');
    const again = (await k.stats('n', '/x.txt')).json as { creationTime: number; lastModifiedTime: number };
    expect(again.creationTime).toBe(created);
    expect(again.lastModifiedTime).toBeGreaterThan(created);
    expect((await k.revisions('n', '/x.txt')).json).toEqual([{ revision: 1 }, { revision: 2 }]);
  });
});

describe('directory entries on disk', () => {
  it('keeps an emptied directory and the parent counts across a restart', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-files-'));
    try {
      const k = emulator(2, dir);
      await k.upload('one', '/shared/a.txt', 'a');
      await k.upload('two', '/shared/b.txt', 'b');
      await k.upload('one', '/solo/c.txt', 'c');
      await k.upload('one', '/solo/d.txt', 'd');
      await k.remove('one', '/shared/a.txt');
      await k.close();
      const again = emulator(2, dir);
      expect(await again.list('one')).toEqual(['shared/', 'solo/']);
      // After the restart the parent of /solo/d.txt still counts two entries: only d goes.
      await again.remove('one', '/solo/d.txt');
      expect(await again.list('one', '/solo')).toEqual(['c.txt']);
      await again.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
