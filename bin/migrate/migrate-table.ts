import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { type Item, listAttributes } from '../../lambdas/adapters/dynamodb/bounce-item.js';
import { isConditionFailure } from '../../lambdas/adapters/dynamodb/client.js';
import { BOUNCE_PREFIX, keys, SCHEMA_VERSION } from '../../lambdas/adapters/dynamodb/keys.js';
import type { Bounce } from '../../lambdas/core/bounces/bounce.js';

const LIST_FIELDS = ['all_pk', 'type_pk', 'source_pk', 'campaign_pk'] as const;
/** Updates in flight per scan segment: enough to keep a segment busy, few enough not to throttle. */
const UPDATES_IN_FLIGHT = 16;

export interface MigrationReport {
  /** Bounce items read. */
  bounces: number;
  /** Bounce items whose list keys were rewritten. */
  updated: number;
  /** Deleted meanwhile (or deleted markers): left as they are. */
  skipped: number;
}

/** The layout version the table says it has (1 for a table that predates the marker). */
export async function schemaVersion(db: DynamoDBDocumentClient, table: string): Promise<number> {
  const res = await db.send(new GetCommand({ TableName: table, Key: keys.schema(), ConsistentRead: true }));
  return typeof res.Item?.version === 'number' ? res.Item.version : 1;
}

export async function markSchema(db: DynamoDBDocumentClient, table: string, at: string): Promise<void> {
  await db.send(
    new PutCommand({ TableName: table, Item: { ...keys.schema(), version: SCHEMA_VERSION, updated_at: at } }),
  );
}

/** The list-key attributes an item should carry, or null when it already carries them. */
function wanted(item: Item): Item | null {
  const target = listAttributes(item as unknown as Pick<Bounce, 'id' | 'type' | 'source' | 'campaign_uuid'>);
  const same = LIST_FIELDS.every((field) => item[field] === target[field]);
  return same ? null : target;
}

async function rewrite(
  db: DynamoDBDocumentClient,
  table: string,
  item: Item,
  target: Item,
): Promise<boolean> {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets: string[] = [];
  const removes: string[] = [];
  for (const field of LIST_FIELDS) {
    names[`#${field}`] = field;
    if (target[field] === undefined) removes.push(`#${field}`);
    else {
      values[`:${field}`] = target[field];
      sets.push(`#${field} = :${field}`);
    }
  }
  try {
    await db.send(
      new UpdateCommand({
        TableName: table,
        Key: { pk: item.pk, sk: item.sk },
        UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
        // Never bring back a bounce deleted since the scan read it, nor index a deleted marker.
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(deleted)',
        ExpressionAttributeNames: names,
        ...(sets.length ? { ExpressionAttributeValues: values } : {}),
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

async function migrateSegment(
  db: DynamoDBDocumentClient,
  table: string,
  segment: number,
  segments: number,
  report: MigrationReport,
  onPage: () => void,
): Promise<void> {
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: table,
        Segment: segment,
        TotalSegments: segments,
        FilterExpression: 'begins_with(sk, :bounce)',
        ProjectionExpression:
          'pk, sk, id, #type, #source, campaign_uuid, deleted, all_pk, type_pk, source_pk, campaign_pk',
        ExpressionAttributeNames: { '#type': 'type', '#source': 'source' },
        ExpressionAttributeValues: { ':bounce': BOUNCE_PREFIX },
        ExclusiveStartKey: start,
      }),
    );
    const todo: { item: Item; target: Item }[] = [];
    for (const item of page.Items ?? []) {
      report.bounces++;
      const target = item.deleted === true ? null : wanted(item);
      if (target) todo.push({ item, target });
      else if (item.deleted === true) report.skipped++;
    }
    for (let i = 0; i < todo.length; i += UPDATES_IN_FLIGHT) {
      const done = await Promise.all(
        todo.slice(i, i + UPDATES_IN_FLIGHT).map(({ item, target }) => rewrite(db, table, item, target)),
      );
      for (const ok of done) ok ? report.updated++ : report.skipped++;
    }
    onPage();
    start = page.LastEvaluatedKey;
  } while (start);
}

/**
 * Brings stored bounces to the current layout of list keys (sharded, with the type in the source and
 * campaign keys): a parallel Scan of the table, one conditional update per bounce that needs it.
 * Bounces written by the new code already carry the keys, so it can run while the service records;
 * it is idempotent and can be run again after an interruption. Marks the table's schema version last.
 */
export async function migrateTable(
  db: DynamoDBDocumentClient,
  table: string,
  options: { segments?: number; now: () => Date; onProgress?: (report: MigrationReport) => void },
): Promise<MigrationReport> {
  const segments = options.segments ?? 4;
  const report: MigrationReport = { bounces: 0, updated: 0, skipped: 0 };
  const progress = () => options.onProgress?.({ ...report });
  await Promise.all(
    Array.from({ length: segments }, (_, segment) =>
      migrateSegment(db, table, segment, segments, report, progress),
    ),
  );
  await markSchema(db, table, options.now().toISOString());
  return report;
}
