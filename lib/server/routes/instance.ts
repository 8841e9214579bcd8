/**
 * The instance's own routes, outside any tenant: `GET /api/v1/configs` (MiscController.
 * getConfiguration, kestra-io/kestra), which tells a client the server's edition and version.
 * Its body is the spec's MiscController.Configuration with what the emulator can say: the
 * edition's name (EditionProvider.Edition, `OSS` or `EE`), the version of the emulated line, and
 * the fields Kestra always includes (`@JsonInclude`) or fills from its defaults; null fields are
 * left out, as Kestra's mapper does. Its authentication is the server's (2.0 requires it).
 */
import { randomUUID } from 'node:crypto';
import type { Router } from '../router';
import { EMULATED_VERSION, editionName, type Edition } from '../edition';
import { SYSTEM_NAMESPACE } from './namespaces';

export interface InstanceRouteSettings {
  major: 1 | 2;
  edition: Edition;
  /** Whether the server requires basic auth (OSS `isBasicAuthInitialized`). */
  basicAuth: boolean;
}

export function instanceRoutes(router: Router, settings: InstanceRouteSettings): void {
  const { major, edition } = settings;
  // InstanceService.fetch(): the instance's id, made once.
  const uuid = randomUUID();
  router.add({
    method: 'GET', template: '/configs', instance: true, operationId: 'getConfiguration', query: [],
    handler: () => ({
      status: 200,
      json: {
        uuid,
        version: EMULATED_VERSION[major],
        edition: editionName(edition),
        chartDefaultDuration: 'P30D',
        // Custom dashboards are stored by EE only from 2.0 on (kestra-io/kestra#18971).
        isCustomDashboardsEnabled: edition === 'ee' || major === 1,
        isAnonymousUsageEnabled: false,
        isUiAnonymousUsageEnabled: false,
        preview: { initial: 100, max: 5000 },
        systemNamespace: SYSTEM_NAMESPACE,
        hiddenLabelsPrefixes: [],
        isAiEnabled: false,
        isBasicAuthInitialized: settings.basicAuth,
      },
    }),
  });
}
