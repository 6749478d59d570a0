/**
 * The one error family of the service. Core and adapters throw these; `handlers/http/error-response.ts`
 * is the only place that maps them to HTTP. Messages of 4xx errors are shown to callers, so they name
 * the field and never carry secrets; `InternalError` messages are logged, never shown.
 */
export type ErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_large'
  | 'disabled'
  | 'retry_later'
  | 'internal';

export class BounceError extends Error {
  readonly kind: ErrorKind;
  /** The input field at fault, e.g. `created_at` or `actions.hard.count`. */
  readonly field?: string;

  constructor(kind: ErrorKind, message: string, options?: ErrorOptions & { field?: string }) {
    super(message, options);
    this.name = 'BounceError';
    this.kind = kind;
    this.field = options?.field;
  }
}

export class ValidationError extends BounceError {
  constructor(field: string, message: string, options?: ErrorOptions) {
    super('invalid', `${field}: ${message}`, { ...options, field });
    this.name = 'ValidationError';
  }
}

export class UnauthenticatedError extends BounceError {
  constructor(message = 'missing or invalid credentials') {
    super('unauthenticated', message);
    this.name = 'UnauthenticatedError';
  }
}

export class ForbiddenError extends BounceError {
  constructor(message: string) {
    super('forbidden', message);
    this.name = 'ForbiddenError';
  }
}

export class NotFoundError extends BounceError {
  constructor(message = 'not found') {
    super('not_found', message);
    this.name = 'NotFoundError';
  }
}

export class ConflictError extends BounceError {
  constructor(message: string) {
    super('conflict', message);
    this.name = 'ConflictError';
  }
}

export class PayloadTooLargeError extends BounceError {
  constructor(limitBytes: number) {
    super('too_large', `body is larger than ${limitBytes} bytes`);
    this.name = 'PayloadTooLargeError';
  }
}

export class DisabledError extends BounceError {
  constructor(what: string) {
    super('disabled', `${what} is disabled`);
    this.name = 'DisabledError';
  }
}

/**
 * A temporary failure (something switched off, storage down) answered to a provider whose retries
 * stop on any 5xx (Brevo): 429 is the one answer that makes it deliver again. `cause` is the failure
 * itself, for the logs; the message is shown, so it is the cause's own only when that was written for
 * callers (a DisabledError naming the switch), a generic text otherwise.
 */
export class RetryLaterError extends BounceError {
  constructor(cause: unknown) {
    const shown =
      cause instanceof DisabledError
        ? `${cause.message}; deliver again later`
        : 'temporary failure; deliver the request again later';
    super('retry_later', shown, { cause });
    this.name = 'RetryLaterError';
  }
}

/** Our own fault (storage unavailable, a bug). Callers see a generic message; providers retry. */
export class InternalError extends BounceError {
  constructor(message: string, options?: ErrorOptions) {
    super('internal', message, options);
    this.name = 'InternalError';
  }
}
