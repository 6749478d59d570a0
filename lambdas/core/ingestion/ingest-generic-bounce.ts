import { type RecordDeps, type RecordResult, recordBounce } from '../bounces/record-bounce.js';
import type { SettingsSource } from '../ports.js';
import { assertWebhooksEnabled } from './ingest-provider-request.js';
import { type IngestionLog, silentLog } from './ingestion-log.js';
import { parseWebhookBounce } from './webhook-input.js';

export interface GenericBounceDeps {
  record: RecordDeps;
  settings: SettingsSource;
  log?: IngestionLog;
}

export interface GenericBounceRequest {
  /**
   * The parsed JSON body, read only after the switches are checked: while processing is off every
   * request is a 503 (which callers retry), whatever its body.
   */
  body: () => unknown;
  /** The `Idempotency-Key` header, if any. */
  idempotencyKey: string | undefined;
}

/** `POST /webhooks/bounce`: one bounce from a script or a mail server (DESIGN §4). */
export async function ingestGenericBounce(
  deps: GenericBounceDeps,
  request: GenericBounceRequest,
): Promise<RecordResult> {
  const settings = await deps.settings.get();
  assertWebhooksEnabled(settings);
  const input = parseWebhookBounce(request.body(), request.idempotencyKey, deps.record.clock.now());
  const result = await recordBounce(deps.record, settings, input);
  (deps.log ?? silentLog).info('bounce recorded', {
    bounce_id: result.id,
    source: input.source,
    type: input.type,
    duplicate: result.duplicate,
    action: result.action,
  });
  return result;
}
