import { NotFoundError, ValidationError } from '../errors.js';
import type { MailboxSettings } from '../settings.js';
import { isUuid } from '../uuid.js';
import type { MailboxConnection } from './ports.js';

/** Where a connection test stopped (DESIGN §7): null when every step worked. */
export type ConnectionStage = 'dns' | 'connect' | 'tls' | 'greeting' | 'token' | 'auth' | 'folder';

export interface ConnectionTestResult {
  ok: boolean;
  stage: ConnectionStage | null;
  /** What happened, for a person: never the password. */
  message: string;
}

/** Logs in and lists (POP3: STAT and UIDL), never fetching or deleting anything. */
export interface MailboxTester {
  test(mailbox: MailboxConnection): Promise<ConnectionTestResult>;
}

/**
 * `POST /api/mailboxes/{uuid}/test`: the mailbox as saved now (settings read fresh, not from a
 * cache, so a test right after a save tests what was saved), whatever its own or the service's
 * `enabled` says: testing is how an operator checks a mailbox before turning it on.
 */
export async function testMailboxConnection(
  deps: {
    settings: { current(): Promise<{ settings: { mailboxes: MailboxSettings[] } }> };
    tester: MailboxTester;
  },
  uuid: string,
): Promise<ConnectionTestResult> {
  if (!isUuid(uuid)) throw new ValidationError('uuid', 'must be a UUID');
  const { settings } = await deps.settings.current();
  const mailbox = settings.mailboxes.find((m) => m.uuid === uuid.toLowerCase());
  if (!mailbox) throw new NotFoundError(`mailbox ${uuid} not found`);
  return deps.tester.test(mailbox);
}
