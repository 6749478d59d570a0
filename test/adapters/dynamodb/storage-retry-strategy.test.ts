import { describe, expect, it } from 'vitest';
import { createDocumentClient, createDynamoDbClient } from '../../../lambdas/adapters/dynamodb/client.js';
import {
  STORAGE_RETRY_DEFAULTS,
  StorageRetryStrategy,
  type StorageRetryToken,
} from '../../../lambdas/adapters/dynamodb/storage-retry-strategy.js';

type ErrorType = 'TRANSIENT' | 'THROTTLING' | 'SERVER_ERROR' | 'CLIENT_ERROR';

/** Fails one call `failures` times; returns how many retries the strategy granted and their waits. */
async function failCall(
  strategy: StorageRetryStrategy,
  failures: number,
  errorType: ErrorType = 'TRANSIENT',
) {
  let token: StorageRetryToken = await strategy.acquireInitialRetryToken('');
  const delays: number[] = [];
  for (let i = 0; i < failures; i++) {
    try {
      token = await strategy.refreshRetryTokenForRetry(token, { errorType });
    } catch {
      return { retries: delays.length, delays, gaveUp: true };
    }
    delays.push(token.getRetryDelay());
  }
  strategy.recordSuccess(token);
  return { retries: delays.length, delays, gaveUp: false };
}

describe('StorageRetryStrategy', () => {
  it('grants every call its full attempts however many calls failed before (no shared quota)', async () => {
    const strategy = new StorageRetryStrategy();
    const budget = STORAGE_RETRY_DEFAULTS.maxAttempts - 1;
    for (let call = 0; call < 1_000; call++) {
      // Every call fails all its attempts: the SDK's standard quota is empty after about 35 retries.
      const { retries } = await failCall(strategy, budget + 1, call % 2 ? 'THROTTLING' : 'TRANSIENT');
      expect(retries).toBe(budget);
    }
  });

  it('stops a call after its own attempts are used up', async () => {
    const result = await failCall(new StorageRetryStrategy({ maxAttempts: 3 }), 10);
    expect(result).toMatchObject({ retries: 2, gaveUp: true });
  });

  it.each(['CLIENT_ERROR', 'SERVER_ERROR'] as const)('does not retry a %s', async (errorType) => {
    const result = await failCall(new StorageRetryStrategy(), 1, errorType);
    expect(result).toMatchObject({ retries: 0, gaveUp: true });
  });

  it('waits a random share of an exponential ceiling (full jitter), capped, longer when throttled', async () => {
    const top = new StorageRetryStrategy({ random: () => 0.999999 });
    const bottom = new StorageRetryStrategy({ random: () => 0 });
    const { baseDelayMs, throttlingBaseDelayMs, maxDelayMs, maxAttempts } = STORAGE_RETRY_DEFAULTS;
    const ceilings = (base: number) =>
      Array.from({ length: maxAttempts - 1 }, (_, n) => Math.min(maxDelayMs, base * 2 ** n) - 1);
    expect((await failCall(top, maxAttempts - 1)).delays).toEqual(ceilings(baseDelayMs));
    expect((await failCall(top, maxAttempts - 1, 'THROTTLING')).delays).toEqual(
      ceilings(throttlingBaseDelayMs),
    );
    expect((await failCall(bottom, maxAttempts - 1)).delays.every((d) => d === 0)).toBe(true);
  });

  it('is what every DynamoDB client the service makes retries with', async () => {
    const raw = createDynamoDbClient({ region: 'local' });
    const doc = createDocumentClient({ region: 'local' });
    try {
      expect(await raw.config.retryStrategy()).toBeInstanceOf(StorageRetryStrategy);
      expect(await doc.config.retryStrategy()).toBeInstanceOf(StorageRetryStrategy);
    } finally {
      raw.destroy();
      doc.destroy();
    }
  });
});
