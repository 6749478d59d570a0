import type { Logger } from '@aws-lambda-powertools/logger';
import { type RecordDeps, recordBounce } from '../../core/bounces/record-bounce.js';
import { DisabledError } from '../../core/errors.js';
import type { SettingsSource } from '../../core/ports.js';
import type {
  CertificateLoader,
  Provider,
  ProviderName,
  ProviderRequest,
  SubscriptionConfirmer,
} from '../../core/providers/provider.js';
import type { BounceSettings } from '../../core/settings/settings.js';
import { rawBody } from '../http/request.js';
import { ok } from '../http/responses.js';
import type { HttpEvent, HttpHandler } from '../http/types.js';

const RECORD_CONCURRENCY = 16;

export interface ProviderWebhookDeps {
  record: RecordDeps;
  settings: SettingsSource;
  certificates: CertificateLoader;
  confirmer: SubscriptionConfirmer;
  logger: Pick<Logger, 'info' | 'warn'>;
}

/** 503 naming what is off, so providers that retry keep retrying while an operator turns it on. */
function assertEnabled(settings: BounceSettings, name: ProviderName): void {
  if (!settings.enabled) throw new DisabledError('bounce processing (settings: enabled)');
  if (!settings.webhooks_enabled) throw new DisabledError('bounce webhooks (settings: webhooks_enabled)');
  if (!settings[name].enabled) throw new DisabledError(`${name} webhooks (settings: ${name}.enabled)`);
}

function request(event: HttpEvent): ProviderRequest {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(event.headers ?? {}))
    if (value !== undefined) headers[key.toLowerCase()] = value;
  return { rawBody: rawBody(event), headers };
}

/**
 * `POST /webhooks/service/{provider}`: the provider verifies and maps the request; each bounce is
 * recorded (durably, once per event key) before the 200. A storage failure is a 500, so the provider
 * delivers again, and the keys keep the retry from counting twice.
 */
export function createProviderWebhookHandler(provider: Provider, deps: ProviderWebhookDeps): HttpHandler {
  return async (event) => {
    const req = request(event);
    const settings = await deps.settings.get();
    if (!provider.verifiesBeforeEnabledCheck) assertEnabled(settings, provider.name);
    const outcome = await provider.handle(req, settings, {
      clock: deps.record.clock,
      certificates: deps.certificates,
    });
    if (outcome.kind === 'confirm') {
      await deps.confirmer.confirm(outcome.subscribeUrl, outcome.topicArn);
      deps.logger.info('sns subscription confirmed', { provider: provider.name, topic: outcome.topicArn });
      return ok({ confirmed: true });
    }
    if (outcome.kind === 'ack')
      return ok({ recorded: 0, duplicates: 0, ignored: 1, skipped: 0, note: outcome.note });
    assertEnabled(settings, provider.name);
    let recorded = 0;
    let duplicates = 0;
    // A SendGrid batch can hold hundreds of events; a few at a time keeps it inside the gateway's
    // 29 s, and the conditional writes keep concurrent bounces of one subscriber right.
    const queue = [...outcome.bounces];
    const worker = async () => {
      for (let bounce = queue.shift(); bounce; bounce = queue.shift()) {
        const result = await recordBounce(deps.record, settings, bounce);
        if (result.duplicate) duplicates++;
        else if (result.id) recorded++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(RECORD_CONCURRENCY, queue.length) }, worker));
    deps.logger.info('provider webhook handled', {
      provider: provider.name,
      recorded,
      duplicates,
      ignored: outcome.ignored,
      skipped: outcome.skipped,
    });
    return ok({ recorded, duplicates, ignored: outcome.ignored, skipped: outcome.skipped });
  };
}
