/**
 * Apps (`kestra_app`, `app:NAMESPACE/ID`, Kestra Enterprise). Kestra names an app by a uid of its
 * own; the search lists a namespace's apps with uid, id and update time but no source, so state
 * vouches for an unchanged app and only apps whose time moved are read. An app calls flows (its
 * `flowId`, its blocks' subflows): it is written after them. Disabling an app in Kestra is runtime
 * state: reported, never changed by a deploy.
 */
import { APP_TYPE, appAttributes } from '../model/resources';
import type { AppAttributes } from '../model/attributes';
import { appAddress } from '../model/addresses';
import { calledFlows } from './flow-source';
import { declaredIdentity } from './yaml-declared';
import { yamlSourceKind, type DesiredYamlObject } from './yaml-source-kind';

export interface DesiredApp extends DesiredYamlObject {
  kind: 'app';
}

/** The Kestra calls apps need (lib/kestra's client implements them). */
export interface AppClient {
  searchApps(namespace: string): Promise<Array<{ uid: string; id: string; namespace: string; updated?: string; enabled?: boolean }>>;
  getApp(uid: string): Promise<{ uid: string; namespace: string; source: string; disabled: boolean; updated?: string } | null>;
  createApp(source: string): Promise<{ uid: string; source: string; updated?: string; disabled: boolean }>;
  updateApp(uid: string, source: string): Promise<{ uid: string; source: string; updated?: string; disabled: boolean }>;
  deleteApp(uid: string): Promise<void>;
}

const client = (c: unknown) => c as AppClient;

export const appKind = yamlSourceKind<DesiredApp>({
  kind: 'app',
  tfType: APP_TYPE,
  noun: { one: 'app', many: 'apps', column: 'apps' },
  phases: { write: 3, remove: 2 },
  requiredEdition: () => 'ee',
  attributes: appAttributes,
  toDesired: (raw) => {
    const a = raw as unknown as AppAttributes;
    return { namespace: a.namespace, objectId: a.app_id, content: a.source, sourceFile: a.source_file };
  },
  declaredIn: declaredIdentity,
  address: appAddress,
  label: (ns, id) => `${ns}/${id}`,
  async list(c, ns) {
    const apps = await client(c).searchApps(ns);
    return apps.filter((a) => a.namespace === ns).map((a) => ({ id: a.id, handle: a.uid, updated: a.updated, disabled: a.enabled === undefined ? undefined : !a.enabled }));
  },
  async get(c, _ns, _id, uid) {
    if (uid === undefined) return null;
    const app = await client(c).getApp(uid);
    return app ? { source: app.source, updated: app.updated, handle: app.uid } : null;
  },
  async create(c, d) {
    const app = await client(c).createApp(d.content);
    return { handle: app.uid, updated: app.updated, source: app.source };
  },
  async update(c, d, uid) {
    const app = await client(c).updateApp(uid!, d.content);
    return { handle: app.uid, updated: app.updated, source: app.source };
  },
  async remove(c, _ns, _id, uid) {
    await client(c).deleteApp(uid!);
  },
  async findHandle(c, ns, id) {
    return (await client(c).searchApps(ns)).find((a) => a.namespace === ns && a.id === id)?.uid;
  },
  dependencies: (d) => calledFlows(d.content),
  reportsDisabled: true,
  pullHome: (ctx, ns, id) => ctx.homes.object('app', ns, id),
});
