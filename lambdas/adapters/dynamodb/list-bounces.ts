import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Bounce, ListedBounce } from '../../core/bounce.js';
import type { BounceQuery } from '../../core/bounce-query.js';
import type { BouncePage } from '../../core/ports.js';
import type { CursorSigner } from '../cursor-signer.js';
import { itemToBounce } from './bounce-item.js';
import { storage } from './client.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { ALL_PK, BOUNCE_PREFIX, HIGH, keys } from './keys.js';
import { INDEX } from './table.js';

/** Filters short pages with a FilterExpression; bound the reads one page may cost. */
const MAX_QUERIES_PER_PAGE = 25;

interface Plan {
  input: Omit<QueryCommandInput, 'Limit' | 'ExclusiveStartKey'>;
  /** The LastEvaluatedKey attributes, with the value fixed by this query where there is one. */
  cursorKeys: Record<string, string | null>;
}

/**
 * Picks the narrowest key for the filters (email, then campaign, source, type, else every bounce),
 * a range on time for from/to, and a FilterExpression for the filters the key does not cover.
 */
export function planQuery(table: string, q: BounceQuery): Plan {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const filters: string[] = [];
  const addFilter = (field: 'campaign_uuid' | 'source' | 'type', value: string | undefined) => {
    if (value === undefined) return;
    names[`#${field}`] = field;
    values[`:${field}`] = value;
    filters.push(`#${field} = :${field}`);
  };

  let index: { name: string; pk: string; sk: string } | undefined;
  let pkValue: string;
  let prefix = '';
  if (q.email) {
    pkValue = keys.subscriber(q.email).pk;
    prefix = BOUNCE_PREFIX;
  } else if (q.campaign_uuid) {
    index = INDEX.campaign;
    pkValue = q.campaign_uuid;
  } else if (q.source) {
    index = INDEX.source;
    pkValue = q.source;
  } else if (q.type) {
    index = INDEX.type;
    pkValue = q.type;
  } else {
    index = INDEX.all;
    pkValue = ALL_PK;
  }
  if (q.email || index !== INDEX.campaign) addFilter('campaign_uuid', q.campaign_uuid);
  if (q.email || (index !== INDEX.campaign && index !== INDEX.source)) addFilter('source', q.source);
  if (index === undefined || index === INDEX.all || index === INDEX.campaign || index === INDEX.source) {
    addFilter('type', q.type);
  }

  const pkName = index?.pk ?? 'pk';
  const skName = index?.sk ?? 'sk';
  names['#pk'] = pkName;
  names['#sk'] = skName;
  values[':pk'] = pkValue;
  values[':lo'] = `${prefix}${q.from ?? ''}`;
  values[':hi'] = `${prefix}${q.to ? `${q.to}#${HIGH}` : HIGH}`;

  const cursorKeys: Record<string, string | null> = index
    ? { pk: null, sk: null, [index.pk]: pkValue, [index.sk]: null }
    : { pk: pkValue, sk: null };
  return {
    input: {
      TableName: table,
      ...(index ? { IndexName: index.name } : { ConsistentRead: true }),
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :lo AND :hi',
      ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ScanIndexForward: q.order === 'asc',
    },
    cursorKeys,
  };
}

export async function listBounces(
  db: DynamoDBDocumentClient,
  table: string,
  cursors: CursorSigner,
  q: BounceQuery,
  addStatus: (bounces: Bounce[]) => Promise<ListedBounce[]>,
): Promise<BouncePage> {
  const plan = planQuery(table, q);
  let start: Record<string, unknown> | undefined = q.cursor
    ? await decodeCursor(cursors, q, q.cursor, plan.cursorKeys)
    : undefined;
  const found: Bounce[] = [];
  // Limit counts items read before the filter, so asking for what is missing never overshoots the
  // page, and the last key read is exactly where the next page starts.
  for (let i = 0; i < MAX_QUERIES_PER_PAGE && found.length < q.per_page; i++) {
    const res = await storage('list bounces', () =>
      db.send(
        new QueryCommand({ ...plan.input, Limit: q.per_page - found.length, ExclusiveStartKey: start }),
      ),
    );
    for (const item of res.Items ?? []) found.push(itemToBounce(item));
    start = res.LastEvaluatedKey;
    if (!start) break;
  }
  return {
    results: await addStatus(found),
    next_cursor: start ? await encodeCursor(cursors, q, start as Record<string, string>) : null,
  };
}
