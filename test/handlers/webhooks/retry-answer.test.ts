import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { ensureTable, localClientConfig } from '../../../bin/local/local-dynamodb.js';
import { CursorSigner } from '../../../lambdas/adapters/cursor-signer.js';
import { createDocumentClient } from '../../../lambdas/adapters/dynamodb/client.js';
import { DynamoDbBounceStore } from '../../../lambdas/adapters/dynamodb/dynamodb-bounce-store.js';
import { DynamoDbSubscriberStore } from '../../../lambdas/adapters/dynamodb/dynamodb-subscriber-store.js';
import { StorageRetryStrategy } from '../../../lambdas/adapters/dynamodb/storage-retry-strategy.js';
import { MemorySecretStore } from '../../../lambdas/adapters/memory-secret-store.js';
import { ulidIds } from '../../../lambdas/adapters/ulid-ids.js';
import type { RecordDeps } from '../../../lambdas/core/bounces/record-bounce.js';
import type { AnyProvider } from '../../../lambdas/core/providers/provider.js';
import { PROVIDERS } from '../../../lambdas/core/providers/registry.js';
import { type BounceSettings, effectiveSettings } from '../../../lambdas/core/settings/settings.js';
import { openApiDocument } from '../../../lambdas/handlers/api/openapi-document.js';
import { errorResponse } from '../../../lambdas/handlers/http/error-response.js';
import { createProviderWebhookHandler } from '../../../lambdas/handlers/webhooks/provider-webhook.js';
import { apiEvent } from '../../support/events.js';
import { FakeClock, RecordingPublisher } from '../../support/fakes.js';
import { type FaultProxy, startFaultProxy } from '../../support/fault-proxy.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/providers');
const BREVO_BATCH = readFileSync(join(FIXTURES, 'brevo/batch.json'), 'utf8');
const SPARKPOST_BATCH = readFileSync(join(FIXTURES, 'sparkpost/batch.json'), 'utf8');
/** The bounces and complaints of the Brevo batch (its deferral and delivery are ignored). */
const BREVO_RECIPIENTS = [
  'bob@no-mx.example.net',
  'carol@example.com',
  'dave@example.com',
  'erin@example.com',
];
const BREVO = { username: '', password: '', token: 'brevo-hook-token' };
const SPARKPOST = { username: 'sp-user', password: 'sp-pass-0123456789' };

const provider = (name: string): AnyProvider => {
  const found = (PROVIDERS as readonly AnyProvider[]).find((p) => p.name === name);
  if (!found) throw new Error(`no provider ${name}`);
  return found;
};

/**
 * A Brevo request meeting a temporary failure must get 429, the one answer after which Brevo delivers
 * again (any 5xx, or any other 4xx, discards the event); other providers keep 503 and 500.
 */
describe('the answer to a temporary failure, per provider', () => {
  let proxy: FaultProxy;
  let settings: BounceSettings;
  let bounces: DynamoDbBounceStore;
  let record: RecordDeps;
  let logged: { message: string; extra: Record<string, unknown> }[];
  let close: () => void;

  beforeAll(async () => {
    proxy = await startFaultProxy({ target: inject('ddbEndpoint'), seed: 11 });
  });
  afterAll(() => proxy.close());

  beforeEach(async () => {
    const tableName = `t-${randomUUID()}`;
    await ensureTable(inject('ddbEndpoint'), tableName);
    // One attempt per call: a scripted fault reaches the use case instead of being retried away.
    const db = createDocumentClient({
      ...localClientConfig(proxy.endpoint),
      maxAttempts: 1,
      retryStrategy: new StorageRetryStrategy({ maxAttempts: 1 }),
    });
    const direct = createDocumentClient(localClientConfig(inject('ddbEndpoint')));
    const cursors = new CursorSigner(new MemorySecretStore());
    record = {
      subscribers: new DynamoDbSubscriberStore(db, tableName),
      bounces: new DynamoDbBounceStore(db, tableName, cursors),
      events: new RecordingPublisher(),
      clock: new FakeClock(),
      ids: ulidIds(),
    };
    bounces = new DynamoDbBounceStore(direct, tableName, cursors);
    close = () => {
      db.destroy();
      direct.destroy();
    };
    settings = effectiveSettings(
      { enabled: true, webhooks_enabled: true },
      { brevo: { enabled: true, ...BREVO }, sparkpost: { enabled: true, ...SPARKPOST } },
    );
    logged = [];
    return () => close();
  });

  const logger = {
    info: () => undefined,
    warn: (message: string, extra: Record<string, unknown>) => void logged.push({ message, extra }),
    error: (message: string, extra: Record<string, unknown>) => void logged.push({ message, extra }),
  };

  async function post(name: string, body: string, authorization: string) {
    const handle = createProviderWebhookHandler(provider(name), {
      record,
      settings: { get: async () => settings },
      certificates: { load: async () => '' },
      confirmer: { confirm: async () => undefined },
      logger,
    });
    const event = apiEvent({
      method: 'POST',
      resource: `/webhooks/service/${name}`,
      body,
      headers: { 'Content-Type': 'application/json', Authorization: authorization },
      permissions: null,
    });
    const res = await handle(event).catch((error) => errorResponse(error, logger));
    return { status: res.statusCode, headers: res.headers ?? {}, body: JSON.parse(res.body) };
  }
  const brevo = (token = BREVO.token) => post('brevo', BREVO_BATCH, `Bearer ${token}`);
  const sparkpost = () =>
    post(
      'sparkpost',
      SPARKPOST_BATCH,
      `Basic ${Buffer.from(`${SPARKPOST.username}:${SPARKPOST.password}`).toString('base64')}`,
    );

  async function storedBrevo(): Promise<number> {
    let total = 0;
    for (const email of BREVO_RECIPIENTS) {
      const byType = await bounces.countByType(email);
      total += byType.hard + byType.soft + byType.complaint;
    }
    return total;
  }

  it('answers Brevo 429 while brevo is disabled, stores nothing, then records the delivery after', async () => {
    settings = { ...settings, brevo: { ...settings.brevo, enabled: false } };
    const refused = await brevo();
    expect(refused.status).toBe(429);
    expect(refused.headers['Retry-After']).toBe('60');
    expect(refused.body.message).toContain('settings: brevo.enabled');
    expect(await storedBrevo()).toBe(0);

    settings = { ...settings, brevo: { ...settings.brevo, enabled: true } };
    const delivered = await brevo();
    expect(delivered).toMatchObject({ status: 200, body: { data: { recorded: 4, duplicates: 0 } } });
    expect(await storedBrevo()).toBe(4);
  });

  it.each([
    [{ enabled: false }, 'settings: enabled'],
    [{ webhooks_enabled: false }, 'settings: webhooks_enabled'],
  ])('answers Brevo 429 while %j, naming the switch', async (change, named) => {
    settings = { ...settings, ...change };
    const refused = await brevo();
    expect(refused.status).toBe(429);
    expect(refused.body.message).toContain(named);
  });

  it('answers Brevo 429 on a storage failure; its redelivery records each event once', async () => {
    proxy.failNext('server-error');
    const failed = await brevo();
    expect(failed.status).toBe(429);
    expect(failed.headers['Retry-After']).toBe('60');
    expect(failed.body.message).not.toMatch(/dynamo|internal server error/i);

    const delivered = await brevo();
    expect(delivered.status).toBe(200);
    expect(await storedBrevo()).toBe(4);
    const again = await brevo();
    expect(again.body.data).toMatchObject({ recorded: 0, duplicates: 4 });
    expect(await storedBrevo()).toBe(4);
  });

  it('answers Brevo 429 when a write landed but its answer was lost; the redelivery stores it once', async () => {
    proxy.failNext('drop-after', 'PutItem');
    expect((await brevo()).status).toBe(429);
    expect((await brevo()).status).toBe(200);
    expect(await storedBrevo()).toBe(4);
  });

  it('logs the storage fault behind a 429, as its 500 would have been', async () => {
    proxy.failNext('server-error');
    expect((await brevo()).status).toBe(429);
    expect(logged).toEqual([
      { message: 'request failed', extra: { error: expect.objectContaining({ name: 'InternalError' }) } },
    ]);
  });

  it('keeps refusals of the request itself as they are for Brevo (401, 400): a retry would not help', async () => {
    expect((await brevo('wrong-token')).status).toBe(401);
    expect((await post('brevo', '{"event": ', `Bearer ${BREVO.token}`)).status).toBe(400);
    expect(await storedBrevo()).toBe(0);
  });

  it('keeps 503 while disabled and 500 on a storage failure for a provider without retryAnswer', async () => {
    settings = { ...settings, sparkpost: { ...settings.sparkpost, enabled: false } };
    const disabled = await sparkpost();
    expect(disabled.status).toBe(503);
    expect(disabled.headers['Retry-After']).toBe('60');

    settings = { ...settings, sparkpost: { ...settings.sparkpost, enabled: true } };
    proxy.failNext('server-error');
    expect((await sparkpost()).status).toBe(500);
    expect((await sparkpost()).status).toBe(200);
  });

  it('declares 429 for Brevo alone of the registered providers', () => {
    const declared = (PROVIDERS as readonly AnyProvider[]).filter((p) => p.retryAnswer === 429);
    expect(declared.map((p) => p.name)).toEqual(['brevo']);
  });

  it('names the providers answered 429 in the API document', () => {
    const paths = openApiDocument().paths as Record<string, { post: { description: string } }>;
    const description = paths['/webhooks/service/{provider}']?.post.description ?? '';
    expect(description).toMatch(/gets 429 instead of either .*: `brevo`\./);
  });
});
