import type { MailboxSettings } from '../settings/settings.js';
import { type MailboxStage, stageOf } from './mailbox-error.js';
import type { MailboxConnector, MailboxSession, SessionLimits } from './ports.js';

/** The connection test's answer (DESIGN §7, §11): which stage failed, if any, and what was seen. */
export interface ConnectionTestResult {
  ok: boolean;
  stage: MailboxStage | null;
  message: string;
}

const clip = (text: string) => (text.length > 300 ? `${text.slice(0, 300)}...` : text);

/**
 * Signs in and looks at the mailbox without touching a message: POP3 STAT and UIDL, IMAP EXAMINE of
 * the folder (nothing fetched, deleted, moved or created). The session then ends cleanly, or when
 * `limits` says its time is up.
 */
export async function testMailboxConnection(
  connector: MailboxConnector,
  mailbox: MailboxSettings,
  limits?: SessionLimits,
): Promise<ConnectionTestResult> {
  let session: MailboxSession;
  try {
    session = await connector.open(mailbox, limits);
  } catch (error) {
    return {
      ok: false,
      stage: stageOf(error) ?? 'connect',
      message: clip((error as Error)?.message ?? 'failed'),
    };
  }
  try {
    const count = await session.count();
    await session.commit().catch(() => session.close());
    const where = mailbox.type === 'imap' ? `folder ${mailbox.folder}` : 'the mailbox';
    return {
      ok: true,
      stage: null,
      message: `signed in; ${count} message${count === 1 ? '' : 's'} in ${where}`,
    };
  } catch (error) {
    session.close();
    return {
      ok: false,
      stage: stageOf(error) ?? 'folder',
      message: clip((error as Error)?.message ?? 'failed'),
    };
  }
}
