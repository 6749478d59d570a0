import { BounceError } from '../../core/errors.js';
import type { MailboxStage } from '../../core/mailbox/mailbox-error.js';

/**
 * Why a POP3 session failed. The scanner treats them differently: `auth` is a settings problem to
 * report, `server` is one refused command (the session stays usable), the rest end the session.
 */
export type Pop3ErrorCode = 'auth' | 'server' | 'timeout' | 'protocol' | 'connection' | 'tls';

/**
 * A failed POP3 exchange. Kind `internal`: a mailbox problem is ours to log and retry, never shown to
 * an HTTP caller. Messages and fields never carry the password (PASS arguments are not kept).
 */
export class Pop3Error extends BounceError {
  readonly code: Pop3ErrorCode;
  /** The command verb that failed (`RETR`, `PASS`, ...), without its arguments. */
  readonly command?: string;
  /** The server's `-ERR` text, if the server answered. */
  readonly serverText?: string;
  /** An RFC 2449 / RFC 3206 response code such as `AUTH`, `IN-USE` or `SYS/TEMP`. */
  readonly responseCode?: string;
  /** Where signing in failed, set by the mailbox client for the connection test. */
  stage?: MailboxStage;

  constructor(
    code: Pop3ErrorCode,
    message: string,
    options?: ErrorOptions & { command?: string; serverText?: string; responseCode?: string },
  ) {
    super('internal', message, options);
    this.name = 'Pop3Error';
    this.code = code;
    this.command = options?.command;
    this.serverText = options?.serverText;
    this.responseCode = options?.responseCode;
  }
}
