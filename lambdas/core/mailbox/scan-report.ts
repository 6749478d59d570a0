/** What one scan did (DESIGN §7), logged and returned by `POST /api/mailboxes/{uuid}/scan`. */
export interface ScanReport {
  mailbox: string;
  /** The scan did not run: another scan holds the mailbox's lease. */
  locked: boolean;
  /** Messages on the server when the scan started. */
  on_server: number;
  fetched: number;
  /** Bounces stored (failed recipients), duplicates of earlier deliveries excluded. */
  recorded: number;
  complaints: number;
  duplicates: number;
  /** Auto-replies, delivered/relayed notices and deferrals (delayed recipients): deleted, not recorded. */
  ignored: number;
  deferred: number;
  /**
   * Messages the server confirmed deleting (POP3 applies deletions at QUIT, and answered +OK to it;
   * IMAP at the end of the scan, confirmed by the server's tagged OK to the EXPUNGE).
   */
  deleted: number;
  /**
   * Processed messages moved to the IMAP mailbox's `move_to` folder instead of deleted, counted once
   * the server confirmed the MOVE (or COPY and EXPUNGE).
   */
  moved: number;
  /**
   * Messages marked for deletion (or a move) whose commit failed (POP3 QUIT without an answer or with
   * -ERR; IMAP SELECT, MOVE or EXPUNGE failed or went unanswered): the server may have removed them or
   * not. They are in neither `deleted` nor `moved`; a later scan removes those still there without
   * counting them again.
   */
  deletions_uncertain: number;
  /** Human mail and mail that fits no rule: left on the server, not fetched again. */
  left: number;
  /** Bounces whose recipient could not be found: left, reported once. */
  unattributed: number;
  /** Messages that failed 3 times: left and skipped from now on. */
  stuck: number;
  /** Messages that failed this time and will be retried. */
  failed: number;
  /** Stopped before max_per_scan to finish inside the function's time. */
  stopped_early: boolean;
  error?: string;
  /** What kind of fault `error` is, for alarms: see `ScanFailure`. */
  failure?: ScanFailure;
}

/**
 * `login`: the server refused the credentials, or the OAuth2 token endpoint refused to issue a token (a
 * settings problem); `connection`: unreachable, TLS, dropped or silent; `protocol`: the server broke
 * POP3 or IMAP, refused a command or has no such folder; `internal`: our side (storage, a bug).
 */
export type ScanFailure = 'login' | 'connection' | 'protocol' | 'internal';

export function emptyReport(mailbox: string): ScanReport {
  return {
    mailbox,
    locked: false,
    on_server: 0,
    fetched: 0,
    recorded: 0,
    complaints: 0,
    duplicates: 0,
    ignored: 0,
    deferred: 0,
    deleted: 0,
    moved: 0,
    deletions_uncertain: 0,
    left: 0,
    unattributed: 0,
    stuck: 0,
    failed: 0,
    stopped_early: false,
  };
}
