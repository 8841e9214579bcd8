import type { Construct } from './cdk';
import { KestraResource, type KestraResourceMeta } from './resource';
import { DASHBOARD_TYPE } from '../model/names';
import { KestraStack } from './stack';
import type { DashboardAttributes } from '../model/attributes';
import { checkNamed } from './app';

export interface KestraDashboardConfig extends KestraResourceMeta {
  /** The dashboard's `id`, as its source says. */
  dashboardId: string;
  /** The dashboard's YAML source (`id`, `title`, `charts`, …), sent to Kestra as given. */
  sourceCode: string;
  sourceFile?: string;
}

/**
 * A dashboard (`kestra_dashboard`: dashboard_id, source_code). Dashboards are tenant-wide: no
 * namespace, and an environment renames nothing in them. Kestra 2.x writes dashboards in its
 * Enterprise edition only; 1.x in both.
 */
export class KestraDashboard extends KestraResource<DashboardAttributes> {
  static readonly tfResourceType = DASHBOARD_TYPE;
  readonly dashboardId: string;
  readonly sourceCode: string;
  readonly sourceFile?: string;

  constructor(scope: Construct, id: string, config: KestraDashboardConfig) {
    super(scope, id, DASHBOARD_TYPE, config);
    if (!config.schemaCheckAtReadBack) checkNamed(KestraStack.of(this), this.node.path, 'dashboard', config.sourceCode, { id: config.dashboardId }, config.sourceFile);
    this.dashboardId = config.dashboardId;
    this.sourceCode = config.sourceCode;
    this.sourceFile = config.sourceFile;
  }

  attributes(): DashboardAttributes {
    // Keys in sorted order, as cdk.tf.json lists them.
    return { dashboard_id: this.dashboardId, source_code: this.sourceCode, source_file: this.sourceFile };
  }
}
