/**
 * multipart/form-data bodies, built with FormData + Blob and serialised once up front so a retry
 * resends the very same bytes and the instrumentation knows their size. Node's own FormData and
 * Response (its undici, loaded on first use), not the undici package's fetch, which would load
 * with every command.
 */

export interface FilePart {
  name: string;
  filename: string;
  contentType: string;
  bytes: Uint8Array;
}

export async function multipartBody(parts: readonly FilePart[]): Promise<{ data: Buffer; contentType: string }> {
  const form = new FormData();
  for (const part of parts) form.append(part.name, new Blob([part.bytes], { type: part.contentType }), part.filename);
  const serialised = new Response(form);
  const contentType = serialised.headers.get('content-type');
  if (!contentType) throw new Error('FormData serialisation produced no content type');
  return { data: Buffer.from(await serialised.arrayBuffer()), contentType };
}
