import type { Reason } from '../reasons.js';
import type { MailboxSettings } from '../settings.js';

/** One POP3 session, logged in. The adapter owns sockets, TLS and timeouts. */
export interface MailboxSession {
  /** Message numbers and their unique ids (UIDL). */
  uidl(): Promise<{ n: number; uid: string }[]>;
  retr(n: number): Promise<Uint8Array>;
  /** Marks for deletion; the server deletes only at a clean QUIT. */
  dele(n: number): Promise<void>;
  quit(): Promise<void>;
  /** Closes the connection without QUIT: marked deletions are dropped by the server. */
  close(): void;
}

export interface MailboxConnector {
  connect(mailbox: MailboxSettings): Promise<MailboxSession>;
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

/** Why a message stays on the server, remembered per UIDL so it is not fetched again. */
export type UidStatus = 'failed' | 'stuck' | 'unattributed' | 'kept';

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
