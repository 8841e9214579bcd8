/**
 * Dashboards (`kestra_dashboard`, `dashboard:_global/ID`): tenant-wide, so they live in the
 * reserved scope TENANT_SCOPE, read with one search of the tenant (which carries every source),
 * and are never pruned — kestraform deletes only the dashboards state says it made. Kestra 2.x
 * keeps creating, changing and deleting them to its Enterprise edition; 1.x open source has them.
 * Kestra 1.x makes up a dashboard's id on create: state records it as the object's handle, and a
 * dashboard not recorded yet is recognised by its title (as Kestra's 1.x Git sync did).
 */
import { DASHBOARD_TYPE, dashboardAttributes } from '../model/resources';
import type { DashboardAttributes } from '../model/attributes';
import { TENANT_SCOPE, dashboardAddress } from '../model/addresses';
import { parseData } from './flow-source';
import { declaredIdentity } from './yaml-declared';
import { yamlSourceKind, type DesiredYamlObject, type ListedYamlObject } from './yaml-source-kind';
import type { RefreshContext } from './types';

export interface DesiredDashboard extends DesiredYamlObject {
  kind: 'dashboard';
}

/** The Kestra calls dashboards need (lib/kestra's client implements them). */
export interface DashboardClient {
  searchDashboards(): Promise<Array<{ id: string; title: string; sourceCode: string; updated?: string }>>;
  getDashboard(id: string): Promise<{ id: string; title: string; sourceCode: string; updated?: string } | null>;
  createDashboard(source: string): Promise<{ id: string; sourceCode: string; updated?: string }>;
  updateDashboard(id: string, source: string): Promise<{ id: string; sourceCode: string; updated?: string }>;
  deleteDashboard(id: string): Promise<void>;
  validateDashboard(source: string): Promise<string | undefined>;
}

const client = (c: unknown) => c as DashboardClient;

function titleOf(source: string): string | undefined {
  try {
    const root = parseData(source)[0] as Record<string, unknown> | null;
    return root && typeof root.title === 'string' ? root.title : undefined;
  } catch {
    return undefined;
  }
}

/** Kestra 1.x: the address of a listed dashboard whose id Kestra made up. */
function addressOf(item: ListedYamlObject & { title?: string }, ctx: RefreshContext): string {
  const id = item.handle ?? item.id;
  const recorded = ctx.recorded(TENANT_SCOPE).find((e) => e.address.startsWith('dashboard:') && e.live.handle === id);
  if (recorded) return recorded.address;
  const byTitle = item.title === undefined ? undefined : ctx.declared(TENANT_SCOPE).find((d) => d.kind === 'dashboard' && !ctx.entry(d.address) && titleOf((d as DesiredDashboard).content) === item.title);
  return byTitle?.address ?? dashboardAddress(id);
}

export const dashboardKind = yamlSourceKind<DesiredDashboard>({
  kind: 'dashboard',
  tfType: DASHBOARD_TYPE,
  noun: { one: 'dashboard', many: 'dashboards', column: 'dashboards' },
  phases: { write: 3, remove: 2 },
  scope: 'tenant',
  neverPruned: true,
  requiredEdition: (major) => (major === 2 ? 'ee' : undefined),
  attributes: dashboardAttributes,
  toDesired: (raw) => {
    const a = raw as unknown as DashboardAttributes;
    return { namespace: TENANT_SCOPE, objectId: a.dashboard_id, content: a.source_code, sourceFile: a.source_file };
  },
  declaredIn: (content) => ({ id: declaredIdentity(content).id }),
  address: (_scope, id) => dashboardAddress(id),
  addressOf: (item, _scope, ctx) => (ctx.kestraMajor === 1 ? addressOf(item, ctx) : dashboardAddress(item.id)),
  label: (_scope, id) => `dashboard ${id}`,
  async list(c, _scope, major) {
    const all = await client(c).searchDashboards();
    // 1.x: the id is Kestra's own (the handle); the address comes from state or the title.
    return all.map((d) => (major === 1 ? { id: d.id, handle: d.id, title: d.title, source: d.sourceCode, updated: d.updated } : { id: d.id, source: d.sourceCode, updated: d.updated }));
  },
  async get(c, _scope, id, handle) {
    const d = await client(c).getDashboard(handle ?? id);
    return d ? { source: d.sourceCode, updated: d.updated } : null;
  },
  async create(c, d, major) {
    const made = await client(c).createDashboard(d.content);
    return { source: made.sourceCode, updated: made.updated, ...(major === 1 ? { handle: made.id } : {}) };
  },
  async update(c, d, handle) {
    const made = await client(c).updateDashboard(handle ?? d.objectId, d.content);
    return { source: made.sourceCode, updated: made.updated };
  },
  async remove(c, _scope, id, handle) {
    await client(c).deleteDashboard(handle ?? id);
  },
  async validate(c, ds) {
    const problems = await Promise.all(ds.map(async (d) => {
      const p = await client(c).validateDashboard(d.content);
      return p ? `${d.sourceFile ?? d.address}: Kestra's validation: ${p.trim()}` : undefined;
    }));
    return problems.filter((p): p is string => p !== undefined);
  },
  pullHome: (ctx, _scope, id) => ctx.homes.object('dashboard', TENANT_SCOPE, id),
});
