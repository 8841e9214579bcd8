/**
 * multipart/form-data bodies (RFC 7578), serialised once up front so a retry resends the very same
 * bytes and the instrumentation knows their size.
 *
 * Written out here as the WHATWG FormData serialisation writes them (its escaping of names and
 * file names included) rather than through FormData, Blob and Response: those cost ~0.1 ms a
 * part in Blob bookkeeping, a second of CPU over the 10,000 uploads of a large first apply, for
 * what is a few header lines around each part's bytes. test/kestra/multipart.test.ts reads what
 * this writes back with the platform's own form-data parser.
 */
import { randomBytes } from 'node:crypto';

export interface FilePart {
  name: string;
  filename: string;
  contentType: string;
  bytes: Uint8Array;
}

export function multipartBody(parts: readonly FilePart[]): { data: Buffer; contentType: string } {
  for (;;) {
    const boundary = `----kestraform-${BOUNDARY_PREFIX}${(boundaries++).toString(16).padStart(8, '0')}`;
    const chunks: Buffer[] = [];
    let clash = false;
    for (const part of parts) {
      const bytes = Buffer.from(part.bytes.buffer, part.bytes.byteOffset, part.bytes.byteLength);
      // A boundary (96 random bits) inside the content is all but impossible — but then another one.
      if (bytes.includes(boundary)) clash = true;
      const head = `--${boundary}\r\nContent-Disposition: form-data; name="${escaped(part.name)}"; filename="${escaped(part.filename)}"\r\nContent-Type: ${headerValue(part.contentType)}\r\n\r\n`;
      chunks.push(Buffer.from(head, 'utf8'), bytes, CRLF);
    }
    if (clash) continue;
    chunks.push(Buffer.from(`--${boundary}--\r\n`, 'latin1'));
    return { data: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
  }
}

const CRLF = Buffer.from('\r\n', 'latin1');
/** Boundaries: random per process, numbered within it (a random draw per body costs more than the rest of it). */
const BOUNDARY_PREFIX = randomBytes(12).toString('hex');
let boundaries = 0;

/** A name or file name inside its quotes, as the WHATWG serialisation escapes it (LF, CR and `"` percent-encoded). */
const escaped = (s: string) => s.replace(/\n/g, '%0A').replace(/\r/g, '%0D').replace(/"/g, '%22');

/** A content type on one header line (kestraform's own types never hold a line break; one that did would end the header). */
function headerValue(type: string): string {
  if (/[\r\n]/.test(type)) throw new Error(`multipart content type ${JSON.stringify(type)} holds a line break`);
  return type;
}
