import type { Clock, EventPublisher, OutboundEvent } from '../../lambdas/core/ports.js';

export class FakeClock implements Clock {
  constructor(private current = new Date('2026-11-29T10:00:00.000Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** Keeps published events; `failNext` makes the next publish throw, as a crash would stop it. */
export class RecordingPublisher implements EventPublisher {
  readonly events: OutboundEvent[] = [];
  failNext = 0;
  async publish(event: OutboundEvent): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('publisher down');
    }
    this.events.push(event);
  }
}

export const silentLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
};
