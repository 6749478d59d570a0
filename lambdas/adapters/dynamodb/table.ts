import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The single table's indexes (see README "Data model"). The CDK table construct and the local/test
 * table are both built from these names, so the two cannot drift.
 */
export const INDEX = {
  /** `lk`: `UUID#<uuid>` on subscribers, `ID#<id>` on bounces: one-item lookups. */
  lookup: { name: 'lookup', pk: 'lk' },
  /** Every bounce, by time. */
  all: { name: 'all', pk: 'all_pk', sk: 'ts' },
  campaign: { name: 'by_campaign', pk: 'campaign_pk', sk: 'ts' },
  source: { name: 'by_source', pk: 'source_pk', sk: 'ts' },
  type: { name: 'by_type', pk: 'type_pk', sk: 'ts' },
  /** Outbound events by delivery state (`OUTBOX#pending|failed|done`), due time first (DESIGN §10). */
  outbox: { name: 'outbox', pk: 'ob_pk', sk: 'ob_due' },
} as const;

export const LIST_INDEXES = [INDEX.all, INDEX.campaign, INDEX.source, INDEX.type] as const;

/** The indexes with a sort key: the listing ones and the outbox. */
export const SORTED_INDEXES = [...LIST_INDEXES, INDEX.outbox] as const;

/** CreateTable input for dynalite, DynamoDB Local or an on-demand test table. */
export function createTableInput(tableName: string): CreateTableCommandInput {
  const attributes = new Set<string>(['pk', 'sk', INDEX.lookup.pk, 'ts']);
  for (const index of SORTED_INDEXES) attributes.add(index.pk);
  attributes.add(INDEX.outbox.sk);
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributes].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: INDEX.lookup.name,
        KeySchema: [{ AttributeName: INDEX.lookup.pk, KeyType: 'HASH' }],
        Projection: { ProjectionType: 'ALL' },
      },
      ...SORTED_INDEXES.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.pk, KeyType: 'HASH' as const },
          { AttributeName: index.sk, KeyType: 'RANGE' as const },
        ],
        Projection: { ProjectionType: 'ALL' as const },
      })),
    ],
  };
}
