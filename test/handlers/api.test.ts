import { beforeAll, describe, expect, it } from 'vitest';
import { CursorSigner } from '../../lambdas/adapters/cursor-signer.js';
import { DynamoDbMailboxState } from '../../lambdas/adapters/dynamodb/dynamodb-mailbox-state.js';
import { MemorySecretStore } from '../../lambdas/adapters/memory-secret-store.js';
import { queryFingerprint } from '../../lambdas/core/bounces/bounce-query.js';
import { parseBounce } from '../../lambdas/core/mail/parse-bounce.js';
import { effectiveSettings } from '../../lambdas/core/settings/settings.js';
import { createApiHandler } from '../../lambdas/handlers/api.js';
import { errorResponse } from '../../lambdas/handlers/http/error-response.js';
import type { HttpHandler } from '../../lambdas/handlers/http/types.js';
import { recordDepsOver, type TestTable, testTable } from '../support/dynamodb.js';
import { apiEvent, type EventOptions } from '../support/events.js';
import { silentLogger } from '../support/fakes.js';

describe('API function: bounces', () => {
  let table: TestTable;
  let handle: HttpHandler;
  let storedId: string;

  beforeAll(async () => {
    table = await testTable();
    const raw = createApiHandler({
      record: recordDepsOver(table),
      settings: {
        get: async () => effectiveSettings({}, undefined),
        current: async () => ({
          settings: effectiveSettings({}, undefined),
          version: 0,
          managed: { ses: { topic_arns: [] } },
        }),
        save: async () => {
          throw new Error('not used');
        },
      },
      mailboxes: {
        connector: { open: async () => Promise.reject(new Error('unused')) },
        parse: parseBounce,
        state: new DynamoDbMailboxState(table.db, table.tableName),
      },
      authMode: 'basic',
    });
    handle = (event) => raw(event).catch((error) => errorResponse(error, silentLogger));
    storedId = '01JD0000000000000000000001';
    await table.bounces.put({
      id: storedId,
      email: 'ann@example.com',
      type: 'soft',
      reason: 'mailbox_full',
      source: 'api',
      meta: {},
      created_at: '2026-11-01T00:00:00.000Z',
    });
  });

  async function call(options: EventOptions) {
    const res = await handle(apiEvent(options));
    return { status: res.statusCode, body: JSON.parse(res.body) };
  }

  it('lists bounces as {data: {results, per_page, next_cursor}}', async () => {
    const { status, body } = await call({ resource: '/api/bounces', query: { per_page: '5' } });
    expect(status).toBe(200);
    expect(body).toEqual({
      data: {
        results: [expect.objectContaining({ id: storedId, reason: 'mailbox_full' })],
        per_page: 5,
        next_cursor: null,
      },
    });
  });

  it.each([
    [{ per_page: 'all' }, /^per_page: .*cursor/],
    [{ per_page: '1001' }, /^per_page/],
    [{ per_page: '-1' }, /^per_page/],
    [{ order: 'sideways' }, /^order/],
    [{ type: 'bouncy' }, /^type/],
    [{ from: 'last week' }, /^from/],
    [{ campaign_uuid: 'x' }, /^campaign_uuid/],
    [{ email: 'nobody' }, /^email/],
    [{ order_by: 'campaign_name' }, /^order_by: is not a known parameter/],
    [{ source: ['a', 'b'] }, /^source: must be given once/],
    [{ cursor: 'AAAA' }, /^cursor/],
    [{ source: 'x'.repeat(5000) }, /^source/],
  ])('answers %j with a 400 naming the parameter', async (query, pattern) => {
    const { status, body } = await call({ resource: '/api/bounces', query });
    expect(status).toBe(400);
    expect(body.message).toMatch(pattern);
  });

  it('answers a cursor whose start key DynamoDB would refuse (sort key over 1,024 bytes) with a 400 naming cursor', async () => {
    // Sealed with the service's own key: what a leaked key or a bug could produce, and no 500 either way.
    const query = { order: 'desc' as const, per_page: 20 };
    const long = 'x'.repeat(1_100);
    const cursor = await table.cursors.seal({
      q: queryFingerprint(query),
      k: { pk: 'SUB#ann@example.com', sk: `B#${long}`, all_pk: 'BOUNCE', ts: long },
    });
    const { status, body } = await call({ resource: '/api/bounces', query: { cursor } });
    expect(status).toBe(400);
    expect(body.message).toMatch(/^cursor: /);
  });

  it('answers a cursor sealed under another key (another deployment, or forged) with a 400 naming cursor', async () => {
    const page = await call({ resource: '/api/bounces', query: { per_page: '1' } });
    const foreign = new CursorSigner(new MemorySecretStore());
    const cursor = await foreign.seal({ q: queryFingerprint({ order: 'desc', per_page: 1 }), k: {} });
    const { status, body } = await call({ resource: '/api/bounces', query: { cursor } });
    expect(page.status).toBe(200);
    expect(status).toBe(400);
    expect(body.message).toMatch(/^cursor: /);
  });

  it('gets one bounce by id', async () => {
    const { status, body } = await call({ resource: '/api/bounces/{id}', pathParameters: { id: storedId } });
    expect(status).toBe(200);
    expect(body.data).toMatchObject({ id: storedId, email: 'ann@example.com', subscriber_status: null });
  });

  it('answers 404 for an absent bounce id and 400 for a malformed one', async () => {
    const absent = await call({
      resource: '/api/bounces/{id}',
      pathParameters: { id: '01JD0000000000000000000999' },
    });
    expect(absent.status).toBe(404);
    const malformed = await call({ resource: '/api/bounces/{id}', pathParameters: { id: 'abc' } });
    expect(malformed.status).toBe(400);
  });

  it('answers 403 to a user without bounces:get and 401 without a user', async () => {
    expect((await call({ resource: '/api/bounces', permissions: ['webhooks:post_bounce'] })).status).toBe(
      403,
    );
    expect((await call({ resource: '/api/bounces', permissions: null })).status).toBe(401);
  });

  it('answers 404 for a route the function does not serve', async () => {
    expect((await call({ resource: '/api/elsewhere' })).status).toBe(404);
  });
});
