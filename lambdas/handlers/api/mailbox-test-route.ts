import { NotFoundError, ValidationError } from '../../core/errors.js';
import { testMailboxConnection } from '../../core/mailbox/test-connection.js';
import type { SettingsManager } from '../../core/settings/settings-service.js';
import { isUuid } from '../../core/uuid.js';
import { ok } from '../http/responses.js';
import type { HttpHandler } from '../http/types.js';
import type { MailboxDeps } from '../mailbox-deps.js';
import { GATEWAY_LIMIT_MS, ROUTE_SCAN_MARGINS } from './scan-route.js';

/**
 * `POST /api/mailboxes/{uuid}/test`: signs in to the mailbox as saved (read fresh, not from the
 * cache, so a test right after a save sees the save) and looks without touching a message. Answers
 * 200 with `{ok, stage, message}` whatever the outcome and whatever `enabled` says; a server that
 * stalls is cut off in time for the answer to leave before API Gateway gives up.
 */
export function mailboxTestRoute(deps: {
  settings: SettingsManager;
  mailboxes: Pick<MailboxDeps, 'connector'>;
}): HttpHandler {
  return async (event, context) => {
    const uuid = event.pathParameters?.uuid ?? '';
    if (!isUuid(uuid)) throw new ValidationError('uuid', 'must be a UUID');
    const { settings } = await deps.settings.current();
    const mailbox = settings.mailboxes.find((m) => m.uuid === uuid.toLowerCase());
    if (!mailbox) throw new NotFoundError(`mailbox ${uuid} not found`);
    const remaining = Math.min(context?.getRemainingTimeInMillis() ?? GATEWAY_LIMIT_MS, GATEWAY_LIMIT_MS);
    const limits = { timeLimitMs: Math.max(0, remaining - ROUTE_SCAN_MARGINS.finishMs) };
    return ok(await testMailboxConnection(deps.mailboxes.connector, mailbox, limits));
  };
}
