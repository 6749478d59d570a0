import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Bounce } from '../../core/bounce.js';
import { batchWrite, type WriteRequest } from './batch.js';
import { keys } from './keys.js';

/**
 * Deletes bounces an operator asked to delete. Their event items stay, marked `deleted`, so a
 * provider's late redelivery of the same event is still a duplicate and does not bring it back.
 */
export async function removeBounces(
  db: DynamoDBDocumentClient,
  table: string,
  bounces: Bounce[],
): Promise<void> {
  const requests: WriteRequest[] = [];
  for (const b of bounces) {
    requests.push({ DeleteRequest: { Key: keys.bounce(b) } });
    if (b.event_key) {
      requests.push({
        PutRequest: { Item: { ...keys.event(b.event_key), bounce: JSON.stringify(b), deleted: true } },
      });
    }
  }
  await batchWrite(db, table, requests);
}
