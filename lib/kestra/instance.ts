/**
 * The Kestra instance itself, outside any tenant: `GET /api/v1/configs` (MiscController.
 * getConfiguration) tells the edition (`OSS` or `EE`, EditionProvider.Edition) and the version.
 * Kestra 1.x and 2.x both answer it (2.0 requires authentication, 1.3 does not). The answer is
 * kept for the client's life: a server does not change edition under a running command.
 */
import type { HttpTransport } from './http';
import { ResponseReader } from './decode';

export interface KestraEdition {
  edition: 'OSS' | 'EE';
  /** Kestra's version, e.g. `2.0.0` (absent when the server does not say). */
  version?: string;
}

export class InstanceApi {
  private cached?: Promise<KestraEdition>;

  constructor(private readonly http: HttpTransport) {}

  /** The server's edition and version (one request per client; a failure is not remembered). */
  getEdition(): Promise<KestraEdition> {
    if (!this.cached) {
      this.cached = this.fetchEdition();
      this.cached.catch(() => (this.cached = undefined));
    }
    return this.cached;
  }

  private async fetchEdition(): Promise<KestraEdition> {
    const response = await this.http.send({
      method: 'GET',
      path: '/configs',
      instance: true,
      operation: 'getConfiguration',
      target: "read the instance's configuration (edition and version)",
      idempotent: true,
      hints: { 404: 'this server has no /api/v1/configs: check that KESTRA_URL points at Kestra (without /api/v1)' },
    });
    const reader = new ResponseReader(response);
    const body = reader.object();
    const edition = reader.string(body, 'edition', 'the configuration');
    if (edition !== 'OSS' && edition !== 'EE') throw reader.fail(`the configuration's "edition" is "${edition}", neither OSS nor EE`);
    const version = reader.optionalString(body, 'version', 'the configuration');
    return version === undefined ? { edition } : { edition, version };
  }
}
