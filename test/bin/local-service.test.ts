import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { ensureTable, localClientConfig } from '../../bin/local/local-dynamodb.js';
import { type LocalService, startLocalService } from '../../bin/local/local-service.js';

const CAMPAIGN = '9f86b50d-5711-41c8-ab03-bc91c43d711b';
const SEED_BODY = `{"email": "user1@mail.com", "campaign_uuid": "${CAMPAIGN}", "source": "api", "type": "hard", "meta": "{\\"additional\\": \\"info\\"}"}`;
const quiet = new Logger({ serviceName: 'test', logLevel: 'SILENT' });

function basic(user: string, token: string): string {
  return `Basic ${Buffer.from(`${user}:${token}`).toString('base64')}`;
}

describe('local service (npm start)', () => {
  const started: LocalService[] = [];
  const dirs: string[] = [];

  async function start(options: Parameters<typeof startLocalService>[0] = {}) {
    const service = await startLocalService({ port: 0, logger: quiet, ...options });
    started.push(service);
    return service;
  }

  afterEach(async () => {
    for (const s of started.splice(0)) await s.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  async function postSeed(service: LocalService, auth = basic(service.user.name, service.user.token)) {
    return fetch(`${service.url}/webhooks/bounce`, {
      method: 'POST',
      headers: { Authorization: auth, 'Content-Type': 'application/json' },
      body: SEED_BODY,
    });
  }

  it("serves the seed's curl examples: the webhook stores the bounce and the list shows it", async () => {
    const service = await start();
    const posted = await postSeed(service);
    expect(posted.status).toBe(200);
    const { data } = (await posted.json()) as { data: { id: string } };

    const listed = await fetch(`${service.url}/api/bounces`, {
      headers: { Authorization: basic(service.user.name, service.user.token) },
    });
    expect(listed.status).toBe(200);
    const body = (await listed.json()) as { data: { results: unknown[] } };
    expect(body.data.results).toEqual([
      expect.objectContaining({
        id: data.id,
        email: 'user1@mail.com',
        subscriber_uuid: null,
        subscriber_status: 'blocklisted',
        campaign_uuid: CAMPAIGN,
        source: 'api',
        type: 'hard',
        meta: { additional: 'info' },
        created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      }),
    ]);
    expect(body.data).toMatchObject({ per_page: 20, next_cursor: null });
  });

  it("accepts listmonk's `Authorization: token user:token`", async () => {
    const service = await start({ user: 'api_username', token: 'access_token_0123456789' });
    const res = await fetch(`${service.url}/api/bounces`, {
      headers: { Authorization: 'token api_username:access_token_0123456789' },
    });
    expect(res.status).toBe(200);
  });

  it('answers 401 with the message shape for missing or wrong credentials', async () => {
    const service = await start();
    const none = await fetch(`${service.url}/api/bounces`);
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ message: expect.any(String) });
    expect((await postSeed(service, basic(service.user.name, 'wrong'))).status).toBe(401);
  });

  it('answers 404 {"message": "not found"} for unknown paths and methods', async () => {
    const service = await start();
    for (const [method, path] of [
      ['GET', '/nope'],
      ['DELETE', '/webhooks/bounce'],
      ['GET', '/api/bounces/x/y'],
    ]) {
      const res = await fetch(`${service.url}${path}`, { method });
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ message: 'not found' });
    }
  });

  it('keeps bounces across a restart with a data dir', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stmails-'));
    dirs.push(dir);
    const first = await start({ dataDir: dir, user: 'u', token: 'persisted-token-123' });
    expect((await postSeed(first)).status).toBe(200);
    await started.pop()?.close();

    const second = await start({ dataDir: dir, user: 'u', token: 'persisted-token-123' });
    const res = await fetch(`${second.url}/api/bounces`, {
      headers: { Authorization: basic('u', 'persisted-token-123') },
    });
    expect(((await res.json()) as { data: { results: unknown[] } }).data.results).toHaveLength(1);
  });

  it('uses an external DynamoDB endpoint and creates the table there when missing', async () => {
    const tableName = `ext-${Date.now()}`;
    const service = await start({ dynamodbEndpoint: inject('ddbEndpoint'), tableName });
    expect((await postSeed(service)).status).toBe(200);
    const again = await start({ dynamodbEndpoint: inject('ddbEndpoint'), tableName, port: 0 });
    const res = await fetch(`${again.url}/api/bounces`, {
      headers: { Authorization: basic(again.user.name, again.user.token) },
    });
    expect(((await res.json()) as { data: { results: unknown[] } }).data.results).toHaveLength(1);
  });

  it('brings a store written by an earlier release to the current layout on start', async () => {
    const endpoint = inject('ddbEndpoint');
    const tableName = `old-${Date.now()}`;
    await ensureTable(endpoint, tableName);
    const client = new DynamoDBClient(localClientConfig(endpoint));
    const id = '01KB0000000000000000000042';
    const created_at = '2026-01-02T03:04:05.000Z';
    // A bounce as the release before sharded list keys stored it, in a table with no layout version.
    await client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: marshall({
          pk: 'SUB#old@example.com',
          sk: `B#${created_at}#${id}`,
          lk: `ID#${id}`,
          ts: `${created_at}#${id}`,
          all_pk: 'BOUNCE',
          type_pk: 'soft',
          source_pk: 'api',
          id,
          email: 'old@example.com',
          type: 'soft',
          reason: 'unknown',
          source: 'api',
          meta_json: '{}',
          created_at,
        }),
      }),
    );
    client.destroy();
    const service = await start({ dynamodbEndpoint: endpoint, tableName });
    const res = await fetch(`${service.url}/api/bounces?source=api&type=soft`, {
      headers: { Authorization: basic(service.user.name, service.user.token) },
    });
    const body = (await res.json()) as { data: { results: { id: string }[] } };
    expect(body.data.results.map((b) => b.id)).toEqual([id]);
  });
});
