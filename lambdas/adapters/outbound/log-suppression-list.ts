import type { SuppressionList } from '../../core/outbound/ports.js';

export interface SuppressionLogger {
  info(message: string, extra: Record<string, unknown>): void;
}

/** `npm start` has no SES account: the calls it would make are logged (and kept, for tests). */
export class LogSuppressionList implements SuppressionList {
  readonly suppressed = new Map<string, 'BOUNCE' | 'COMPLAINT'>();

  constructor(private readonly logger: SuppressionLogger) {}

  async put(email: string, reason: 'BOUNCE' | 'COMPLAINT'): Promise<void> {
    this.suppressed.set(email, reason);
    this.logger.info('SES PutSuppressedDestination (local: not sent)', { reason });
  }

  async remove(email: string): Promise<void> {
    this.suppressed.delete(email);
    this.logger.info('SES DeleteSuppressedDestination (local: not sent)', {});
  }
}
