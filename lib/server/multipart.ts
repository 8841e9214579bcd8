/**
 * How the embedded server reads a multipart/form-data body (RFC 7578 over RFC 2046's framing):
 * its parts' names, file names, content types and bytes, in order.
 *
 * Read here from the body's bytes rather than through the platform's `Response.formData()`,
 * which makes a File (a Blob, with its bookkeeping) of each part: ~0.07 ms a body, a third of a
 * second over the 5,000 uploads of a large first apply. Names and file names in quotes are read
 * as the WHATWG serialisation writes them (`%22`, `%0D`, `%0A` for `"`, CR, LF), as the platform
 * parser reads them; test/server/multipart.test.ts holds both parsers to the same answers.
 */

export interface FormPart {
  name: string;
  /** Set for a file part (`filename=` in its Content-Disposition). */
  filename?: string;
  contentType?: string;
  data: Buffer;
}

export class MultipartError extends Error {}

export function parseMultipart(body: Buffer, contentType: string): FormPart[] {
  const boundary = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  if (!boundary) throw new MultipartError('no boundary in the Content-Type');
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`, 'latin1');
  const lineAndDelimiter = Buffer.concat([CRLF, delimiter]);
  // The first delimiter opens the body (or ends a preamble's line).
  let at = body.subarray(0, delimiter.length).equals(delimiter) ? 0 : body.indexOf(lineAndDelimiter);
  if (at < 0) throw new MultipartError('no part delimiter');
  if (at > 0) at += CRLF.length;
  const parts: FormPart[] = [];
  for (;;) {
    let i = at + delimiter.length;
    if (body[i] === DASH && body[i + 1] === DASH) return parts; // the close delimiter; an epilogue may follow
    while (body[i] === SPACE || body[i] === TAB) i++; // transport padding
    if (body[i] !== CR || body[i + 1] !== LF) throw new MultipartError('a part delimiter is not followed by a line break');
    // Headers end with an empty line; a part with no header has that empty line at once.
    const headerStart = i + 2;
    let dataStart: number;
    let headerText: string;
    if (body[headerStart] === CR && body[headerStart + 1] === LF) {
      headerText = '';
      dataStart = headerStart + 2;
    } else {
      const headersEnd = body.indexOf(HEADERS_END, headerStart);
      if (headersEnd < 0) throw new MultipartError('a part\'s headers do not end');
      headerText = body.toString('utf8', headerStart, headersEnd);
      dataStart = headersEnd + HEADERS_END.length;
    }
    const next = body.indexOf(lineAndDelimiter, dataStart);
    if (next < 0) throw new MultipartError('the body ends before its close delimiter');
    parts.push(partOf(headerText, body.subarray(dataStart, next)));
    at = next + CRLF.length;
  }
}

const CR = 0x0d;
const LF = 0x0a;
const DASH = 0x2d;
const SPACE = 0x20;
const TAB = 0x09;
const CRLF = Buffer.from('\r\n', 'latin1');
const HEADERS_END = Buffer.from('\r\n\r\n', 'latin1');
const NAME = /;\s*name\s*=\s*(?:"([^"]*)"|([^;\s]*))/i;
const FILENAME = /;\s*filename\s*=\s*(?:"([^"]*)"|([^;\s]*))/i;

function partOf(headerText: string, data: Buffer): FormPart {
  let disposition: string | undefined;
  let contentType: string | undefined;
  for (const line of headerText ? headerText.split('\r\n') : []) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new MultipartError(`a part header is not "Name: value": ${JSON.stringify(line.slice(0, 80))}`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'content-disposition') disposition = value;
    else if (name === 'content-type') contentType = value;
  }
  if (!disposition || !/^form-data\s*(;|$)/i.test(disposition)) throw new MultipartError('a part has no Content-Disposition: form-data');
  const name = parameter(disposition, NAME);
  if (name === undefined) throw new MultipartError('a part has no name');
  const filename = parameter(disposition, FILENAME);
  return { name, ...(filename !== undefined ? { filename } : {}), ...(contentType !== undefined ? { contentType } : {}), data };
}

/** A Content-Disposition parameter: a quoted string (`"` written as %22, as WHATWG's serialisation writes it, and CR, LF too), or a token. */
function parameter(disposition: string, key: RegExp): string | undefined {
  const m = key.exec(disposition);
  if (!m) return undefined;
  if (m[2] !== undefined) return m[2];
  return m[1].replace(/%22/g, '"').replace(/%0D/gi, '\r').replace(/%0A/gi, '\n');
}
