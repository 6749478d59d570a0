import { sesFromEventBridge } from '../../core/providers/ses-aws-events.js';
import { awsDeps } from '../deps.js';
import { logger } from '../logger.js';
import { createSesFeedbackHandler } from './ses-feedback-function.js';

let handle: ReturnType<typeof createSesFeedbackHandler> | undefined;

/** SES bounce and complaint events of the configuration set, from the default EventBridge bus. */
export async function handler(event: unknown) {
  handle ??= createSesFeedbackHandler('eventbridge', (e) => [sesFromEventBridge(e)], {
    ...awsDeps(),
    logger,
  });
  return handle(event);
}
