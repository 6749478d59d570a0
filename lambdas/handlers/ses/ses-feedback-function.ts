import type { Logger } from '@aws-lambda-powertools/logger';
import type { RecordDeps } from '../../core/bounces/record-bounce.js';
import { ingestSesFeedback } from '../../core/ingestion/ingest-ses-feedback.js';
import type { SettingsSource } from '../../core/ports.js';
import type { SesFeedback } from '../../core/providers/ses-aws-events.js';

export interface SesFeedbackDeps {
  record: RecordDeps;
  settings: SettingsSource;
  logger: Pick<Logger, 'info' | 'warn'>;
}

export interface SesFeedbackCounts {
  recorded: number;
  duplicates: number;
  rejected: number;
  ignored: number;
  skipped: number;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * What Lambda puts in the dead-letter queue when an invocation failed past its retries (its on-failure
 * destination record) carries the event as `requestPayload`: taken as it is, so a dead letter is
 * replayed by invoking the function with the message body, whatever put it in the queue.
 */
export function unwrapDeadLetter(event: unknown): unknown {
  if (typeof event !== 'object' || event === null) return event;
  const record = event as Record<string, unknown>;
  return 'requestContext' in record && 'requestPayload' in record ? record.requestPayload : event;
}

/**
 * A function AWS invokes with SES feedback (SNS subscription or EventBridge rule). Whatever cannot be
 * recorded now is thrown, never swallowed: a switch that is off, a storage failure, a malformed or
 * unexpected record (after the others are recorded). AWS then retries the invocation and, past its
 * retries, keeps the event in the dead-letter queue; the event keys make every retry count once.
 */
export function createSesFeedbackHandler(
  path: 'sns-lambda' | 'eventbridge',
  parse: (event: unknown) => SesFeedback[],
  deps: SesFeedbackDeps,
): (event: unknown) => Promise<SesFeedbackCounts> {
  return async (event) => {
    const feedback = parse(unwrapDeadLetter(event));
    const settings = await deps.settings.get();
    const { failures, ...counts } = await ingestSesFeedback(
      { record: deps.record, log: deps.logger },
      settings,
      feedback,
    );
    deps.logger.info('ses feedback handled', { path, ...counts, failed: failures.length });
    for (const failure of failures)
      deps.logger.warn('ses record not recorded', {
        path,
        record: failure.label,
        error: describe(failure.error),
      });
    const [first] = failures;
    if (first) throw first.error;
    return counts;
  };
}
