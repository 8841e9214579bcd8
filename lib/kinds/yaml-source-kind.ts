/**
 * The kinds whose object is one YAML source Kestra stores as sent (apps, test suites,
 * dashboards): one handler shape, each kind giving its schema, its API calls and its identity.
 * Sources compare as flows' do (line endings and a BOM do not count; comments and layout are
 * "formatting only"). A listing that carries the sources (test suites, dashboards) needs no
 * other read; one that carries only an update time (apps) is vouched for by state, and only
 * objects whose time moved are read.
 *
 * Some objects have a handle of the server's own besides their id (an app's uid, a 1.x
 * dashboard's generated id): state records it, so updates and deletes find the object without
 * another search.
 */
import type { ZodType } from 'zod';
import { describeIssues } from '../model/resources';
import { parseAddress } from '../model/addresses';
import { flowSourceHash, normalizeFlowSource, onlyFormattingChanged } from './flow-source';
import { entryFromLive } from './entries';
import type { DesiredBase, Fingerprint, KindHandler, LiveBase, PullContext, PullPlan, RefreshContext, RuntimeValue, Shown, StateEntry, WriteContext } from './types';

export interface DesiredYamlObject extends DesiredBase {
  namespace: string;
  /** The object's id in its namespace (or tenant-wide). */
  objectId: string;
  content: string;
  /** Project-relative file it was read from (absent when written in a stack's code). */
  sourceFile?: string;
}

export interface LiveYamlObject extends LiveBase {
  id: string;
  /** The server's own handle of the object, when it has one besides the id (app uid, 1.x dashboard id). */
  handle?: string;
  /** The listing's update time, when it gives one. */
  updated?: string;
  source?: string;
  sourceHash?: string;
  /** Disabled in Kestra (runtime state, outside the source), when the listing says. */
  disabled?: boolean;
}

/** One object as a listing reports it. */
export interface ListedYamlObject {
  id: string;
  handle?: string;
  updated?: string;
  /** The source, when the listing carries it. */
  source?: string;
  disabled?: boolean;
  /** A title, for a kind that recognises objects by it. */
  title?: string;
}

/** What a write answered. */
export interface WrittenYamlObject {
  handle?: string;
  updated?: string;
  source?: string;
}

export interface YamlKindSpec<D extends DesiredYamlObject> {
  kind: string;
  tfType: string;
  noun: { one: string; many: string; column: string };
  phases: { write: number; remove: number };
  scope?: 'namespace' | 'tenant';
  neverPruned?: boolean;
  requiredEdition?(kestraMajor: 1 | 2): 'ee' | undefined;
  /** The cdk.tf.json attributes' schema and the desired object they make. */
  attributes: ZodType;
  /** The kind's own fields of the desired object: namespace (TENANT_SCOPE for tenant-wide kinds), objectId, content, sourceFile, and any of its own. */
  toDesired(a: Record<string, unknown>): { namespace: string; objectId: string; content: string; sourceFile?: string } & Record<string, unknown>;
  /** The id (and namespace, for namespaced kinds) the content itself declares, to check a hand-written object against its attributes. */
  declaredIn?(content: string): { id?: string; namespace?: string };
  address(namespace: string, id: string): string;
  /** The address a listed object has: by default its id; a kind whose server makes ids up maps them (state, then content). */
  addressOf?(item: ListedYamlObject, scope: string, ctx: RefreshContext): string;
  /** How a diff of one object is labelled. */
  label(namespace: string, id: string): string;
  list(client: unknown, scope: string, kestraMajor: 1 | 2): Promise<ListedYamlObject[]>;
  get(client: unknown, scope: string, id: string, handle: string | undefined): Promise<{ source: string; updated?: string; handle?: string } | null>;
  create(client: unknown, d: D, kestraMajor: 1 | 2): Promise<WrittenYamlObject>;
  update(client: unknown, d: D, handle: string | undefined, kestraMajor: 1 | 2): Promise<WrittenYamlObject>;
  remove(client: unknown, scope: string, id: string, handle: string | undefined): Promise<void>;
  /** The handle of an object state does not know (a search); undefined when the kind has none. */
  findHandle?(client: unknown, scope: string, id: string): Promise<string | undefined>;
  /** Kestra's checks of the objects about to be written; problems in words. */
  validate?(client: unknown, ds: D[]): Promise<string[]>;
  dependencies?(d: D): string[];
  /** Reports a live `disabled` as runtime state (read-only: deploys never change it). */
  reportsDisabled?: boolean;
  /** Where pull puts a new object's file (`undefined`: the kind has no home for new objects). */
  pullHome?(ctx: PullContext, scope: string, id: string): { file: string } | { refused: string };
}

const HANDLE_UNKNOWN = 'Kestra did not report the object when kestraform searched for it';

export function yamlSourceKind<D extends DesiredYamlObject>(spec: YamlKindSpec<D>): KindHandler<D, LiveYamlObject> {
  const hashes = new WeakMap<D, string>();
  const desiredHash = (d: D): string => {
    let h = hashes.get(d);
    if (h === undefined) hashes.set(d, (h = flowSourceHash(d.content)));
    return h;
  };
  const liveHash = (l: LiveYamlObject): string | undefined => l.sourceHash ?? (l.source !== undefined ? flowSourceHash(l.source) : undefined);
  const idOf = (address: string) => {
    const p = parseAddress(address)!;
    return { scope: p.namespace, id: p.name };
  };
  const handleOf = async (client: unknown, address: string, entry: StateEntry | undefined): Promise<string | undefined> => {
    const recorded = entry?.live.handle as string | undefined;
    if (recorded !== undefined || !spec.findHandle) return recorded;
    const { scope, id } = idOf(address);
    const found = await spec.findHandle(client, scope, id);
    if (found === undefined) throw new Error(`${address}: ${HANDLE_UNKNOWN}`);
    return found;
  };
  const fingerprintOf = (written: WrittenYamlObject, d: D): Fingerprint => ({
    kind: spec.kind,
    sourceHash: flowSourceHash(written.source ?? d.content),
    ...(written.updated !== undefined ? { updated: written.updated } : {}),
    ...(written.handle !== undefined ? { handle: written.handle } : {}),
  });

  const handler: KindHandler<D, LiveYamlObject> = {
    kind: spec.kind,
    tfTypes: [spec.tfType],
    noun: spec.noun,
    phases: spec.phases,
    scope: spec.scope,
    neverPruned: spec.neverPruned,
    requiredEdition: spec.requiredEdition,
    ignorable: ['content', 'source', 'source_code'],
    storedAs: 'file',
    provenance: ['sourceFile'],

    decode(raw, common) {
      const p = spec.attributes.safeParse(raw);
      if (!p.success) return { problems: describeIssues(p.error) };
      const own = spec.toDesired(p.data as Record<string, unknown>);
      const address = spec.address(own.namespace, own.objectId);
      const inContent = spec.declaredIn?.(own.content);
      const problems: string[] = [];
      if (inContent?.id !== undefined && inContent.id !== own.objectId) problems.push(`${address}: its source declares id "${inContent.id}" — make the two equal`);
      if (spec.scope !== 'tenant' && inContent?.namespace !== undefined && inContent.namespace !== own.namespace) problems.push(`${address}: its source declares namespace "${inContent.namespace}" — make the two equal`);
      if (problems.length) return { problems };
      return { resource: { ...common, ...own, kind: spec.kind, address } as unknown as D };
    },

    origin(d) {
      if (!d.sourceFile) return undefined;
      const line = d.content.split('\n').findIndex((l) => /^id\s*:/.test(l));
      return { file: d.sourceFile, line: line >= 0 ? line + 1 : 1 };
    },

    async refresh(scope, ctx) {
      // Read where the stack declares or state records objects of the kind: a stack without any
      // sends no request for them (an open-source Kestra does not even have the route).
      const relevant = ctx.declared(scope).some((d) => d.kind === spec.kind) || ctx.recorded(scope).some((e) => e.live.kind === spec.kind);
      if (!relevant) return;
      const listed = await spec.list(ctx.client, scope, ctx.kestraMajor ?? 2);
      const reads: LiveYamlObject[] = [];
      for (const item of listed) {
        const address = spec.addressOf ? spec.addressOf(item, scope, ctx) : spec.address(scope, item.id);
        const live: LiveYamlObject = { kind: spec.kind, address, namespace: scope, id: item.id, handle: item.handle, updated: item.updated, disabled: item.disabled };
        ctx.put(live);
        if (item.source !== undefined) {
          live.source = item.source;
          live.sourceHash = flowSourceHash(item.source);
          continue;
        }
        const s = ctx.entry(address);
        if (s?.live.kind === spec.kind && s.live.updated !== undefined && s.live.updated === item.updated && (s.live.handle ?? item.handle) === item.handle) {
          // Not changed since our write: the stored source is the one we applied.
          live.sourceHash = s.live.sourceHash as string;
          live.source = s.applied.source as string | undefined;
        } else if (ctx.desired(address) || s) {
          reads.push(live);
        }
      }
      await Promise.all(
        reads.map((live) =>
          ctx.read(async () => {
            const got = await spec.get(ctx.client, scope, live.id, live.handle);
            if (!got) {
              ctx.remove(live.address); // deleted between listing and read
              return;
            }
            live.source = got.source;
            live.sourceHash = flowSourceHash(got.source);
            if (got.updated !== undefined) live.updated = got.updated;
          }),
        ),
      );
    },

    equal: (d, l) => liveHash(l) === desiredHash(d),
    desiredHash,
    liveHash,
    fingerprintString: (l) => `upd:${l.updated ?? '?'};src:${liveHash(l) ?? '?'}`,
    matchesState(l, fp) {
      const hash = liveHash(l);
      if (l.updated !== undefined && fp.updated !== undefined) return l.updated === fp.updated && (hash === undefined || hash === fp.sourceHash);
      return hash !== undefined && hash === fp.sourceHash;
    },
    formattingOnly: (d, l) => l.source !== undefined && onlyFormattingChanged(l.source, d.content),
    sensitive: () => false,

    viewOfDesired: (d) => ({ namespace: d.namespace, source: d.content }),
    viewOfLive: (l) => ({ namespace: l.namespace, source: l.source }),
    viewOfApplied: (s) => ({ namespace: idOf(s.address).scope, source: s.applied.source as string | undefined }),

    fingerprint(l, d) {
      const sourceHash = liveHash(l) ?? (d ? desiredHash(d) : undefined);
      if (sourceHash === undefined) return undefined;
      return { kind: spec.kind, sourceHash, ...(l.updated !== undefined ? { updated: l.updated } : {}), ...(l.handle !== undefined ? { handle: l.handle } : {}) };
    },
    applied: (d) => ({ appliedHash: desiredHash(d), applied: { source: d.content } }),
    appliedFromLive(l) {
      const hash = liveHash(l);
      return hash === undefined ? undefined : { appliedHash: hash, applied: { source: l.source } };
    },

    runtime: spec.reportsDisabled
      ? (d, l) => {
          if (!l.disabled) return undefined;
          const values: RuntimeValue[] = [{ attribute: 'disabled', live: true, storedIn: 'instance', handling: 'read-only' }];
          return { values, explainsChange: false };
        }
      : undefined,

    dependencies: spec.dependencies,

    validateWrites: spec.validate ? (ds, client) => spec.validate!(client, ds) : undefined,

    async write(d, action, ctx: WriteContext) {
      const major = ctx.kestraMajor ?? 2;
      if (action === 'create') return fingerprintOf(await spec.create(ctx.client, d, major), d);
      const handle = await handleOf(ctx.client, d.address, ctx.entry?.(d.address));
      const written = await spec.update(ctx.client, d, handle, major);
      return fingerprintOf({ handle, ...written }, d);
    },
    async remove(address, ctx) {
      const { scope, id } = idOf(address);
      const handle = await handleOf(ctx.client, address, ctx.entry?.(address));
      await spec.remove(ctx.client, scope, id, handle);
    },

    display(shown: Shown) {
      const before = shown.sides === 'create' ? null : shown.before?.source;
      const after = shown.sides === 'delete' ? null : shown.after?.source;
      if (before === undefined || after === undefined) return [];
      const { scope, id } = idOf(shown.address);
      return [{ type: 'diff', label: spec.label(scope, id), before: before === null ? null : normalizeFlowSource(before), after: after === null ? null : normalizeFlowSource(after) }];
    },

    async planPull(ctx: PullContext): Promise<PullPlan> {
      const { scope, id } = idOf(ctx.address);
      const home = ctx.file !== undefined ? { file: ctx.file } : spec.pullHome ? spec.pullHome(ctx, scope, id) : { refused: `kestraform has no place for new ${spec.noun.many} in this stack` };
      if ('refused' in home) return home;
      if (ctx.drift === 'deleted') return { file: home.file, change: { action: 'delete' } };
      const known = ctx.live as LiveYamlObject | undefined;
      const source = known?.source ?? (await spec.get(ctx.client, scope, id, known?.handle))?.source;
      if (source === undefined) return { refused: 'its source could not be read from Kestra' };
      const live: LiveYamlObject = { kind: spec.kind, address: ctx.address, namespace: scope, id, handle: known?.handle, updated: known?.updated, source, sourceHash: flowSourceHash(source) };
      const adopt = ctx.drift === 'unmanaged' ? entryFromLive(handler as unknown as KindHandler, live, undefined, undefined, ctx.now) : undefined;
      return { file: home.file, change: { action: 'write', bytes: Buffer.from(source, 'utf8') }, adopt };
    },
  };
  return handler;
}
