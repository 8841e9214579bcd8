/**
 * Reads Kestra's explanation out of an error response: RFC 9457 problem documents (Kestra 2.0+,
 * `title`/`detail`/`errors[]`), Micronaut JSON errors (1.x, `message` + `_embedded.errors[]`),
 * and anything else (a proxy's HTML page, plain text, binary garbage) summarised safely.
 */

const MAX_SUMMARY_CHARS = 400;

export interface ErrorBodySummary {
  message?: string;
  problemType?: string;
}

export function summariseErrorBody(contentType: string | null, body: Buffer): ErrorBodySummary {
  if (body.length === 0) return {};
  const text = body.toString('utf8');
  const json = tryParseJson(text);
  if (json !== undefined && typeof json === 'object' && json !== null && !Array.isArray(json)) {
    const fromKestra = messageFromErrorDocument(json as Record<string, unknown>);
    if (fromKestra) return fromKestra;
    return { message: clip(sanitise(JSON.stringify(json))) };
  }
  if (json !== undefined) return { message: clip(sanitise(JSON.stringify(json))) };
  if (/text\/html/i.test(contentType ?? '') || /^\s*<(!doctype html|html)/i.test(text)) {
    const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(text)?.[1];
    const titled = title ? ` titled "${clip(sanitise(decodeBasicEntities(title)), 120)}"` : '';
    return { message: `the server answered with an HTML page${titled}, not a Kestra API response (a proxy or a wrong KESTRA_URL?)` };
  }
  if (looksBinary(body)) return { message: `the server answered with ${body.length} bytes of non-text data` };
  const cleaned = sanitise(text);
  return cleaned ? { message: clip(cleaned) } : {};
}

function messageFromErrorDocument(doc: Record<string, unknown>): ErrorBodySummary | undefined {
  const problemType = typeof doc.type === 'string' ? doc.type : undefined;
  const title = str(doc.title);
  const detail = str(doc.detail);
  if (title !== undefined || detail !== undefined) {
    // RFC 9457: detail is the specific explanation; the title names the kind.
    let message = detail ?? title ?? '';
    const details = listDetails(doc.errors, (e) => joinPath(str(e.path) ?? str(e.pointer), str(e.detail) ?? str(e.message)));
    message = appendMissing(message, details);
    const traceId = str(doc.traceId);
    if (traceId) message += ` (trace id ${traceId})`;
    return { message: clip(sanitise(message)), problemType };
  }
  const message = str(doc.message);
  if (message !== undefined) {
    const embedded = doc._embedded && typeof doc._embedded === 'object' ? (doc._embedded as Record<string, unknown>).errors : undefined;
    const details = listDetails(embedded, (e) => joinPath(str(e.path), str(e.message)));
    return { message: clip(sanitise(appendMissing(message, details))), problemType };
  }
  return undefined;
}

function listDetails(value: unknown, render: (e: Record<string, unknown>) => string | undefined): string[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null)
    .map(render)
    .filter((s): s is string => !!s);
}

/** Adds the detail lines the main message does not already contain (1.x repeats them in `message`). */
function appendMissing(message: string, details: string[]): string {
  const missing = details.filter((d) => !message.includes(d));
  if (missing.length === 0) return message;
  return message ? `${message} (${missing.join('; ')})` : missing.join('; ');
}

function joinPath(path: string | undefined, text: string | undefined): string | undefined {
  if (!text) return undefined;
  return path ? `${path}: ${text}` : text;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function tryParseJson(text: string): unknown {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[') && !trimmed.startsWith('"')) return undefined;
  try {
    return JSON.parse(trimmed);
  } catch {
    return undefined;
  }
}

/** Drops control characters (terminal escapes included) and collapses whitespace. */
export function sanitise(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069]+/g, ' ').replace(/\s+/g, ' ').trim();
}

export function clip(text: string, max = MAX_SUMMARY_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function looksBinary(body: Buffer): boolean {
  const sample = body.subarray(0, 512);
  let suspicious = 0;
  for (const byte of sample) if (byte === 0 || (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d)) suspicious++;
  return suspicious > sample.length / 10;
}

function decodeBasicEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}
