/** The mailbox port lives in core; re-exported for the adapter's own imports. */
export type {
  MailboxConnection,
  MailboxConnector as MailboxClient,
  MailboxMessage,
  MailboxSession,
} from '../../core/mailbox/ports.js';
