import type { BounceInput } from '../bounces/bounce.js';
import { type RecordDeps, recordBounce } from '../bounces/record-bounce.js';
import { BounceError } from '../errors.js';
import type { BounceSettings } from '../settings/settings.js';
import { type IngestionLog, silentLog } from './ingestion-log.js';

/**
 * A provider batch can hold hundreds of events (SendGrid); a few at a time keeps it inside the
 * gateway's 29 s, and the conditional writes keep concurrent bounces of one subscriber right.
 */
export const RECORD_CONCURRENCY = 16;

export interface RecordEventsDeps {
  record: RecordDeps;
  log?: IngestionLog;
}

export interface RecordEventsResult {
  /** Stored as new bounces. */
  recorded: number;
  /** Already recorded under the same event key (a provider's retry or replay). */
  duplicates: number;
  /** Refused one by one (bad data in that event alone); the others are recorded all the same. */
  rejected: number;
}

/**
 * Errors that belong to one event's data (an unknown subscriber uuid, a field the store refuses):
 * that event is dropped and counted, the rest of the batch goes on. Anything else (storage down, a
 * credential claim that does not match) concerns the whole request and fails it once every other
 * event has had its turn, so the provider retries and the event keys keep the retry from counting twice.
 */
function isEventError(error: unknown): error is BounceError {
  return (
    error instanceof BounceError &&
    (error.kind === 'invalid' || error.kind === 'not_found' || error.kind === 'conflict')
  );
}

/** Records a provider's bounces: bounded concurrency, each event on its own. */
export async function recordEvents(
  deps: RecordEventsDeps,
  settings: BounceSettings,
  bounces: readonly BounceInput[],
): Promise<RecordEventsResult> {
  const log = deps.log ?? silentLog;
  const result: RecordEventsResult = { recorded: 0, duplicates: 0, rejected: 0 };
  let failure: { error: unknown } | undefined;
  let next = 0;
  const worker = async () => {
    while (next < bounces.length) {
      const bounce = bounces[next++] as BounceInput;
      try {
        const outcome = await recordBounce(deps.record, settings, bounce);
        if (outcome.duplicate) result.duplicates++;
        else if (outcome.id) result.recorded++;
      } catch (error) {
        if (!isEventError(error)) {
          failure ??= { error };
          continue;
        }
        result.rejected++;
        log.warn('bounce event refused', {
          source: bounce.source,
          event_key: bounce.event_key,
          reason: error.message,
        });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(RECORD_CONCURRENCY, bounces.length) }, worker));
  if (failure) throw failure.error;
  return result;
}
