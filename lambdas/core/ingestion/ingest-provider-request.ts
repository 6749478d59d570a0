import type { RecordDeps } from '../bounces/record-bounce.js';
import { BounceError, DisabledError, RetryLaterError } from '../errors.js';
import type { SettingsSource } from '../ports.js';
import type {
  AnyProvider,
  CertificateLoader,
  ProviderConfig,
  ProviderRequest,
  SubscriptionConfirmer,
} from '../providers/provider.js';
import { providerDefaults } from '../settings/provider-settings.js';
import type { BounceSettings } from '../settings/settings.js';
import { type IngestionLog, silentLog } from './ingestion-log.js';
import { recordEvents } from './record-events.js';

export interface ProviderIngestionDeps {
  record: RecordDeps;
  settings: SettingsSource;
  certificates: CertificateLoader;
  confirmer: SubscriptionConfirmer;
  log?: IngestionLog;
}

export type ProviderIngestion =
  | { kind: 'confirmed'; topicArn: string }
  | { kind: 'acknowledged'; note: string }
  | {
      kind: 'recorded';
      recorded: number;
      duplicates: number;
      /** Events deliberately not recorded (deliveries, deferrals, opens, ...). */
      ignored: number;
      /** Events that could not be used (no address, bad data), each refused on its own. */
      skipped: number;
    };

/** 503 naming what is off, so providers that retry keep retrying while an operator turns it on. */
export function assertWebhooksEnabled(settings: BounceSettings): void {
  if (!settings.enabled) throw new DisabledError('bounce processing (settings: enabled)');
  if (!settings.webhooks_enabled) throw new DisabledError('bounce webhooks (settings: webhooks_enabled)');
}

/** A provider's own slice of the settings (its defaults if the settings predate it). */
export function providerSlice(settings: BounceSettings, provider: AnyProvider): ProviderConfig {
  const slices = settings as unknown as Record<string, ProviderConfig | undefined>;
  return slices[provider.name] ?? (providerDefaults([provider])[provider.name] as ProviderConfig);
}

function assertEnabled(settings: BounceSettings, provider: AnyProvider, config: ProviderConfig): void {
  assertWebhooksEnabled(settings);
  if (!config.enabled)
    throw new DisabledError(`${provider.name} webhooks (settings: ${provider.name}.enabled)`);
}

/**
 * A failure that a later delivery of the same request can get past: a switch off (DisabledError), a
 * storage fault (InternalError) or anything unforeseen. Not a refusal of the request itself (bad
 * input, failed verification, a topic not allowed): delivering that again changes nothing.
 */
function isTemporary(error: unknown): boolean {
  return !(error instanceof BounceError) || error.kind === 'disabled' || error.kind === 'internal';
}

/**
 * `POST /webhooks/service/{provider}` as a use case: the enabled checks (503 naming the switch), the
 * provider's verification and mapping, then the SNS confirmation, the acknowledgement or the
 * recording. Each bounce is recorded durably (once per event key) before this returns; a storage
 * failure throws, so the provider delivers again. For a provider that declares `retryAnswer: 429`,
 * a temporary failure is thrown as RetryLaterError (its cause kept), as 503 and 500 stop its retries.
 */
export async function ingestProviderRequest(
  deps: ProviderIngestionDeps,
  provider: AnyProvider,
  request: ProviderRequest,
): Promise<ProviderIngestion> {
  if (provider.retryAnswer !== 429) return ingest(deps, provider, request);
  try {
    return await ingest(deps, provider, request);
  } catch (error) {
    throw isTemporary(error) ? new RetryLaterError(error) : error;
  }
}

async function ingest(
  deps: ProviderIngestionDeps,
  provider: AnyProvider,
  request: ProviderRequest,
): Promise<ProviderIngestion> {
  const log = deps.log ?? silentLog;
  const settings = await deps.settings.get();
  const config = providerSlice(settings, provider);
  if (!provider.verifiesBeforeEnabledCheck) assertEnabled(settings, provider, config);
  const outcome = await provider.handle(request, config, {
    clock: deps.record.clock,
    certificates: deps.certificates,
  });
  if (outcome.kind === 'confirm') {
    await deps.confirmer.confirm(outcome.subscribeUrl, outcome.topicArn);
    log.info('sns subscription confirmed', { provider: provider.name, topic: outcome.topicArn });
    return { kind: 'confirmed', topicArn: outcome.topicArn };
  }
  if (outcome.kind === 'ack') return { kind: 'acknowledged', note: outcome.note };
  assertEnabled(settings, provider, config);
  const recorded = await recordEvents({ record: deps.record, log }, settings, outcome.bounces);
  const result = {
    kind: 'recorded' as const,
    recorded: recorded.recorded,
    duplicates: recorded.duplicates,
    ignored: outcome.ignored,
    skipped: outcome.skipped + recorded.rejected,
  };
  log.info('provider webhook handled', {
    provider: provider.name,
    recorded: result.recorded,
    duplicates: result.duplicates,
    ignored: result.ignored,
    skipped: result.skipped,
  });
  return result;
}
