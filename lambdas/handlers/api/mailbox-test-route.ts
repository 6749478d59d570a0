import { type MailboxTester, testMailboxConnection } from '../../core/mailbox/connection-test.js';
import type { SettingsManager } from '../../core/settings-service.js';
import { ok } from '../http/responses.js';
import type { HttpHandler } from '../http/types.js';

/** `POST /api/mailboxes/{uuid}/test`: 200 with `{ok, stage, message}` whether or not the test passed. */
export function mailboxTestRoute(deps: {
  settings: Pick<SettingsManager, 'current'>;
  tester: MailboxTester;
}): HttpHandler {
  return async (event) => ok(await testMailboxConnection(deps, event.pathParameters?.uuid ?? ''));
}
