import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { InternalError } from '../../core/errors.js';
import { STORAGE_RETRY_DEFAULTS, StorageRetryStrategy } from './storage-retry-strategy.js';

/**
 * A DynamoDB client retrying each call on its own bounded budget (see StorageRetryStrategy), never
 * on a quota shared with other calls. Every DynamoDB client of the service is made here.
 */
export function createDynamoDbClient(config: DynamoDBClientConfig = {}): DynamoDBClient {
  return new DynamoDBClient({
    maxAttempts: STORAGE_RETRY_DEFAULTS.maxAttempts,
    ...config,
    retryStrategy: config.retryStrategy ?? new StorageRetryStrategy(),
  });
}

export function createDocumentClient(config: DynamoDBClientConfig = {}): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(createDynamoDbClient(config), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

export function isConditionFailure(error: unknown): boolean {
  return (error as { name?: string } | null)?.name === 'ConditionalCheckFailedException';
}

/** Runs one storage call, turning SDK failures into the domain's InternalError (retryable by callers). */
export async function storage<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isConditionFailure(error)) throw error;
    throw new InternalError(`storage failed: ${what}`, { cause: error });
  }
}
