import { MailboxError } from '../../core/mailbox/mailbox-error.js';

/**
 * The moment an IMAP session's time runs out (the scan's `SessionLimits`): then the connection is
 * closed and whatever was awaited rejects with code `timeout`, whatever imapflow's own, longer
 * timeouts would allow. imapflow has no per-command deadline, so every awaited step races this one.
 */
export class SessionDeadline {
  private expired = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly expiry: Promise<never> | undefined;

  /** `at` in epoch ms (none: no deadline); `onExpire` ends the connection. */
  constructor(
    private readonly at: number | undefined,
    onExpire: () => void,
  ) {
    if (at === undefined) return;
    this.expiry = new Promise<never>((_, reject) => {
      this.timer = setTimeout(
        () => {
          this.expired = true;
          onExpire();
          reject(new Error('expired'));
        },
        Math.max(0, at - Date.now()),
      );
    });
    // Only `run` reports the expiry, to whoever awaits a step then.
    this.expiry.catch(() => undefined);
  }

  /** Milliseconds left (Infinity without a deadline), never negative. */
  left(): number {
    return this.at === undefined ? Number.POSITIVE_INFINITY : Math.max(0, this.at - Date.now());
  }

  /** `step` unless the deadline passes first (or passed during it): then a `timeout` error naming `what`. */
  async run<T>(step: Promise<T>, what: string): Promise<T> {
    if (!this.expiry) return step;
    try {
      return await Promise.race([step, this.expiry]);
    } catch (error) {
      if (this.expired) throw this.error(what);
      throw error;
    }
  }

  error(what: string): MailboxError {
    return new MailboxError(null, `the scan's time ran out ${what}`, { code: 'timeout' });
  }

  /** Ends the timer once the session is over. */
  stop(): void {
    clearTimeout(this.timer);
  }
}
