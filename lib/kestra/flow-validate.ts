/**
 * Server-side validation of many flow sources in few requests (POST /flows/validate writes
 * nothing). Sources travel as one multi-document YAML body per batch; Kestra splits that body with
 * the regex `\n+---\n*?` (FlowService.validate), which would also cut or misalign a source that
 * itself holds such a line (a `---` marker after a header comment, a leading or trailing marker).
 * Those sources go in the multipart form instead, one `flows` part each, which Kestra validates
 * file by file; a server without the multipart form gets them one per request, and the pieces'
 * answers are merged.
 */
import { KestraApiError, REQUIRE_EXISTING_NAMESPACE_MESSAGE, requireExistingNamespaceAdvice } from './errors';
import { type HttpTransport } from './http';
import { ResponseReader, type JsonObject } from './decode';
import { multipartBody } from './multipart';

export interface FlowValidation {
  /** Position of the source in the array given to validateFlows. */
  index: number;
  flowId?: string;
  namespace?: string;
  /**
   * Kestra's constraint violations, as one text; absent when the flow is valid. When Kestra refuses
   * the flow because its namespace must exist first (kestra.require-existing-namespace), kestraform's
   * explanation of that setting follows Kestra's text.
   */
  errors?: string;
  warnings: string[];
  infos: string[];
  deprecationPaths: string[];
  /** The source carries a `revision:` that is not the next one. */
  outdated: boolean;
}

export interface ValidateOptions {
  maxFlowsPerRequest: number;
  maxBytesPerRequest: number;
}

export const DEFAULT_VALIDATE_OPTIONS: ValidateOptions = { maxFlowsPerRequest: 100, maxBytesPerRequest: 4 * 1024 * 1024 };

const KESTRA_DOCUMENT_SPLIT = /\n+---\n*?/;
const SEPARATOR = '\n---\n';

/** Whether Kestra would read the source as exactly one document once joined with others. */
export function survivesDocumentSplit(source: string): boolean {
  return source.trim() !== '' && !/^\s*---/.test(source) && source.split(KESTRA_DOCUMENT_SPLIT).length === 1;
}

export async function validateFlows(http: HttpTransport, sources: readonly string[], options: ValidateOptions): Promise<FlowValidation[]> {
  const results: FlowValidation[] = new Array(sources.length);
  const joinable: number[] = [];
  const standalone: number[] = [];
  sources.forEach((source, index) => (survivesDocumentSplit(source) ? joinable : standalone).push(index));

  // Validation writes nothing: the batches go out together (the transport's maxInFlight bounds them).
  await Promise.all(
    [...batches(joinable, sources, options)].map(async (batch) => {
      const answers = await postYaml(http, batch.map((i) => sources[i]).join(SEPARATOR), batch.length);
      batch.forEach((sourceIndex, position) => (results[sourceIndex] = { ...answers[position], index: sourceIndex }));
    }),
  );
  let multipartAccepted = true;
  for (const batch of batches(standalone, sources, options)) {
    const answers: FlowValidation[] | undefined = multipartAccepted ? await postMultipart(http, batch.map((i) => sources[i])) : undefined;
    multipartAccepted = answers !== undefined;
    if (answers) {
      batch.forEach((sourceIndex, position) => (results[sourceIndex] = { ...answers[position], index: sourceIndex }));
      continue;
    }
    for (const sourceIndex of batch) {
      const pieces = await postYaml(http, sources[sourceIndex], undefined);
      results[sourceIndex] = mergePieces(pieces, sourceIndex);
    }
  }
  return results;
}

function* batches(indexes: readonly number[], sources: readonly string[], options: ValidateOptions): Generator<number[]> {
  let current: number[] = [];
  let bytes = 0;
  for (const index of indexes) {
    const size = Buffer.byteLength(sources[index]) + SEPARATOR.length;
    if (current.length > 0 && (current.length >= options.maxFlowsPerRequest || bytes + size > options.maxBytesPerRequest)) {
      yield current;
      current = [];
      bytes = 0;
    }
    current.push(index);
    bytes += size;
  }
  if (current.length > 0) yield current;
}

/** Validates a YAML body; `expected` is the number of documents it must answer for, when known. */
async function postYaml(http: HttpTransport, body: string, expected: number | undefined): Promise<FlowValidation[]> {
  const response = await http.send({
    method: 'POST',
    path: '/flows/validate',
    body: { data: body, contentType: 'application/x-yaml' },
    operation: 'validateFlows',
    target: expected === undefined ? 'validate a flow' : `validate ${expected} flow${expected === 1 ? '' : 's'}`,
    idempotent: true,
  });
  return readAnswers(new ResponseReader(response), expected);
}

/** Validates one `flows` part per source; undefined when the server does not take the multipart form. */
async function postMultipart(http: HttpTransport, sources: readonly string[]): Promise<FlowValidation[] | undefined> {
  const body = multipartBody(
    sources.map((source, i) => ({ name: 'flows', filename: `flow-${i}.yml`, contentType: 'application/x-yaml', bytes: Buffer.from(source) })),
  );
  try {
    const response = await http.send({
      method: 'POST',
      path: '/flows/validate',
      body,
      operation: 'validateFlows',
      target: `validate ${sources.length} flow${sources.length === 1 ? '' : 's'}`,
      idempotent: true,
    });
    return readAnswers(new ResponseReader(response), sources.length);
  } catch (error) {
    if (error instanceof KestraApiError && [400, 404, 405, 415].includes(error.status)) return undefined;
    throw error;
  }
}

function readAnswers(reader: ResponseReader, expected: number | undefined): FlowValidation[] {
  const items = reader.array();
  if (expected !== undefined && items.length !== expected) {
    throw reader.fail(`Kestra answered for ${items.length} flows when ${expected} were sent`);
  }
  return items.map((item, position) => toValidation(reader, reader.asObject(item, `validation result #${position}`), position));
}

function toValidation(reader: ResponseReader, item: JsonObject, position: number): FlowValidation {
  const what = `validation result #${position}`;
  const validation: FlowValidation = {
    index: position,
    warnings: stringList(reader, item, 'warnings', what),
    infos: stringList(reader, item, 'infos', what),
    deprecationPaths: stringList(reader, item, 'deprecationPaths', what),
    outdated: reader.optionalBoolean(item, 'outdated', what) ?? false,
  };
  const flowId = reader.optionalString(item, 'flow', what);
  const namespace = reader.optionalString(item, 'namespace', what);
  const errors = reader.optionalString(item, 'constraints', what);
  if (flowId !== undefined) validation.flowId = flowId;
  if (namespace !== undefined) validation.namespace = namespace;
  if (errors !== undefined) validation.errors = withNamespaceAdvice(errors, namespace, flowId);
  return validation;
}

/** Kestra's text, and, for a namespace that must exist first, what that means and what to do. */
function withNamespaceAdvice(errors: string, namespace: string | undefined, flowId: string | undefined): string {
  if (namespace === undefined || !REQUIRE_EXISTING_NAMESPACE_MESSAGE.test(errors)) return errors;
  const flow = flowId === undefined ? `a flow of namespace ${namespace}` : `flow ${namespace}/${flowId}`;
  return `${errors} (kestraform: creating ${flow} would fail with HTTP 422: ${requireExistingNamespaceAdvice(namespace)})`;
}

function stringList(reader: ResponseReader, item: JsonObject, field: string, what: string): string[] {
  const value = item[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw reader.fail(`${what}: "${field}" should be a list of strings`);
  return value as string[];
}

/** One result for a source Kestra validated as several documents. */
function mergePieces(pieces: readonly FlowValidation[], index: number): FlowValidation {
  const first = pieces.find((p) => p.flowId !== undefined) ?? pieces[0];
  const errors = pieces.map((p) => p.errors).filter((e): e is string => e !== undefined);
  const merged: FlowValidation = {
    index,
    warnings: pieces.flatMap((p) => p.warnings),
    infos: pieces.flatMap((p) => p.infos),
    deprecationPaths: pieces.flatMap((p) => p.deprecationPaths),
    outdated: pieces.some((p) => p.outdated),
  };
  if (first?.flowId !== undefined) merged.flowId = first.flowId;
  if (first?.namespace !== undefined) merged.namespace = first.namespace;
  if (errors.length > 0) {
    const note = pieces.length > 1 ? `Kestra's validation split this source at its "---" lines into ${pieces.length} documents: ` : '';
    merged.errors = note + errors.join('\n');
  }
  return merged;
}
