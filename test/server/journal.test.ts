/** The journal's records (framing, checksums, torn tails) and its group commit. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { GroupCommitLog, JournalFile, RECORD, blobRecord, crc32, jsonRecord, scanRecords, tableCrc32, textRecord, type ScannedRecord } from '../../lib/server/journal';

let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kf-journal-'))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function scanFile(file: string) {
  const fd = fs.openSync(file, 'r');
  try {
    const records: ScannedRecord[] = [];
    const result = scanRecords(fd, (r) => records.push(r));
    return { ...result, records };
  } finally {
    fs.closeSync(fd);
  }
}

const texts = (records: ScannedRecord[]) => records.map((r) => ('text' in r ? r.text : `blob ${r.sha.slice(0, 8)} ${r.dataLength}`));

describe('crc32', () => {
  it('is the IEEE CRC-32, with or without zlib.crc32, and continues from a value', () => {
    const check = Buffer.from('123456789');
    expect(tableCrc32(check)).toBe(0xcbf43926);
    expect(crc32(check)).toBe(0xcbf43926);
    expect(tableCrc32(check.subarray(4), tableCrc32(check.subarray(0, 4)))).toBe(0xcbf43926);
    const native = (zlib as unknown as { crc32?: (d: Uint8Array) => number }).crc32;
    const random = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) & 0xff));
    if (native) expect(tableCrc32(random)).toBe(native(random));
  });
});

describe('records', () => {
  it('reads back what was written, blobs by their place in the file', () => {
    const file = path.join(dir, 'j');
    const bytes = Buffer.from('hello blob');
    const sha = 'ab'.repeat(32);
    fs.writeFileSync(file, Buffer.concat([jsonRecord(RECORD.header, { format: 'x' }), textRecord(RECORD.put, '["flows","n",{"é":1}]'), blobRecord(sha, bytes)]));
    const r = scanFile(file);
    expect({ torn: r.torn, texts: texts(r.records) }).toEqual({ torn: 0, texts: ['{"format":"x"}', '["flows","n",{"é":1}]', `blob abababab ${bytes.length}`] });
    const blob = r.records[2] as Extract<ScannedRecord, { sha: string }>;
    expect(blob.sha).toBe(sha);
    expect(fs.readFileSync(file).subarray(blob.dataOffset, blob.dataOffset + blob.dataLength)).toEqual(bytes);
    expect(r.end).toBe(fs.statSync(file).size);
  });

  it('stops at a torn tail wherever a kill cut the last record, keeping the whole ones', () => {
    const whole = Buffer.concat([textRecord(RECORD.put, '["kv","a",1]'), textRecord(RECORD.put, '["kv","b",2]')]);
    const last = textRecord(RECORD.put, `["kv","c","${'x'.repeat(100)}"]`);
    for (let cut = 1; cut < last.length; cut++) {
      const file = path.join(dir, `cut${cut}`);
      fs.writeFileSync(file, Buffer.concat([whole, last.subarray(0, cut)]));
      const r = scanFile(file);
      expect([cut, texts(r.records), r.end, r.torn]).toEqual([cut, ['["kv","a",1]', '["kv","b",2]'], whole.length, cut]);
    }
  });

  it('stops at zeros a file system left after an unsynced end, and at a damaged byte', () => {
    const first = textRecord(RECORD.put, '["kv","a",1]');
    fs.writeFileSync(path.join(dir, 'zeros'), Buffer.concat([first, Buffer.alloc(4096)]));
    expect(scanFile(path.join(dir, 'zeros'))).toMatchObject({ end: first.length, torn: 4096, tornReason: 'an empty record' });
    const second = textRecord(RECORD.put, '["kv","b",2]');
    second[second.length - 3] ^= 0x20;
    fs.writeFileSync(path.join(dir, 'flipped'), Buffer.concat([first, second, textRecord(RECORD.put, '["kv","c",3]')]));
    const r = scanFile(path.join(dir, 'flipped'));
    expect([texts(r.records), r.tornReason]).toEqual([['["kv","a",1]'], 'a record whose checksum does not match']);
  });

  it('checks a blob larger than it reads at once chunk by chunk', () => {
    const big = Buffer.alloc(17 * 1024 * 1024, 7);
    const record = blobRecord('cd'.repeat(32), big);
    const file = path.join(dir, 'big');
    fs.writeFileSync(file, record);
    expect(texts(scanFile(file).records)).toEqual([`blob cdcdcdcd ${big.length}`]);
    record[record.length - 1] = 8;
    fs.writeFileSync(file, record);
    expect(scanFile(file)).toMatchObject({ end: 0, tornReason: 'a record whose checksum does not match' });
  });
});

describe('GroupCommitLog', () => {
  const describeFailure = (e: unknown) => new Error(`journal failed: ${(e as Error).message}`);

  it('commits the records of one turn of the event loop with one sync, and resolves in order', async () => {
    const log = new GroupCommitLog(new JournalFile(1, path.join(dir, 'j1')), { describeFailure });
    const order: number[] = [];
    const waits: Promise<void>[] = [];
    for (let i = 0; i < 100; i++) {
      log.append(textRecord(RECORD.put, `["kv","k${i}",${i}]`));
      waits.push(log.durable().then(() => void order.push(i)));
    }
    await Promise.all(waits);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(log.stats).toMatchObject({ flushes: 1, records: 100 });
    expect(texts(scanFile(path.join(dir, 'j1')).records)).toHaveLength(100);
    // Records appended while a sync runs go together in the next one.
    log.append(textRecord(RECORD.put, '["kv","a",1]'));
    const during = log.durable();
    await new Promise((r) => setImmediate(r));
    for (let i = 0; i < 50; i++) log.append(textRecord(RECORD.put, `["kv","b${i}",1]`));
    await Promise.all([during, log.durable()]);
    expect(log.stats.flushes).toBeLessThanOrEqual(3);
    expect(await log.durable()).toBeUndefined();
    log.current.close();
  });

  it('keeps writing the records given to a file before a rotation there, the later ones to the next', async () => {
    const first = new JournalFile(1, path.join(dir, 'j1'));
    const log = new GroupCommitLog(first, { describeFailure });
    log.append(textRecord(RECORD.put, 'a'));
    const second = new JournalFile(2, path.join(dir, 'j2'));
    const last = log.rotate(second);
    const after = log.append(textRecord(RECORD.put, 'b'));
    expect(after).toMatchObject({ generation: 2, offset: 0 });
    await log.durable();
    await log.durable(last);
    expect([texts(scanFile(first.file).records), texts(scanFile(second.file).records)]).toEqual([['a'], ['b']]);
    first.close();
    second.close();
  });

  it('fails every waiting and later commit, saying why, once a write fails', async () => {
    const file = new JournalFile(1, path.join(dir, 'j1'));
    const log = new GroupCommitLog(file, { describeFailure });
    log.append(textRecord(RECORD.put, 'a'));
    await log.durable();
    // The descriptor swapped for a read-only one: the next write fails as a full disk would.
    fs.closeSync(file.fd!);
    file.fd = fs.openSync(file.file, 'r');
    log.append(textRecord(RECORD.put, 'b'));
    await expect(log.durable()).rejects.toThrow(/^journal failed: EBADF/);
    expect(log.failed?.message).toMatch(/EBADF/);
    log.append(textRecord(RECORD.put, 'c'));
    await expect(log.durable()).rejects.toThrow(/journal failed/);
    file.close();
  });
});
