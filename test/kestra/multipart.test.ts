import { multipartBody } from '../../lib/kestra/multipart';

/** Reads a body back with the platform's own form-data parser (WHATWG Response.formData). */
async function parsed(body: { data: Buffer; contentType: string }): Promise<Array<{ name: string; filename: string; type: string; bytes: Buffer }>> {
  const form = await new Response(body.data, { headers: { 'content-type': body.contentType } }).formData();
  const out: Array<{ name: string; filename: string; type: string; bytes: Buffer }> = [];
  for (const [name, value] of form.entries()) {
    const file = value as File;
    out.push({ name, filename: file.name, type: file.type, bytes: Buffer.from(await file.arrayBuffer()) });
  }
  return out;
}

describe('multipart/form-data bodies', () => {
  it('reads back, part by part, as the platform parser reads a FormData serialisation: names, file names, types and bytes', async () => {
    const parts = [
      { name: 'fileContent', filename: 'upload', contentType: 'application/octet-stream', bytes: Buffer.from([0, 1, 2, 13, 10, 45, 45, 255]) },
      { name: 'flows', filename: 'flow-0.yml', contentType: 'application/x-yaml', bytes: Buffer.from('id: a\nnamespace: b\n--\r\n--x\r\n', 'utf8') },
      { name: 'a "quoted"\r\nname', filename: 'é "file"\n.txt', contentType: 'text/plain', bytes: new Uint8Array(Buffer.from('0123456789').subarray(2, 6)) },
      { name: 'empty', filename: 'empty', contentType: 'application/octet-stream', bytes: Buffer.alloc(0) },
    ];
    const body = multipartBody(parts);
    expect(body.contentType).toMatch(/^multipart\/form-data; boundary=----kestraform-[0-9a-f]{32}$/);
    const read = await parsed(body);
    expect(read.map((p) => [p.name, p.filename, p.type, p.bytes.toString('hex')])).toEqual(parts.map((p) => [p.name, p.filename, p.contentType, Buffer.from(p.bytes).toString('hex')]));
  });

  it('writes what the WHATWG FormData serialisation writes, but for the boundary', async () => {
    const parts = [{ name: 'n"\r\n', filename: 'f"\r\n', contentType: 'application/x-yaml', bytes: Buffer.from('x: 1\n') }];
    const form = new FormData();
    for (const p of parts) form.append(p.name, new Blob([p.bytes], { type: p.contentType }), p.filename);
    const reference = new Response(form);
    const referenceText = Buffer.from(await reference.arrayBuffer()).toString('latin1');
    const referenceBoundary = /boundary=(.*)$/.exec(reference.headers.get('content-type')!)![1];
    const ours = multipartBody(parts);
    const ourBoundary = /boundary=(.*)$/.exec(ours.contentType)![1];
    expect(ours.data.toString('latin1').split(ourBoundary).join('B')).toBe(referenceText.split(referenceBoundary).join('B'));
  });
});
