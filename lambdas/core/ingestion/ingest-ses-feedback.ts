import type { BounceInput } from '../bounces/bounce.js';
import { DisabledError, ForbiddenError } from '../errors.js';
import type { SesFeedback } from '../providers/ses-aws-events.js';
import type { BounceSettings } from '../settings/settings.js';
import { type RecordEventsDeps, recordEvents } from './record-events.js';

export interface SesFeedbackFailure {
  label: string;
  error: unknown;
}

export interface SesFeedbackResult {
  recorded: number;
  duplicates: number;
  /** Bounces refused one by one for their own data (recordEvents); the others are recorded. */
  rejected: number;
  ignored: number;
  skipped: number;
  /** Records that could not be used (malformed, or from a topic not allowed): the caller throws. */
  failures: SesFeedbackFailure[];
}

/**
 * SES feedback that AWS delivered to a function (SNS Lambda subscription or EventBridge): the same
 * mapping and event keys as `POST /webhooks/service/ses`, so one bounce arriving both ways counts once.
 *
 * A switch that is off throws DisabledError before anything is read: AWS then retries and, past its
 * retries, keeps the event in the dead-letter queue, so nothing is lost while processing is off.
 * `webhooks_enabled` is not consulted: no webhook is involved. Each record is mapped on its own, so a
 * malformed one (or one from a topic not in `ses.topic_arns`) does not keep the others from being
 * recorded; it is returned as a failure for the caller to throw after the others are stored.
 */
export async function ingestSesFeedback(
  deps: RecordEventsDeps,
  settings: BounceSettings,
  feedback: readonly SesFeedback[],
): Promise<SesFeedbackResult> {
  if (!settings.enabled) throw new DisabledError('bounce processing (settings: enabled)');
  if (!settings.ses.enabled) throw new DisabledError('Amazon SES ingestion (settings: ses.enabled)');
  const bounces: BounceInput[] = [];
  const failures: SesFeedbackFailure[] = [];
  let ignored = 0;
  let skipped = 0;
  for (const item of feedback) {
    try {
      if (item.topicArn !== undefined && !settings.ses.topic_arns.includes(item.topicArn))
        throw new ForbiddenError(`SNS topic ${item.topicArn} is not allowed (settings: ses.topic_arns)`);
      const mapping = item.map();
      bounces.push(...mapping.bounces);
      ignored += mapping.ignored;
      skipped += mapping.skipped;
    } catch (error) {
      failures.push({ label: item.label, error });
    }
  }
  const { recorded, duplicates, rejected } = await recordEvents(deps, settings, bounces);
  return { recorded, duplicates, rejected, ignored, skipped, failures };
}
