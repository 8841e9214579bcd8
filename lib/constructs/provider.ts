import type { Construct } from './cdk';
import { TerraformProvider } from './cdk';

export interface KestraProviderConfig {
  /** Kestra URL. Leave unset to take KESTRA_URL at plan/apply time (the usual case). */
  url?: string;
  /** Tenant id (default from KESTRA_TENANT, else `main`). */
  tenantId?: string;
}

/**
 * The Kestra provider block, named as the official provider (`kestra-io/kestra`: url,
 * tenant_id) so the JSON stays readable by Terraform users. Credentials are deliberately not
 * attributes: they come from the environment only and never reach cdk.tf.json.
 */
export class KestraProvider extends TerraformProvider {
  static readonly tfResourceType = 'kestra';
  constructor(scope: Construct, id: string, private readonly config: KestraProviderConfig = {}) {
    super(scope, id, { terraformResourceType: 'kestra', terraformProviderSource: 'kestra-io/kestra' });
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    return { url: this.config.url, tenant_id: this.config.tenantId };
  }
}
