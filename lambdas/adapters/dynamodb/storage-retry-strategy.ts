export interface StorageRetryOptions {
  /** Attempts per call, the first included. */
  maxAttempts?: number;
  /** The backoff's base for errors and dropped connections, in ms. */
  baseDelayMs?: number;
  /** The backoff's base when DynamoDB throttles, in ms: throttling lasts longer than a blip. */
  throttlingBaseDelayMs?: number;
  /** No wait is longer than this, in ms. */
  maxDelayMs?: number;
  /** 0 <= x < 1; a test may pass a fixed one. */
  random?: () => number;
}

/** What the SDK's retry middleware hands over after a failed attempt (its RetryErrorInfo). */
interface RetryErrorInfo {
  errorType: 'TRANSIENT' | 'THROTTLING' | 'SERVER_ERROR' | 'CLIENT_ERROR';
  retryAfterHint?: Date;
}

/** The SDK's retry token: the middleware reads the count and waits `delay` before the next attempt. */
export class StorageRetryToken {
  constructor(
    private readonly count: number,
    private readonly delay: number,
  ) {}
  getRetryCount(): number {
    return this.count;
  }
  getRetryDelay(): number {
    return this.delay;
  }
}

export const STORAGE_RETRY_DEFAULTS = {
  maxAttempts: 8,
  baseDelayMs: 20,
  throttlingBaseDelayMs: 50,
  maxDelayMs: 1_000,
} as const;

/**
 * The DynamoDB clients' retry strategy (the SDK's RetryStrategyV2): every call gets its own bounded
 * number of attempts with exponential backoff and full jitter, and nothing else decides. The SDK's
 * standard strategy also draws each retry from a quota shared by the whole client (a token bucket
 * that only successes refill); under a sustained fault it empties within a few hundred failures and
 * from then on calls fail at their first error, so most bounces were refused however often callers
 * retried. Here a call is refused only when its own attempts are used up. Worst case per call with
 * the defaults: 7 waits, at most 3.6 s together (throttling), 2.3 s otherwise.
 */
export class StorageRetryStrategy {
  readonly mode = 'standard';
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly throttlingBaseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly random: () => number;

  constructor(options: StorageRetryOptions = {}) {
    this.maxAttempts = options.maxAttempts ?? STORAGE_RETRY_DEFAULTS.maxAttempts;
    this.baseDelayMs = options.baseDelayMs ?? STORAGE_RETRY_DEFAULTS.baseDelayMs;
    this.throttlingBaseDelayMs =
      options.throttlingBaseDelayMs ?? STORAGE_RETRY_DEFAULTS.throttlingBaseDelayMs;
    this.maxDelayMs = options.maxDelayMs ?? STORAGE_RETRY_DEFAULTS.maxDelayMs;
    this.random = options.random ?? Math.random;
  }

  async acquireInitialRetryToken(_scope: string): Promise<StorageRetryToken> {
    return new StorageRetryToken(0, 0);
  }

  /** The next attempt's token, or a throw (the SDK then surfaces the call's last error). */
  async refreshRetryTokenForRetry(
    token: StorageRetryToken,
    error: RetryErrorInfo,
  ): Promise<StorageRetryToken> {
    const retries = token.getRetryCount();
    // CLIENT_ERROR covers validation and failed conditions (retrying cannot help); SERVER_ERROR is a
    // 5xx the SDK does not call transient (501, 505...), which a retry does not fix either.
    const retryable = error.errorType === 'TRANSIENT' || error.errorType === 'THROTTLING';
    if (!retryable || retries + 1 >= this.maxAttempts)
      throw new Error('no retry: attempts used up or error not retryable');
    const base = error.errorType === 'THROTTLING' ? this.throttlingBaseDelayMs : this.baseDelayMs;
    const ceiling = Math.min(this.maxDelayMs, base * 2 ** retries);
    let delay = Math.floor(this.random() * ceiling);
    const hinted = error.retryAfterHint ? error.retryAfterHint.getTime() - Date.now() : 0;
    if (hinted > delay) delay = Math.min(hinted, this.maxDelayMs);
    return new StorageRetryToken(retries + 1, delay);
  }

  recordSuccess(_token: StorageRetryToken): void {
    // Nothing shared to refill: each call's budget is its own.
  }
}
