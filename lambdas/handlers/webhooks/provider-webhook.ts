import type { Logger } from '@aws-lambda-powertools/logger';
import type { RecordDeps } from '../../core/bounces/record-bounce.js';
import { ingestProviderRequest } from '../../core/ingestion/ingest-provider-request.js';
import type { SettingsSource } from '../../core/ports.js';
import type {
  AnyProvider,
  CertificateLoader,
  ProviderRequest,
  SubscriptionConfirmer,
} from '../../core/providers/provider.js';
import { rawBody } from '../http/request.js';
import { ok } from '../http/responses.js';
import type { HttpEvent, HttpHandler } from '../http/types.js';

export interface ProviderWebhookDeps {
  record: RecordDeps;
  settings: SettingsSource;
  certificates: CertificateLoader;
  confirmer: SubscriptionConfirmer;
  logger: Pick<Logger, 'info' | 'warn'>;
}

function request(event: HttpEvent): ProviderRequest {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(event.headers ?? {}))
    if (value !== undefined) headers[key.toLowerCase()] = value;
  return { rawBody: rawBody(event), headers };
}

/**
 * `POST /webhooks/service/{provider}`: the HTTP adapter of `ingestProviderRequest`, which checks the
 * switches, verifies, and records every bounce durably before the 200.
 */
export function createProviderWebhookHandler(provider: AnyProvider, deps: ProviderWebhookDeps): HttpHandler {
  const ingestion = { ...deps, log: deps.logger };
  return async (event) => {
    const result = await ingestProviderRequest(ingestion, provider, request(event));
    switch (result.kind) {
      case 'confirmed':
        return ok({ confirmed: true });
      case 'acknowledged':
        return ok({ recorded: 0, duplicates: 0, ignored: 1, skipped: 0, note: result.note });
      case 'recorded': {
        const { kind: _, ...counts } = result;
        return ok(counts);
      }
    }
  };
}
