import type { RecordDeps } from '../../core/bounces/record-bounce.js';
import { DisabledError, NotFoundError, ValidationError } from '../../core/errors.js';
import { scanMailbox } from '../../core/mailbox/scan-mailbox.js';
import type { ScanReport } from '../../core/mailbox/scan-report.js';
import { type ScanMargins, scanTimes } from '../../core/mailbox/scan-times.js';
import type { SettingsSource } from '../../core/ports.js';
import { isUuid } from '../../core/uuid.js';
import { ok } from '../http/responses.js';
import type { HttpHandler } from '../http/types.js';
import type { MailboxDeps } from '../mailbox-deps.js';

/** API Gateway answers 504 after 29 s, whatever time the function itself has left. */
export const GATEWAY_LIMIT_MS = 29_000;

/**
 * The manual scan's share of the API function's time: it stops fetching 3 s before its mail I/O must
 * end (the message in flight, the DELEs, QUIT), and that ends 2 s before the function's time does
 * (state writes, the lease release, the answer).
 */
export const ROUTE_SCAN_MARGINS: ScanMargins = { windDownMs: 3_000, finishMs: 2_000 };

/** `POST /api/mailboxes/{uuid}/scan`: one scan now, its report as the answer (also for disabled mailboxes). */
export function scanRoute(deps: {
  record: RecordDeps;
  settings: SettingsSource;
  mailboxes: MailboxDeps;
  /** Called with the report, e.g. to publish the scan metrics the alarms watch. */
  onReport?: (report: ScanReport) => void;
}): HttpHandler {
  return async (event, context) => {
    const uuid = event.pathParameters?.uuid ?? '';
    if (!isUuid(uuid)) throw new ValidationError('uuid', 'must be a UUID');
    const settings = await deps.settings.get();
    // The mailbox's own `enabled` governs the schedule only; the service-wide switch governs every way in.
    if (!settings.enabled) throw new DisabledError('bounce processing (settings: enabled)');
    const mailbox = settings.mailboxes.find((m) => m.uuid === uuid.toLowerCase());
    if (!mailbox) throw new NotFoundError(`mailbox ${uuid} not found`);
    const now = deps.record.clock.now();
    const remaining = Math.min(context?.getRemainingTimeInMillis() ?? GATEWAY_LIMIT_MS, GATEWAY_LIMIT_MS);
    const report = await scanMailbox({ record: deps.record, ...deps.mailboxes }, settings, mailbox, {
      owner: event.requestContext?.requestId ?? `api-${now.getTime()}`,
      ...scanTimes(now, remaining, ROUTE_SCAN_MARGINS),
    });
    deps.onReport?.(report);
    return ok(report);
  };
}
