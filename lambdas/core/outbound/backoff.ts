import type { DeliveryOutcome } from './ports.js';

/** Delays after the 1st..7th failed attempt (~27.6 h in all); the 8th failure is a dead letter. */
export const BACKOFF_MS = [
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  10 * 3_600_000,
] as const;
export const MAX_ATTEMPTS = BACKOFF_MS.length + 1;

/** The delay before the next attempt after `attempts` failed ones, or null when none is left. */
export function nextDelayMs(attempts: number): number | null {
  return attempts >= 1 && attempts <= BACKOFF_MS.length ? (BACKOFF_MS[attempts - 1] as number) : null;
}

/** An HTTP answer as an outcome: 2xx delivered; 408, 429 and 5xx retried; any other status is final. */
export function outcomeOfStatus(status: number, what: string, body = ''): DeliveryOutcome {
  if (status >= 200 && status < 300) return { kind: 'delivered' };
  const detail = `${what} answered ${status}${body ? `: ${body.slice(0, 200)}` : ''}`;
  if (status === 408 || status === 429 || status >= 500) return { kind: 'retry', error: detail };
  if (status >= 300 && status < 400)
    return { kind: 'final', error: `${detail} (redirects are not followed)` };
  return { kind: 'final', error: detail };
}
