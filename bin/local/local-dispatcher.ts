import type { DispatchReport } from '../../lambdas/core/outbound/dispatcher.js';

export interface DispatchLogger {
  error(message: string, extra: Record<string, unknown>): void;
}

/**
 * The dispatcher under `npm start`: woken in-process right after an event is written (the first
 * attempt starts within moments of the webhook's 200), and a sweep every `sweepMs` (at most 30 s) for
 * retries. Runs never overlap; a wake during a run makes one more run.
 */
export class LocalDispatcher {
  private running = false;
  private again = false;
  private timer?: NodeJS.Timeout;
  private run?: () => Promise<DispatchReport>;
  private idle: Promise<void> = Promise.resolve();

  constructor(
    private readonly log: DispatchLogger,
    private readonly sweepMs = 15_000,
  ) {}

  start(run: () => Promise<DispatchReport>): void {
    this.run = run;
    if (this.sweepMs > 0) {
      this.timer = setInterval(() => this.wake(), this.sweepMs);
      this.timer.unref();
    }
    this.wake();
  }

  readonly wake = (): void => {
    if (!this.run) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.idle = this.loop();
  };

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.run?.();
      } catch (error) {
        this.log.error('outbound dispatch failed', { error });
      }
    } while (this.again);
    this.running = false;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.run = undefined;
    await this.idle;
  }
}
