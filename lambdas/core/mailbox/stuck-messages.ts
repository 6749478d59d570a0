import { NotFoundError, ValidationError } from '../errors.js';
import type { MailboxStateStore } from './ports.js';

/** A message skipped after failing 3 times, as the state remembers it. */
export interface StuckMessage {
  uid: string;
  attempts: number;
  /** Why its last attempt failed (the error's message, never message content). */
  note?: string;
}

/** RFC 1939 §7: a unique-id is 1 to 70 characters in the range 0x21 to 0x7E. */
const UIDL = /^[\x21-\x7e]{1,70}$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: a folder name never has one
const CONTROL = /[\x00-\x1f\x7f]/;

/** An IMAP message's state key: its folder (as in the settings), UIDVALIDITY and UID. */
function isImapKey(uid: string): boolean {
  const parts = uid.split(':');
  if (parts.length < 3) return false;
  const id = parts.pop() as string;
  const validity = parts.pop() as string;
  const folder = parts.join(':');
  return (
    /^\d{1,10}$/.test(id) &&
    /^\d{1,20}$/.test(validity) &&
    folder.length > 0 &&
    folder.length <= 1000 &&
    !CONTROL.test(folder)
  );
}

/** The message named by the `uid` parameter: a POP3 UIDL, or an IMAP `folder:UIDVALIDITY:UID`. */
export function checkUid(uid: string): string {
  if (!UIDL.test(uid) && !isImapKey(uid))
    throw new ValidationError(
      'uid',
      'must be a POP3 unique-id (1 to 70 printable characters) or an IMAP folder:UIDVALIDITY:UID',
    );
  return uid;
}

/** The mailbox's stuck messages, in the order of their state keys (UIDL, or folder:UIDVALIDITY:UID). */
export async function stuckMessages(state: MailboxStateStore, mailbox: string): Promise<StuckMessage[]> {
  const out: StuckMessage[] = [];
  for (const [uid, s] of await state.states(mailbox)) {
    if (s.status === 'stuck') out.push({ uid, attempts: s.attempts, ...(s.note ? { note: s.note } : {}) });
  }
  return out;
}

/**
 * Releases stuck messages for another try: their state is forgotten, so the next scan fetches them as
 * if new, with 3 attempts again (an operator releases after fixing the cause, e.g. a parser or storage
 * fault). `uid` releases that message only, and is a 404 unless it is stuck.
 */
export async function releaseStuck(
  state: MailboxStateStore,
  mailbox: string,
  uid?: string,
): Promise<string[]> {
  const stuck = (await stuckMessages(state, mailbox)).map((m) => m.uid);
  const release = uid === undefined ? stuck : stuck.filter((u) => u === uid);
  if (uid !== undefined && release.length === 0) {
    throw new NotFoundError(`mailbox ${mailbox} has no stuck message with uid ${uid}`);
  }
  if (release.length > 0) await state.prune(mailbox, release);
  return release;
}
