import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { migrateTable, schemaVersion } from '../../bin/migrate/migrate-table.js';
import { keys } from '../../lambdas/adapters/dynamodb/keys.js';
import type { Bounce } from '../../lambdas/core/bounces/bounce.js';
import { type TestTable, testTable } from '../support/dynamodb.js';

const CAMPAIGN = 'aaaaaaaa-0000-4000-8000-000000000001';

/** A bounce item as the release before sharded list keys wrote it. */
function earlierItem(b: Bounce) {
  const { meta, ...fields } = b;
  return {
    ...keys.bounce(b),
    lk: keys.idLookup(b.id),
    ts: `${b.created_at}#${b.id}`,
    all_pk: 'BOUNCE',
    type_pk: b.type,
    source_pk: b.source,
    ...(b.campaign_uuid ? { campaign_pk: b.campaign_uuid } : {}),
    ...fields,
    meta_json: JSON.stringify(meta),
  };
}

describe('npm run migrate (bounces stored by an earlier release)', () => {
  let table: TestTable;
  const stored: Bounce[] = [];

  beforeAll(async () => {
    table = await testTable();
    for (let i = 0; i < 30; i++) {
      const b: Bounce = {
        id: `01KB${String(i).padStart(22, '0')}`,
        email: `user${i % 4}@example.com`,
        type: i % 3 === 0 ? 'hard' : 'soft',
        reason: 'unknown',
        source: i % 2 ? 'ses' : 'api',
        meta: {},
        created_at: new Date(Date.UTC(2026, 0, 1, i)).toISOString(),
        ...(i % 5 === 0 ? { campaign_uuid: CAMPAIGN } : {}),
      };
      stored.push(b);
      await table.db.send(new PutCommand({ TableName: table.tableName, Item: earlierItem(b) }));
    }
  });

  async function listed(filters: Record<string, string>) {
    const page = await table.bounces.list({ order: 'asc', per_page: 1000, ...filters });
    return page.results.map((b) => b.id);
  }

  it('makes every earlier bounce listable by every filter, and marks the layout version', async () => {
    expect(await schemaVersion(table.db, table.tableName)).toBe(1);
    expect(await listed({})).toEqual([]);

    const report = await migrateTable(table.db, table.tableName, { segments: 3, now: () => new Date() });
    expect(report).toMatchObject({ bounces: 30, updated: 30 });
    expect(await schemaVersion(table.db, table.tableName)).toBe(2);

    expect(await listed({})).toEqual(stored.map((b) => b.id));
    expect(await listed({ source: 'ses', type: 'hard' })).toEqual(
      stored.filter((b) => b.source === 'ses' && b.type === 'hard').map((b) => b.id),
    );
    expect(await listed({ campaign_uuid: CAMPAIGN, type: 'soft' })).toEqual(
      stored.filter((b) => b.campaign_uuid === CAMPAIGN && b.type === 'soft').map((b) => b.id),
    );
    expect(await listed({ type: 'hard' })).toEqual(stored.filter((b) => b.type === 'hard').map((b) => b.id));
  });

  it('changes nothing when run again', async () => {
    const again = await migrateTable(table.db, table.tableName, { now: () => new Date() });
    expect(again).toMatchObject({ bounces: 30, updated: 0 });
  });
});
