import { BounceError, type ErrorKind } from '../../core/errors.js';
import { message } from './responses.js';
import type { HttpResult } from './types.js';

const STATUS: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  disabled: 503,
  retry_later: 429,
  internal: 500,
};

export interface ErrorLogger {
  error(message: string, extra: Record<string, unknown>): void;
  warn(message: string, extra: Record<string, unknown>): void;
}

/**
 * The one place errors become HTTP. Our 4xx messages are written for callers; anything else is a 500
 * with a generic text, its details in the log only. 503 and 429 (a temporary failure answered to a
 * provider that retries only on 429) carry `Retry-After`.
 */
export function errorResponse(error: unknown, logger: ErrorLogger): HttpResult {
  if (error instanceof BounceError && error.kind !== 'internal') {
    const status = STATUS[error.kind];
    const headers: Record<string, string> =
      status === 401 ? { 'WWW-Authenticate': 'Basic realm="stmails", charset="UTF-8"' } : {};
    if (status === 503 || status === 429) headers['Retry-After'] = '60';
    // A 429 stands for a 503 or a 500: a fault of ours is logged as loudly as its 500 would be.
    if (
      error.kind === 'retry_later' &&
      !(error.cause instanceof BounceError && error.cause.kind === 'disabled')
    )
      logger.error('request failed', { error: error.cause });
    return message(status, error.message, headers);
  }
  logger.error('request failed', { error });
  return message(500, 'internal error; the request was not completed and may be retried');
}
