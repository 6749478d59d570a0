import { Logger } from '@aws-lambda-powertools/logger';
import { type LocalService, startLocalService } from '../../bin/local/local-service.js';

/** The admin's API header for a local service. */
export function adminAuth(service: LocalService): { Authorization: string } {
  return { Authorization: `token ${service.user.name}:${service.user.token}` };
}

/**
 * `npm start`'s server on a free port with the given bounce settings saved over the API, as a user
 * would. Provider adapters that would reach the network (SNS certificates, confirmation) are stubbed:
 * no test leaves loopback.
 */
export async function startProviderService(bounceSettings: Record<string, unknown>): Promise<LocalService> {
  const service = await startLocalService({
    port: 0,
    logger: new Logger({ logLevel: 'SILENT' }),
    providerAdapters: {
      certificates: { load: async () => Promise.reject(new Error('no network in tests')) },
      confirmer: { confirm: async () => undefined },
    },
  });
  const res = await fetch(`${service.url}/api/settings/bounce`, {
    method: 'PUT',
    headers: { ...adminAuth(service), 'If-Match': '"0"' },
    body: JSON.stringify(bounceSettings),
  });
  if (res.status !== 200) {
    await service.close();
    throw new Error(`saving the bounce settings answered ${res.status}: ${await res.text()}`);
  }
  return service;
}

/** The stored bounces as the API lists them, of one source or all. */
export async function listBounces<T>(service: LocalService, source?: string): Promise<T[]> {
  const filter = source ? `&source=${source}` : '';
  const res = await fetch(`${service.url}/api/bounces?per_page=100${filter}`, {
    headers: adminAuth(service),
  });
  return ((await res.json()) as { data: { results: T[] } }).data.results;
}
