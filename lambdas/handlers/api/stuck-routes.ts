import { NotFoundError, ValidationError } from '../../core/errors.js';
import type { MailboxStateStore } from '../../core/mailbox/ports.js';
import { checkUid, releaseStuck, stuckMessages } from '../../core/mailbox/stuck-messages.js';
import type { SettingsSource } from '../../core/ports.js';
import { isUuid } from '../../core/uuid.js';
import { queryParams } from '../http/request.js';
import { ok } from '../http/responses.js';
import type { HttpEvent, HttpHandler } from '../http/types.js';

interface StuckDeps {
  settings: SettingsSource;
  mailboxes: { state: MailboxStateStore };
}

/** The mailbox of the path, which must be in the settings. */
async function mailboxOf(event: HttpEvent, settings: SettingsSource): Promise<string> {
  const uuid = (event.pathParameters?.uuid ?? '').toLowerCase();
  if (!isUuid(uuid)) throw new ValidationError('uuid', 'must be a UUID');
  if (!(await settings.get()).mailboxes.some((m) => m.uuid === uuid)) {
    throw new NotFoundError(`mailbox ${uuid} not found`);
  }
  return uuid;
}

/** `GET /api/mailboxes/{uuid}/stuck`: the messages skipped after 3 failed attempts, with why. */
export function listStuckRoute(deps: StuckDeps): HttpHandler {
  return async (event) => {
    const mailbox = await mailboxOf(event, deps.settings);
    const unknown = Object.keys(queryParams(event));
    if (unknown.length) throw new ValidationError(unknown[0] as string, 'is not a parameter of this route');
    return ok({ results: await stuckMessages(deps.mailboxes.state, mailbox) });
  };
}

/**
 * `POST /api/mailboxes/{uuid}/stuck/release[?uid=]`: every stuck message, or the one named, is fetched
 * again by the next scan. Changes scan state only, so it works whatever the switches say.
 */
export function releaseStuckRoute(deps: StuckDeps): HttpHandler {
  return async (event) => {
    const mailbox = await mailboxOf(event, deps.settings);
    const { uid: uids = [], ...rest } = queryParams(event);
    const unknown = Object.keys(rest);
    if (unknown.length) throw new ValidationError(unknown[0] as string, 'is not a parameter of this route');
    if (uids.length > 1)
      throw new ValidationError('uid', 'give one uid, or none to release every stuck message');
    const uid = uids[0] === undefined ? undefined : checkUid(uids[0]);
    return ok({ released: await releaseStuck(deps.mailboxes.state, mailbox, uid) });
  };
}
