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
  deleted: number;
  /** Processed messages moved to the IMAP mailbox's `move_to` folder instead of deleted. */
  moved: number;
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
}

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
    left: 0,
    unattributed: 0,
    stuck: 0,
    failed: 0,
    stopped_early: false,
  };
}
