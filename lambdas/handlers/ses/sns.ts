import { sesFromSnsEvent } from '../../core/providers/ses-aws-events.js';
import { awsDeps } from '../deps.js';
import { logger } from '../logger.js';
import { createSesFeedbackHandler } from './ses-feedback-function.js';

let handle: ReturnType<typeof createSesFeedbackHandler> | undefined;

/** SES feedback from the stack's SNS topic, by a Lambda subscription (no public endpoint). */
export async function handler(event: unknown) {
  handle ??= createSesFeedbackHandler('sns-lambda', sesFromSnsEvent, { ...awsDeps(), logger });
  return handle(event);
}
