import { beforeEach, describe, expect, it } from 'vitest';
import type { SettingsSource } from '../../lambdas/core/ports.js';
import { type BounceSettings, effectiveSettings } from '../../lambdas/core/settings/settings.js';
import { errorResponse } from '../../lambdas/handlers/http/error-response.js';
import type { HttpEvent, HttpHandler } from '../../lambdas/handlers/http/types.js';
import { createWebhookBounceHandler } from '../../lambdas/handlers/webhook-bounce.js';
import { recordDepsOver, type TestTable, testTable } from '../support/dynamodb.js';
import { apiEvent } from '../support/events.js';
import { silentLogger } from '../support/fakes.js';

const CAMPAIGN = '9f86b50d-5711-41c8-ab03-bc91c43d711b';
const SEED_BODY = `{"email": "user1@mail.com", "campaign_uuid": "${CAMPAIGN}", "source": "api", "type": "hard", "meta": "{\\"additional\\": \\"info\\"}"}`;
const SEED_TYPO_BODY = `{"email": "user1@mail.com", "campaign_uuid": "${CAMPAIGN}", "source": "api", "type": "hard", "meta": "{\\"additional\\": \\"info\\"}}`;

describe('POST /webhooks/bounce', () => {
  let table: TestTable;
  let settings: BounceSettings;
  let handle: HttpHandler;

  beforeEach(async () => {
    table = await testTable();
    settings = effectiveSettings({ enabled: true, webhooks_enabled: true }, undefined);
    const source: SettingsSource = { get: async () => settings };
    const raw = createWebhookBounceHandler({
      record: recordDepsOver(table),
      settings: source,
      authMode: 'basic',
    });
    // What the shared middleware does: map thrown errors to responses.
    handle = (event) => raw(event).catch((error) => errorResponse(error, silentLogger));
  });

  function post(body: string | object, extra: Partial<Parameters<typeof apiEvent>[0]> = {}): HttpEvent {
    return apiEvent({ method: 'POST', resource: '/webhooks/bounce', body, ...extra });
  }

  async function call(event: HttpEvent) {
    const res = await handle(event);
    return { status: res.statusCode, body: JSON.parse(res.body) };
  }

  it('records the seed example (corrected) and fires the hard action', async () => {
    const { status, body } = await call(post(SEED_BODY));
    expect(status).toBe(200);
    expect(body.data).toMatchObject({ stored: true, duplicate: false, action: 'blocklist' });
    const stored = await table.bounces.get(body.data.id);
    expect(stored).toMatchObject({
      email: 'user1@mail.com',
      campaign_uuid: CAMPAIGN,
      source: 'api',
      type: 'hard',
      meta: { additional: 'info' },
      subscriber_status: 'blocklisted',
    });
  });

  it("answers the seed's literal body (its typo) with a 400 saying where the JSON breaks", async () => {
    const { status, body } = await call(post(SEED_TYPO_BODY));
    expect(status).toBe(400);
    expect(body.message).toMatch(/^body: is not valid JSON: .*position \d+ \(line 1 column \d+\)$/);
  });

  it.each([
    [{ source: 'api', type: 'hard' }, 'email'],
    [{ subscriber_uuid: 'nope', source: 'api', type: 'hard' }, 'subscriber_uuid'],
    [{ email: 'not-an-address', source: 'api', type: 'hard' }, 'email'],
    [{ email: 'a@example.com', type: 'hard' }, 'source'],
    [{ email: 'a@example.com', source: 'api', type: 'bounced' }, 'type'],
    [{ email: 'a@example.com', source: 'api', type: 'hard', meta: 42 }, 'meta'],
    [{ email: 'a@example.com', source: 'api', type: 'hard', meta: '{broken' }, 'meta'],
    [{ email: 'a@example.com', source: 'api', type: 'hard', campaign_uuid: 'cmp-1' }, 'campaign_uuid'],
    [{ email: 'a@example.com', source: 'api', type: 'hard', created_at: 'yesterday' }, 'created_at'],
    [
      { email: 'a@example.com', source: 'api', type: 'hard', created_at: '2099-01-01T00:00:00Z' },
      'created_at',
    ],
    [{ email: 'a@example.com', source: 'api', type: 'hard', meta: { pad: 'x'.repeat(70_000) } }, 'meta'],
    [[1, 2], 'body'],
  ])('refuses %j with a 400 naming %s', async (payload, field) => {
    const { status, body } = await call(post(payload));
    expect(status).toBe(400);
    expect(body.message.startsWith(`${field}`)).toBe(true);
  });

  it('refuses event_id and Idempotency-Key that differ, naming both', async () => {
    const event = post(
      { email: 'a@example.com', source: 'api', type: 'soft', event_id: 'one' },
      { headers: { 'Idempotency-Key': 'two' } },
    );
    const { status, body } = await call(event);
    expect(status).toBe(400);
    expect(body.message).toMatch(/event_id.*Idempotency-Key/);
  });

  it('treats a repeated Idempotency-Key as a duplicate of the first bounce', async () => {
    const payload = { email: 'a@example.com', source: 'script', type: 'soft' };
    const first = await call(post(payload, { headers: { 'idempotency-key': 'k1' } }));
    const second = await call(post(payload, { headers: { 'Idempotency-Key': 'k1' } }));
    expect(second.body.data).toEqual({ ...first.body.data, duplicate: true });
  });

  it('stores nothing for another spelling of an address deleted by a bounce action', async () => {
    settings = {
      ...settings,
      actions: { ...settings.actions, hard: { count: 1, action: 'delete', window_days: 0 } },
    };
    expect((await call(post({ email: 'tomb@x.example', source: 'api', type: 'hard' }))).status).toBe(200);
    const again = await call(post({ email: '"Tomb"@x.example', source: 'api', type: 'hard' }));
    expect(again.status).toBe(200);
    expect(again.body.data).toMatchObject({ stored: false });
    expect(await table.subscribers.findByEmail('tomb@x.example')).toEqual({
      subscriber: null,
      tombstoned: true,
    });
    expect((await table.bounces.list({ order: 'desc', per_page: 10 })).results).toEqual([]);
  });

  it('answers 413 for a body over 1 MB', async () => {
    const big = JSON.stringify({
      email: 'a@example.com',
      source: 'api',
      type: 'soft',
      meta: { pad: 'x'.repeat(1024 * 1024) },
    });
    expect((await call(post(big))).status).toBe(413);
  });

  it('answers 404 for an unknown subscriber_uuid without an email', async () => {
    const { status, body } = await call(
      post({ subscriber_uuid: '3f2a6c1e-8d4b-4a7e-9c2d-1b5e7f9a0c3d', source: 'api', type: 'hard' }),
    );
    expect(status).toBe(404);
    expect(body.message).toContain('3f2a6c1e-8d4b-4a7e-9c2d-1b5e7f9a0c3d');
  });

  it('answers 503 naming bounce processing when it is disabled', async () => {
    settings = { ...settings, enabled: false };
    const { status, body } = await call(post(SEED_BODY));
    expect(status).toBe(503);
    expect(body.message).toContain('settings: enabled');
  });

  it('answers 503 naming webhooks when they are disabled', async () => {
    settings = { ...settings, webhooks_enabled: false };
    const { status, body } = await call(post(SEED_BODY));
    expect(status).toBe(503);
    expect(body.message).toContain('webhooks_enabled');
  });

  it('answers 401 without an authenticated user', async () => {
    expect((await call(post(SEED_BODY, { permissions: null }))).status).toBe(401);
  });

  it('answers 403 to a user without webhooks:post_bounce', async () => {
    const { status, body } = await call(post(SEED_BODY, { permissions: ['bounces:get'] }));
    expect(status).toBe(403);
    expect(body.message).toBe('permission denied: webhooks:post_bounce');
  });
});
