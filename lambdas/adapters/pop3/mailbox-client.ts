import type { MailboxSettings } from '../../core/settings.js';

/*
 * Proposed core port for mailbox scanning (DESIGN §7); it lives here until it moves to core/ports.ts.
 * It speaks in UIDs, not POP3 message numbers, because the scanner's per-message state is keyed by
 * UID and a number is only valid within one session.
 */

/** What a session needs of a mailbox's settings. */
export type MailboxConnection = Pick<
  MailboxSettings,
  'host' | 'port' | 'tls' | 'tls_skip_verify' | 'auth_protocol' | 'username' | 'password'
>;

export interface MailboxMessage {
  /** Stable across sessions (POP3 UIDL). */
  uid: string;
  /** Size in bytes as the server reports it, before fetching (RFC 1939 LIST). */
  size: number;
}

/**
 * One logged-in session. Nothing is removed from the server before `commit`; a session that ends any
 * other way (`close`, a crash, a timeout) leaves every message in place. Methods reject with a
 * BounceError of kind `internal` (the POP3 adapter's Pop3Error, whose `code` tells why).
 */
export interface MailboxSession {
  /** The messages on the server when the session began, oldest first. */
  list(): Promise<MailboxMessage[]>;
  /** The message's exact bytes. */
  fetch(uid: string): Promise<Uint8Array>;
  /** Marks the message for deletion at `commit`. */
  delete(uid: string): Promise<void>;
  /** Applies the deletions and ends the session; rejects if the server could not apply them. */
  commit(): Promise<void>;
  /** Ends the session without deleting anything. Safe to call at any time, more than once. */
  close(): void;
}

export interface MailboxClient {
  /** Connects and logs in; rejects with code `auth` when the server refuses the credentials. */
  open(mailbox: MailboxConnection): Promise<MailboxSession>;
}
