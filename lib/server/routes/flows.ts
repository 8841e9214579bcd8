/**
 * Flow routes, as Kestra's FlowController and FlowService serve them: create, update, get, list,
 * search, source search, revisions, delete, delete/disable/enable by ids, validate (YAML body or
 * multipart `flows` parts), export by query and by ids, distinct namespaces.
 */
import type { Router, RequestContext, Reply } from '../router';
import { currentRevision, flowKey, type FlowRecord, type Store } from '../store';
import { badRequest, invalidEntity, invalidJson, notFound, notFoundStatus, unsupportedMediaType } from '../errors';
import { javaTrim, parseFlowBody, withoutRevisionLine, type ParsedFlowBody } from '../flow-parse';
import { parseMultipart, type FormPart } from '../multipart';
import { pageOf, namespaceFilter } from './paging';
import { zipped } from '../zip';
import { byCodePoint } from '../../util/order';

export interface FlowRouteSettings {
  /** `kestra.require-existing-namespace` (see KestraHandlerOptions). */
  requireExistingNamespace: boolean;
}

type Violation = { path: string; message: string };

export function flowRoutes(router: Router, store: Store, major: 1 | 2, settings: FlowRouteSettings = { requireExistingNamespace: false }): void {
  const text = (ctx: RequestContext) => ctx.body.toString('utf8');
  const flowJson = (ctx: RequestContext, record: FlowRecord, revision: number, withSource: boolean) => flowModelJson(ctx, record, revision, withSource, major);
  const contentType = (ctx: RequestContext) => String(ctx.headers['content-type'] ?? '');
  const requireYaml = (ctx: RequestContext) => {
    const type = contentType(ctx);
    if (type && !/yaml|text\/plain/i.test(type)) throw unsupportedMediaType(type.split(';')[0].trim(), ['application/x-yaml']);
  };

  /** FlowValidator's namespace rule, when the operator turned it on; the flow's own violations otherwise. */
  const constraintViolations = (parsed: ParsedFlowBody): Violation[] => {
    const out = [...parsed.violations];
    if (settings.requireExistingNamespace && parsed.parses && parsed.namespace !== undefined && !namespaceExists(store, parsed.namespace)) {
      // A class-level constraint of the Flow bean: its property path is empty.
      out.push({ path: '', message: `Invalid Flow: Namespace '${parsed.namespace}' does not exist but is required to exist before a flow can be created in it.` });
    }
    return out;
  };

  /** Writes a new revision unless the source is the current one (FlowInterface.isSameWithSource). */
  const saveRevision = (record: FlowRecord, source: string, parsed: ParsedFlowBody): number => {
    const current = record.revisions.length ? currentRevision(record) : undefined;
    if (current && !current.deleted && (current.disabled ?? false) === parsed.disabled && withoutRevisionLine(current.source) === withoutRevisionLine(source)) return current.revision;
    const revision = (current?.revision ?? 0) + 1;
    record.revisions.push({ revision, source, deleted: false, updated: new Date().toISOString(), disabled: parsed.disabled, model: parsed.model });
    store.saveFlow(record);
    return revision;
  };

  const softDelete = (record: FlowRecord) => {
    const cur = currentRevision(record);
    record.revisions.push({ revision: cur.revision + 1, source: cur.source, deleted: true, updated: new Date().toISOString(), disabled: cur.disabled, model: cur.model });
    store.saveFlow(record);
  };

  const liveRecord = (namespace: string, id: string) => {
    const record = store.flows.get(flowKey(namespace, id));
    return record && !currentRevision(record).deleted ? record : undefined;
  };

  router.add({
    method: 'POST', template: '/flows', operationId: 'createFlow', query: [],
    handler: (ctx) => {
      requireYaml(ctx);
      const source = text(ctx);
      const parsed = parseFlowBody(source, major);
      const violations = constraintViolations(parsed);
      if (violations.length) throw invalidEntity(violations);
      const key = flowKey(parsed.namespace!, parsed.id!);
      const existing = store.flows.get(key);
      if (existing && !currentRevision(existing).deleted) throw invalidEntity([{ path: 'flow.id', message: 'Flow id already exists' }]);
      const record: FlowRecord = existing ?? { namespace: parsed.namespace!, id: parsed.id!, revisions: [] };
      const revision = saveRevision(record, source, parsed);
      return { status: 200, json: flowJson(ctx, record, revision, true) };
    },
  });

  router.add({
    method: 'PUT', template: '/flows/{namespace}/{id}', operationId: 'updateFlow', query: [],
    handler: (ctx) => {
      requireYaml(ctx);
      const { namespace, id } = ctx.params;
      const existing = liveRecord(namespace, id);
      // FlowController.updateFlow answers a bare HttpResponse.status(NOT_FOUND).
      if (!existing) throw notFoundStatus();
      const source = text(ctx);
      const parsed = parseFlowBody(source, major);
      const violations = constraintViolations(parsed);
      if (violations.length) throw invalidEntity(violations);
      const moved: Violation[] = [];
      if (parsed.id !== id) moved.push({ path: 'flow.id', message: 'Illegal flow id update' });
      if (parsed.namespace !== namespace) moved.push({ path: 'flow.namespace', message: 'Illegal namespace update' });
      if (moved.length) throw invalidEntity(moved);
      const revision = saveRevision(existing, source, parsed);
      return { status: 200, json: flowJson(ctx, existing, revision, true) };
    },
  });

  router.add({
    method: 'GET', template: '/flows/{namespace}/{id}', operationId: 'getFlow', query: ['source', 'revision', 'allowDeleted'],
    handler: (ctx) => {
      const { namespace, id } = ctx.params;
      const record = store.flows.get(flowKey(namespace, id));
      const wanted = ctx.query.get('revision');
      const rev = record && (wanted ? record.revisions.find((r) => r.revision === Number(wanted)) : currentRevision(record));
      // The controller returns null: Micronaut's 404, answered by ErrorController's status route.
      if (!record || !rev || (rev.deleted && ctx.query.get('allowDeleted') !== 'true' && !wanted)) throw notFoundStatus();
      return { status: 200, json: flowJson(ctx, record, rev.revision, ctx.query.get('source') === 'true') };
    },
  });

  router.add({
    method: 'DELETE', template: '/flows/{namespace}/{id}', operationId: 'deleteFlow', query: [],
    handler: (ctx) => {
      const record = liveRecord(ctx.params.namespace, ctx.params.id);
      if (!record) throw notFoundStatus();
      softDelete(record);
      return { status: 204 };
    },
  });

  router.add({
    method: 'GET', template: '/flows/{namespace}', operationId: 'listFlowsByNamespace', query: [],
    handler: (ctx) => ({ status: 200, json: store.flowsIn(ctx.params.namespace).filter((r) => !currentRevision(r).deleted).map((r) => flowJson(ctx, r, currentRevision(r).revision, false)) }),
  });

  router.add({
    method: 'GET', template: '/flows/{namespace}/{id}/revisions', operationId: 'listFlowRevisions', query: ['allowDelete'],
    handler: (ctx) => {
      // FlowController returns the repository's list as it is: [] for a flow that never existed.
      const record = store.flows.get(flowKey(ctx.params.namespace, ctx.params.id));
      const all = ctx.query.get('allowDelete') === 'true';
      return { status: 200, json: (record?.revisions ?? []).filter((r) => all || !r.deleted).map((r) => flowJson(ctx, record!, r.revision, true)) };
    },
  });

  router.add({
    method: 'GET', template: '/flows/search', operationId: 'searchFlows', query: ['page', 'size', 'sort', 'filters'],
    handler: (ctx) => {
      const match = namespaceFilter(ctx.query);
      const rows = liveFlows(store, match).sort(byNamespaceAndId);
      return { status: 200, json: pageOf(ctx.query, rows.map((r) => flowJson(ctx, r, currentRevision(r).revision, false))) };
    },
  });

  // Full-text search of sources (AbstractJdbcFlowRepository.findSourceCode): `q` in the source
  // (case-insensitive), `namespace` with its children, sorted by namespace then id; each result is
  // the flow's model and one fragment: four lines from the one before the first match, the match
  // between [mark] and [/mark] (AbstractJdbcRepository.fragments).
  router.add({
    method: 'GET', template: '/flows/source', operationId: 'searchFlowsBySourceCode', query: ['page', 'size', 'sort', 'q', 'namespace'],
    handler: (ctx) => {
      const q = ctx.query.get('q');
      const ns = ctx.query.get('namespace');
      const rows = liveFlows(store, (n) => ns === null || n === ns || n.startsWith(`${ns}.`))
        .filter((r) => q === null || currentRevision(r).source.toLowerCase().includes(q.toLowerCase()))
        .sort(byNamespaceAndId);
      return { status: 200, json: pageOf(ctx.query, rows.map((r) => ({ model: flowJson(ctx, r, currentRevision(r).revision, false), fragments: [fragment(currentRevision(r).source, q)] }))) };
    },
  });

  router.add({
    method: 'GET', template: '/flows/distinct-namespaces', operationId: 'listDistinctNamespaces', query: ['q'],
    handler: (ctx) => {
      const q = ctx.query.get('q') ?? '';
      const names = [...new Set(liveFlows(store, () => true).map((r) => r.namespace))].filter((n) => n.includes(q)).sort(byCodePoint);
      return { status: 200, json: names };
    },
  });

  router.add({
    method: 'GET', template: '/flows/export/by-query', operationId: 'exportFlowsByQuery', query: ['filters'],
    handler: (ctx): Reply => {
      const entries: Record<string, Uint8Array> = {};
      for (const r of liveFlows(store, namespaceFilter(ctx.query))) entries[`${r.namespace}-${r.id}.yml`] = Buffer.from(currentRevision(r).source, 'utf8');
      return zipReply(entries);
    },
  });

  // The by-ids operations take `[{namespace, id}]` and walk it in order: a flow that is not there
  // stops the walk with Optional.orElseThrow's 404 ("No value present"), after the earlier ones
  // were already acted on (the Java stream is lazy, the operations are not transactional).
  const byIds = (ctx: RequestContext, each: (record: FlowRecord) => boolean): number => {
    let count = 0;
    for (const { namespace, id } of idsBody(ctx)) {
      const record = liveRecord(namespace, id);
      if (!record) throw notFound('No value present');
      if (each(record)) count++;
    }
    return count;
  };

  router.add({
    method: 'POST', template: '/flows/export/by-ids', operationId: 'exportFlowsByIds', query: [],
    handler: (ctx): Reply => {
      const entries: Record<string, Uint8Array> = {};
      byIds(ctx, (r) => {
        entries[`${r.namespace}.${r.id}.yaml`] = Buffer.from(currentRevision(r).source, 'utf8');
        return true;
      });
      return zipReply(entries);
    },
  });

  router.add({
    method: 'DELETE', template: '/flows/delete/by-ids', operationId: 'deleteFlowsByIds', query: [],
    handler: (ctx) => ({
      status: 200,
      json: {
        count: byIds(ctx, (r) => {
          softDelete(r);
          return true;
        }),
      },
    }),
  });

  // Only flows whose state changes count; their source gets `disabled:` rewritten or appended
  // (FlowService.injectDisabled), which is a new revision.
  for (const [operationId, verb, disable] of [['disableFlowsByIds', 'disable', true], ['enableFlowsByIds', 'enable', false]] as const) {
    router.add({
      method: 'POST', template: `/flows/${verb}/by-ids`, operationId, query: [],
      handler: (ctx) => ({
        status: 200,
        json: {
          count: byIds(ctx, (r) => {
            const cur = currentRevision(r);
            if ((cur.disabled ?? false) === disable) return false;
            const source = injectDisabled(cur.source, disable);
            saveRevision(r, source, { ...parseFlowBody(source, major), disabled: disable });
            return true;
          }),
        },
      }),
    });
  }

  router.add({
    method: 'POST', template: '/flows/validate', operationId: 'validateFlows', query: [],
    handler: async (ctx) => {
      const type = contentType(ctx);
      let sources: Array<{ filename?: string; content: string }>;
      if (/^multipart\/form-data/i.test(type)) {
        // One `flows` part per file, each trimmed, its file name echoed back.
        let parts: FormPart[];
        try {
          parts = parseMultipart(ctx.body, type);
        } catch (e) {
          throw badRequest(`malformed multipart body: ${(e as Error).message}`);
        }
        sources = [];
        for (const part of parts) {
          if (part.name !== 'flows' || part.filename === undefined) continue;
          // Decoded as the platform's Blob.text() decodes (a leading byte-order mark dropped).
          sources.push({ filename: part.filename, content: javaTrim(part.data.toString('utf8').replace(/^\uFEFF/, '')) });
        }
      } else if (!type || /yaml/i.test(type)) {
        // The body trimmed, then split on `\n+---\n*?` as Java's String.split does it.
        sources = javaSplit(javaTrim(text(ctx)), /\n+---\n*?/).map((content) => ({ content }));
      } else {
        throw unsupportedMediaType(type.split(';')[0].trim(), ['application/x-yaml', 'multipart/form-data']);
      }
      return { status: 200, json: sources.map((s, index) => validation(s.content, s.filename, index)) };
    },
  });

  /** One ValidateConstraintViolation (FlowService.validate): flow, namespace and lists only once the source parsed. */
  const validation = (source: string, filename: string | undefined, index: number): Record<string, unknown> => {
    const parsed = parseFlowBody(source, major);
    const out: Record<string, unknown> = { index };
    if (parsed.parses) {
      if (parsed.id !== undefined) out.flow = parsed.id;
      if (parsed.namespace !== undefined) out.namespace = parsed.namespace;
    }
    if (filename !== undefined) out.filename = filename;
    const violations = parsed.parses ? constraintViolations(parsed) : parsed.violations;
    if (violations.length) out.constraints = formatValidationError(violations.map((v) => `${v.path}: ${v.message}`).join(', '));
    // `outdated` is a primitive boolean: false unless the source carries a `revision:` that is not the next one.
    const record = parsed.parses && parsed.namespace !== undefined && parsed.id !== undefined ? store.flows.get(flowKey(parsed.namespace, parsed.id)) : undefined;
    const last = record?.revisions.length ? currentRevision(record).revision : 0;
    out.outdated = parsed.parses && parsed.revision !== undefined && parsed.revision !== last + 1;
    if (parsed.parses) {
      out.deprecationPaths = [];
      out.warnings = parsed.warnings;
      out.infos = [];
    }
    return out;
  };
}

/** Whether OSS Kestra counts the namespace as existing: a live flow's namespace or one of its ancestors equals it or starts with it (FlowRepositoryInterface.isNamespaceExists). */
export function namespaceExists(store: Store, namespace: string): boolean {
  for (const r of store.flows.values()) {
    if (currentRevision(r).deleted) continue;
    if (namespaceTree(r.namespace).some((ns) => ns === namespace || ns.startsWith(namespace))) return true;
  }
  return false;
}

/** `a.b.c` → `a`, `a.b`, `a.b.c` (NamespaceInterface.asTree). */
export function namespaceTree(namespace: string): string[] {
  const parts = namespace.split('.');
  return parts.map((_, i) => parts.slice(0, i + 1).join('.'));
}

/** FlowService.formatValidationError. */
function formatValidationError(message: string): string {
  if (message.startsWith('Illegal flow source:')) return message;
  return `Validation error: ${message.startsWith(':') ? message.slice(1) : message}`;
}

/** FlowService.injectDisabled: replace every `disabled: <other>` line (and the blanks after it), or append one. */
export function injectDisabled(source: string, disabled: boolean): string {
  const pattern = new RegExp(`^disabled[ \\t\\n\\x0B\\f\\r]*:[ \\t\\n\\x0B\\f\\r]*${disabled ? 'false' : 'true'}[ \\t\\n\\x0B\\f\\r]*`, 'gm');
  if (pattern.test(source)) return source.replace(pattern, `disabled: ${disabled}\n`);
  return `${source}\ndisabled: ${disabled}`;
}

/** String.split(regex): trailing empty strings are dropped. */
export function javaSplit(s: string, pattern: RegExp): string[] {
  const parts = s.split(pattern);
  while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** The fragment of a source search result (AbstractJdbcRepository.fragments). */
function fragment(source: string, q: string | null): string {
  // commons-lang StringUtils.split: adjacent separators make no empty line.
  const lines = source.split('\n').filter((l) => l !== '');
  const at = (line: string) => (q === null ? -1 : line.toLowerCase().indexOf(q.toLowerCase()));
  const first = Math.max(0, lines.findIndex((l) => at(l) >= 0));
  const min = Math.max(0, first - 1);
  return lines
    .slice(min, Math.min(lines.length, min + 4))
    .map((line) => {
      const i = at(line);
      return i < 0 ? line : `${line.slice(0, i)}[mark]${line.slice(i, i + q!.length)}[/mark]${line.slice(i + q!.length)}`;
    })
    .join('\n');
}

function idsBody(ctx: RequestContext): Array<{ namespace: string; id: string }> {
  let body: unknown;
  try {
    body = JSON.parse(ctx.body.toString('utf8'));
  } catch {
    throw invalidJson('expected a JSON list of {"namespace", "id"}');
  }
  if (!Array.isArray(body) || body.some((x) => !x || typeof x !== 'object' || typeof x.namespace !== 'string' || typeof x.id !== 'string')) {
    throw invalidJson('expected a JSON list of {"namespace", "id"}');
  }
  return body as Array<{ namespace: string; id: string }>;
}

function zipReply(entries: Record<string, Uint8Array>): Reply {
  return { status: 200, body: zipped(entries), contentType: 'application/octet-stream', headers: { 'Content-Disposition': 'attachment; filename="flows.zip"' } };
}

const byNamespaceAndId = (a: FlowRecord, b: FlowRecord) => byCodePoint(a.namespace, b.namespace) || byCodePoint(a.id, b.id);

function liveFlows(store: Store, match: (ns: string) => boolean): FlowRecord[] {
  return [...store.flows.values()].filter((r) => match(r.namespace) && !currentRevision(r).deleted);
}

/** Kestra's Flow JSON; `draft` exists from 2.0 on. */
function flowModelJson(ctx: RequestContext, record: FlowRecord, revision: number, withSource: boolean, major: 1 | 2): Record<string, unknown> {
  const rev = record.revisions.find((r) => r.revision === revision)!;
  const out: Record<string, unknown> = {
    id: record.id,
    namespace: record.namespace,
    revision: rev.revision,
    tenantId: ctx.tenant,
    disabled: rev.disabled ?? false,
    deleted: rev.deleted,
    ...(major === 2 ? { draft: false } : {}),
    updated: rev.updated,
    ...(rev.model ?? {}),
  };
  if (withSource) out.source = rev.source;
  return out;
}
