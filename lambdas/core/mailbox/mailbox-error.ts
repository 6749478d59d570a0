import { BounceError } from '../errors.js';
import type { MailboxErrorCode } from './ports.js';

/** Where signing in to a mailbox can fail, in order; the connection test names the failing one. */
export const MAILBOX_STAGES = ['dns', 'connect', 'tls', 'greeting', 'token', 'auth', 'folder'] as const;
export type MailboxStage = (typeof MAILBOX_STAGES)[number];

/**
 * A mailbox problem that says where it happened, and when known why (`code`, as the POP3 adapter's
 * errors say it: `timeout` when the scan's time ran out, `connection`, `server`...). Kind `internal`:
 * it is ours to log and report, never an HTTP caller's fault. Messages never carry a password or a
 * token.
 */
export class MailboxError extends BounceError {
  readonly stage: MailboxStage | null;
  readonly code?: MailboxErrorCode;

  constructor(
    stage: MailboxStage | null,
    message: string,
    options?: ErrorOptions & { code?: MailboxErrorCode },
  ) {
    super('internal', message, options);
    this.name = 'MailboxError';
    this.stage = stage;
    if (options?.code) this.code = options.code;
  }
}

/** The stage an error carries (a MailboxError, or an adapter's error with a `stage`), if any. */
export function stageOf(error: unknown): MailboxStage | null {
  const stage = (error as { stage?: unknown } | null)?.stage;
  return (MAILBOX_STAGES as readonly unknown[]).includes(stage) ? (stage as MailboxStage) : null;
}
