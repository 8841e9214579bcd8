import { parseMultipart, type FormPart } from '../../lib/server/multipart';
import { multipartBody } from '../../lib/kestra/multipart';

/** What the platform's own parser (WHATWG Response.formData) reads from a body, in the same shape. */
async function platform(body: Buffer, contentType: string): Promise<FormPart[]> {
  const form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
  const out: FormPart[] = [];
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') out.push({ name, data: Buffer.from(value, 'utf8') });
    else out.push({ name, filename: value.name, contentType: value.type, data: Buffer.from(await value.arrayBuffer()) });
  }
  return out;
}

const bytes = (s: string) => Buffer.from(s, 'utf8');

describe("the embedded server's multipart/form-data reader", () => {
  it('reads what the platform parser reads from the client’s bodies and from WHATWG FormData serialisations', async () => {
    const client = multipartBody([
      { name: 'fileContent', filename: 'upload', contentType: 'application/octet-stream', bytes: Buffer.from([0, 13, 10, 45, 45, 255, 13, 10]) },
      { name: 'flows', filename: 'é "x"\r\n.yml', contentType: 'application/x-yaml', bytes: bytes('id: a\n--\r\n') },
      { name: 'empty', filename: 'e', contentType: 'application/octet-stream', bytes: Buffer.alloc(0) },
    ]);
    expect(parseMultipart(client.data, client.contentType)).toEqual(await platform(client.data, client.contentType));

    const form = new FormData();
    form.append('field', 'a value\r\nwith a line break');
    form.append('we"ird\nname', new Blob([bytes('content')], { type: 'text/plain' }), 'f"i\rle.txt');
    const serialised = new Response(form);
    const body = Buffer.from(await serialised.arrayBuffer());
    const type = serialised.headers.get('content-type')!;
    const ours = parseMultipart(body, type);
    expect(ours).toEqual(await platform(body, type));
    // FormData writes a name's line breaks as CRLF; both readers give the quotes and breaks back.
    expect(ours.map((p) => [p.name, p.filename])).toEqual([['field', undefined], ['we"ird\r\nname', 'f"i\rle.txt']]);
  });

  it('takes a preamble, an epilogue, transport padding, a quoted boundary and bare parameter values', async () => {
    const type = 'multipart/form-data; boundary="b-1"';
    const body = bytes('preamble text\r\n--b-1  \r\nContent-Disposition: form-data; name=plain; filename=x.txt\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b-1\r\nContent-Disposition: form-data; name="second"\r\n\r\n2\r\n--b-1--\r\nepilogue');
    expect(parseMultipart(body, type)).toEqual([
      { name: 'plain', filename: 'x.txt', contentType: 'text/plain', data: bytes('hello') },
      { name: 'second', data: bytes('2') },
    ]);
  });

  it('refuses what is not a whole form, naming what is wrong', () => {
    const type = 'multipart/form-data; boundary=b';
    const refusals: Array<[string, string, RegExp]> = [
      ['multipart/form-data', '--b\r\n\r\n\r\n--b--', /no boundary/],
      [type, 'nothing here', /no part delimiter/],
      [type, '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\ncut short', /ends before its close delimiter/],
      [type, '--b\r\nContent-Disposition: attachment; name="a"\r\n\r\nx\r\n--b--', /no Content-Disposition: form-data/],
      [type, '--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--', /no name/],
      [type, '--bx\r\n', /not followed by a line break/],
      [type, '--b\r\nno colon\r\n\r\nx\r\n--b--', /not "Name: value"/],
    ];
    for (const [contentType, body, message] of refusals) expect(() => parseMultipart(bytes(body), contentType)).toThrow(message);
  });
});
