import type { Reason } from '../bounces/reasons.js';
import type { MailboxSettings } from '../settings/settings.js';

/** What a session needs of a mailbox's settings (the IMAP and OAuth2 fields default as in settings). */
export type MailboxConnection = Pick<
  MailboxSettings,
  'host' | 'port' | 'tls' | 'tls_skip_verify' | 'auth_protocol' | 'username' | 'password'
> &
  Partial<Pick<MailboxSettings, 'uuid' | 'type' | 'oauth2' | 'folder' | 'after_processing' | 'move_to'>> & {
    /** For `auth_protocol: oauth2`: the bearer token to sign in with (never logged). */
    access_token?: string;
  };

export interface MailboxMessage {
  /** Stable across sessions: the POP3 UIDL, or the IMAP folder, UIDVALIDITY and UID. */
  uid: string;
  /** Size in bytes as the server reports it, before fetching (RFC 1939 LIST). */
  size: number;
}

/**
 * Why a session failed, as the connector's errors say in their `code` (the POP3 adapter's Pop3Error;
 * an IMAP MailboxError carries `timeout` when the scan's time ran out, else its `stage`):
 * `auth` the server refused the credentials, `server` it refused one command, `protocol` it broke the
 * protocol, `connection`, `tls` and `timeout` the network or the server's silence.
 */
export type MailboxErrorCode = 'auth' | 'server' | 'timeout' | 'protocol' | 'connection' | 'tls';

export interface SessionLimits {
  /**
   * Every connect and read of the session ends within this many ms from `open`, so a stalled server
   * cannot outlast the function that scans; a read cut short rejects with code `timeout`.
   */
  timeLimitMs?: number;
}

/**
 * One logged-in session. Nothing is removed from the server before `commit`; a session that ends any
 * other way (`close`, a crash, a timeout) leaves every message in place. Methods reject with a
 * BounceError of kind `internal`; a failed `open` says at which stage it failed (`stageOf`).
 */
export interface MailboxSession {
  /** The messages on the server when the session began, oldest first. */
  list(): Promise<MailboxMessage[]>;
  /** The message's exact bytes; null when it left the server since the listing. */
  fetch(uid: string): Promise<Uint8Array | null>;
  /**
   * Marks the message to leave the folder at `commit`: deleted, or moved to `move_to` for an IMAP
   * mailbox with `after_processing: move`.
   */
  delete(uid: string): Promise<void>;
  /** How many messages the mailbox holds, read without fetching any (STAT and UIDL, or EXAMINE). */
  count(): Promise<number>;
  /**
   * Applies the deletions (or moves) and ends the session (POP3 QUIT; IMAP MOVE or UID EXPUNGE).
   * Rejects if the server did not confirm: it may then have applied all, some or none of them.
   */
  commit(): Promise<void>;
  /** Ends the session without deleting anything. Safe to call at any time, more than once. */
  close(): void;
}

export interface MailboxConnector {
  /** Connects and logs in; rejects with stage `auth` when the server refuses the credentials. */
  open(mailbox: MailboxConnection, limits?: SessionLimits): Promise<MailboxSession>;
}

/** What the parser says of one message (the fields the scanner needs). */
export interface ParsedMail {
  kind: 'bounce' | 'feedback' | 'autoreply' | 'delivered' | 'not-bounce';
  recipients: {
    email: string;
    status: string | null;
    hard: boolean | null;
    action: string;
    reason: Reason;
    diagnostic?: string;
  }[];
  campaign?: string;
  subscriber?: string;
  message_id?: string;
  original_message_id?: string;
  feedback_type?: string;
}

export type MailParser = (raw: Uint8Array) => Promise<ParsedMail>;

/**
 * Why a message stays on the server, remembered per UIDL so it is not fetched again. `deleting`: it was
 * settled (its bounces stored) and deleted, but the server did not confirm the deletion; a later scan
 * that still finds it deletes it again without fetching or counting it a second time.
 */
export type UidStatus = 'failed' | 'stuck' | 'unattributed' | 'kept' | 'deleting';

export interface UidState {
  status: UidStatus;
  attempts: number;
  /** A short reason (the error's message), never message content. */
  note?: string;
}

export interface MailboxStateStore {
  /** Takes the mailbox's lease until `until` unless another scan holds an unexpired one. */
  acquireLease(mailbox: string, owner: string, now: string, until: string): Promise<boolean>;
  releaseLease(mailbox: string, owner: string): Promise<void>;
  states(mailbox: string): Promise<Map<string, UidState>>;
  putState(mailbox: string, uid: string, state: UidState): Promise<void>;
  /** Forgets the states of messages that left the server. */
  prune(mailbox: string, uids: readonly string[]): Promise<void>;
  lastScan(mailbox: string): Promise<string | null>;
  setLastScan(mailbox: string, at: string): Promise<void>;
}
