import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Bounce } from '../../core/bounces/bounce.js';
import { claimsOwnKey } from '../../core/bounces/bounce-id.js';
import { batchWrite, type WriteRequest } from './batch.js';
import { deletedBounceItem } from './bounce-item.js';
import { keys } from './keys.js';

/**
 * Deletes bounces an operator asked to delete, keeping their event keys claimed so a provider's late
 * redelivery of the same event is still a duplicate and does not bring them back: a bounce that is its
 * own claim leaves a deleted marker in its place (in no index), one claimed by an event item is
 * removed and its event item marked `deleted`.
 */
export async function removeBounces(
  db: DynamoDBDocumentClient,
  table: string,
  bounces: Bounce[],
): Promise<void> {
  const requests: WriteRequest[] = [];
  for (const b of bounces) {
    if (claimsOwnKey(b)) {
      requests.push({ PutRequest: { Item: deletedBounceItem(b) } });
      continue;
    }
    requests.push({ DeleteRequest: { Key: keys.bounce(b) } });
    if (b.event_key) {
      requests.push({
        PutRequest: { Item: { ...keys.event(b.event_key), bounce: JSON.stringify(b), deleted: true } },
      });
    }
  }
  await batchWrite(db, table, requests);
}
