import { NotFoundError, ValidationError } from '../../core/errors.js';
import { scanMailbox } from '../../core/mailbox/scan-mailbox.js';
import type { SettingsSource } from '../../core/ports.js';
import type { RecordDeps } from '../../core/record-bounce.js';
import { isUuid } from '../../core/uuid.js';
import { ok } from '../http/responses.js';
import type { HttpHandler } from '../http/types.js';
import type { MailboxDeps } from '../mailbox-deps.js';

/** API Gateway gives up after 29 s; the scan stops fetching well before. */
const SCAN_BUDGET_MS = 20_000;

/** `POST /api/mailboxes/{uuid}/scan`: one scan now, its report as the answer (also for disabled mailboxes). */
export function scanRoute(deps: {
  record: RecordDeps;
  settings: SettingsSource;
  mailboxes: MailboxDeps;
}): HttpHandler {
  return async (event) => {
    const uuid = event.pathParameters?.uuid ?? '';
    if (!isUuid(uuid)) throw new ValidationError('uuid', 'must be a UUID');
    const settings = await deps.settings.get();
    const mailbox = settings.mailboxes.find((m) => m.uuid === uuid.toLowerCase());
    if (!mailbox) throw new NotFoundError(`mailbox ${uuid} not found`);
    const now = deps.record.clock.now().getTime();
    const report = await scanMailbox({ record: deps.record, ...deps.mailboxes }, settings, mailbox, {
      owner: event.requestContext?.requestId ?? `api-${now}`,
      deadline: new Date(now + SCAN_BUDGET_MS),
      leaseMs: SCAN_BUDGET_MS + 10_000,
    });
    return ok(report);
  };
}
