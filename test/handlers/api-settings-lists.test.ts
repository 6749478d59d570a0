import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbSettingsRepository } from '../../lambdas/adapters/dynamodb/dynamodb-settings-repository.js';
import { MemorySecretStore } from '../../lambdas/adapters/memory-secret-store.js';
import { sesProvider } from '../../lambdas/core/providers/ses.js';
import { MASK } from '../../lambdas/core/settings/settings-secrets.js';
import { SettingsService } from '../../lambdas/core/settings/settings-service.js';
import { errorResponse } from '../../lambdas/handlers/http/error-response.js';
import { createProviderWebhookHandler } from '../../lambdas/handlers/webhooks/provider-webhook.js';
import { apiHarness } from '../support/api-harness.js';
import { testTable } from '../support/dynamodb.js';
import { apiEvent } from '../support/events.js';
import { FakeClock, silentLogger } from '../support/fakes.js';
import { FakeCertificateLoader, notification, TEST_TOPIC_ARN } from '../support/sns-signer.js';

const OTHER_TOPIC = 'arn:aws:sns:us-east-1:123456789012:operator-topic';
const NOBODY = '99999999-9999-4999-8999-999999999999';

/** The settings API over a table and a secret store the test can look into. */
async function settingsApi(deployDefaults: unknown = { enabled: true, webhooks_enabled: true }) {
  const table = await testTable();
  const secrets = new MemorySecretStore();
  const repo = new DynamoDbSettingsRepository(table.db, table.tableName);
  const settings = new SettingsService(repo, secrets, new FakeClock(), {
    deployDefaults,
    newUuid: randomUUID,
  });
  const api = await apiHarness({ settings });
  let version = 0;
  const put = async (body: object) => {
    const res = await api.call({
      method: 'PUT',
      resource: '/api/settings/bounce',
      body,
      headers: { 'If-Match': `"${version}"` },
    });
    if (res.status === 200) version = res.body.data.version;
    return res;
  };
  const get = async () => (await api.call({ resource: '/api/settings/bounce' })).body.data;
  return { api, secrets, repo, settings, put, get };
}

const box = (name: string, extra: object = {}) => ({
  host: `${name}.example.com`,
  username: name,
  password: `${name}-secret`,
  ...extra,
});

describe('settings lists (mailboxes[]): saved whole, items matched by uuid', () => {
  let s: Awaited<ReturnType<typeof settingsApi>>;
  let a: { uuid: string };
  let b: { uuid: string };
  beforeEach(async () => {
    s = await settingsApi();
    const res = await s.put({ mailboxes: [box('a'), box('b', { port: 110, tls: 'starttls' })] });
    expect(res.status, res.text).toBe(200);
    [a, b] = res.body.data.mailboxes;
  });

  it('gives each new item (one without uuid) a uuid of its own', () => {
    expect(a.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(b.uuid).not.toBe(a.uuid);
  });

  it('refuses a new item without its secret, naming it', async () => {
    const res = await s.put({ mailboxes: [{ uuid: a.uuid }, { host: 'c.example.com', username: 'c' }] });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^mailboxes\[1\]\.password: is required/);
  });

  it('refuses a new item whose secret is masked or blank after trimming', async () => {
    for (const password of [MASK, '   ', '']) {
      const res = await s.put({ mailboxes: [box('c', { password })] });
      expect(res.status, password).toBe(400);
      expect(res.body.message).toMatch(/^mailboxes\[0\]\.password: is required/);
    }
  });

  it('lets a new item that needs no secret (auth_protocol none) come without one', async () => {
    const res = await s.put({ mailboxes: [{ host: 'open.example.com', auth_protocol: 'none' }] });
    expect(res.status, res.text).toBe(200);
  });

  it('refuses an item whose uuid matches no saved item, naming it', async () => {
    const res = await s.put({ mailboxes: [{ uuid: a.uuid }, { ...box('c'), uuid: NOBODY }] });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^mailboxes\[1\]\.uuid: matches no saved mailbox/);
  });

  it('refuses an item that is not an object, naming it', async () => {
    const res = await s.put({ mailboxes: [{ uuid: a.uuid }, 'pop.example.com'] });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^mailboxes\[1\]: must be an object/);
  });

  it('keeps the stored secret of a matched item sent back masked, blank or without it', async () => {
    const read = await s.get();
    const res = await s.put({
      mailboxes: [
        { ...read.mailboxes[0], password: MASK },
        { uuid: b.uuid, password: '' },
      ],
    });
    expect(res.status, res.text).toBe(200);
    const runtime = await s.settings.get();
    expect(runtime.mailboxes.map((m) => m.password)).toEqual(['a-secret', 'b-secret']);
    const only = await s.put({ mailboxes: [{ uuid: a.uuid }, { uuid: b.uuid }] });
    expect(only.status).toBe(200);
    expect((await s.settings.current()).settings.mailboxes.map((m) => m.password)).toEqual([
      'a-secret',
      'b-secret',
    ]);
  });

  it('keeps the fields a matched item is sent without, and changes those it is sent with', async () => {
    const res = await s.put({
      mailboxes: [
        { uuid: b.uuid, port: 1110 },
        { uuid: a.uuid, password: 'a-new' },
      ],
    });
    expect(res.status, res.text).toBe(200);
    const [first, second] = (await s.settings.current()).settings.mailboxes;
    expect(first).toMatchObject({ uuid: b.uuid, host: 'b.example.com', port: 1110, tls: 'starttls' });
    expect(second).toMatchObject({ uuid: a.uuid, host: 'a.example.com', password: 'a-new' });
  });

  it('removes an item left out of the list, and its secret from the secret store', async () => {
    expect(Object.keys(await s.secrets.get())).toEqual(
      expect.arrayContaining([`mailboxes.${a.uuid}.password`, `mailboxes.${b.uuid}.password`]),
    );
    const res = await s.put({ mailboxes: [{ uuid: b.uuid }] });
    expect(res.status, res.text).toBe(200);
    expect(res.body.data.mailboxes.map((m: { uuid: string }) => m.uuid)).toEqual([b.uuid]);
    const stored = await s.secrets.get();
    expect(stored[`mailboxes.${a.uuid}.password`]).toBeUndefined();
    expect(stored[`mailboxes.${b.uuid}.password`]).toBe('b-secret');
    expect(JSON.stringify(stored)).not.toContain('a-secret');
  });

  it('empties the list when given an empty one, and leaves it alone when not given', async () => {
    expect((await s.put({ enabled: false })).body.data.mailboxes).toHaveLength(2);
    expect((await s.put({ mailboxes: [] })).body.data.mailboxes).toEqual([]);
    expect(await s.secrets.get()).toEqual({});
  });

  it('accepts the document GET answers, sent back unchanged (uuids, masked secrets, version, managed)', async () => {
    const read = await s.get();
    const res = await s.api.call({ method: 'PUT', resource: '/api/settings/bounce', body: read });
    expect(res.status, res.text).toBe(200);
    expect((await s.settings.get()).mailboxes.map((m) => m.password)).toEqual(['a-secret', 'b-secret']);
  });
});

const oauthBox = (provider: 'microsoft' | 'google' | 'generic', oauth2: object = {}) => ({
  type: 'imap',
  host: 'imap.example.com',
  auth_protocol: 'oauth2',
  username: 'bounces@example.com',
  oauth2: {
    provider,
    tenant_id: provider === 'microsoft' ? 'contoso.onmicrosoft.com' : '',
    client_id: 'app',
    token_url: provider === 'generic' ? 'https://auth.example.com/token' : '',
    ...oauth2,
  },
});

describe('settings lists: the OAuth2 secrets of a mailbox are list secrets too', () => {
  let s: Awaited<ReturnType<typeof settingsApi>>;
  beforeEach(async () => {
    s = await settingsApi();
  });

  it.each([
    ['microsoft', { refresh_token: 'rt' }, 'client_secret'],
    ['google', { refresh_token: 'rt' }, 'client_secret'],
    ['google', { client_secret: 'cs' }, 'refresh_token'],
    ['generic', { client_secret: 'cs' }, 'refresh_token'],
  ] as const)(
    'refuses a new %s mailbox without the secret its grant needs (given %j), naming %s',
    async (provider, given, missing) => {
      for (const value of [undefined, MASK, '  ']) {
        const oauth2 = { ...given, ...(value === undefined ? {} : { [missing]: value }) };
        const res = await s.put({ mailboxes: [oauthBox(provider, oauth2)] });
        expect(res.status, `${missing}=${value}`).toBe(400);
        expect(res.body.message).toMatch(new RegExp(`^mailboxes\\[0\\]\\.oauth2\\.${missing}: is required`));
      }
    },
  );

  it('lets a new OAuth2 mailbox come without a password or the secrets its grant does not use', async () => {
    const res = await s.put({
      mailboxes: [
        oauthBox('microsoft', { client_secret: 'ms-secret' }),
        oauthBox('generic', { refresh_token: 'generic-rt' }),
      ],
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.data.mailboxes[0]).toMatchObject({
      port: 993,
      password: '',
      oauth2: { client_secret: MASK, refresh_token: '' },
    });
  });

  it('keeps the stored OAuth2 secrets of a matched mailbox sent back masked or without them, and the oauth2 fields it is not sent with', async () => {
    const first = await s.put({
      mailboxes: [oauthBox('google', { client_secret: 'cs-1', refresh_token: 'rt-1' })],
    });
    expect(first.status, first.text).toBe(200);
    const uuid = first.body.data.mailboxes[0].uuid as string;
    const read = await s.get();
    expect((await s.put({ mailboxes: [read.mailboxes[0]] })).status).toBe(200);
    const res = await s.put({ mailboxes: [{ uuid, oauth2: { scope: 'https://mail.google.com/' } }] });
    expect(res.status, res.text).toBe(200);
    expect((await s.settings.current()).settings.mailboxes[0]?.oauth2).toMatchObject({
      provider: 'google',
      client_id: 'app',
      client_secret: 'cs-1',
      refresh_token: 'rt-1',
      scope: 'https://mail.google.com/',
    });
    expect(await s.secrets.get()).toMatchObject({
      [`mailboxes.${uuid}.oauth2.client_secret`]: 'cs-1',
      [`mailboxes.${uuid}.oauth2.refresh_token`]: 'rt-1',
    });
  });

  it('removes the OAuth2 secrets of a mailbox with it, and keeps the internal ones (the cursor key)', async () => {
    const first = await s.put({
      mailboxes: [oauthBox('google', { client_secret: 'cs-1', refresh_token: 'rt-1' })],
    });
    expect(first.status, first.text).toBe(200);
    await s.secrets.put({ ...(await s.secrets.get()), 'internal.cursor_key': 'kept' });
    expect((await s.put({ mailboxes: [] })).status).toBe(200);
    expect(await s.secrets.get()).toEqual({ 'internal.cursor_key': 'kept' });
  });
});

describe('values the stack manages stay in force', () => {
  const deployDefaults = {
    enabled: true,
    webhooks_enabled: true,
    ses: { enabled: true, topic_arns: [TEST_TOPIC_ARN] },
  };

  it('keeps the stack-created topic allowed after a save that names other topics', async () => {
    const s = await settingsApi(deployDefaults);
    const res = await s.put({ ses: { topic_arns: [OTHER_TOPIC] } });
    expect(res.status, res.text).toBe(200);
    expect((await s.settings.get()).ses.topic_arns).toEqual([OTHER_TOPIC, TEST_TOPIC_ARN]);
  });

  it('lets SES stay enabled with no saved topic, since the stack-created one is allowed', async () => {
    const s = await settingsApi(deployDefaults);
    const res = await s.put({ ses: { enabled: true, topic_arns: [] } });
    expect(res.status, res.text).toBe(200);
    expect((await s.settings.get()).ses).toMatchObject({ enabled: true, topic_arns: [TEST_TOPIC_ARN] });
  });

  it('shows on GET which topics the stack manages, and does not store them', async () => {
    const s = await settingsApi(deployDefaults);
    expect((await s.get()).managed).toEqual({ ses: { topic_arns: [TEST_TOPIC_ARN] } });
    const read = await s.get();
    expect(
      (await s.put({ ...read, ses: { ...read.ses, topic_arns: [TEST_TOPIC_ARN, OTHER_TOPIC] } })).status,
    ).toBe(200);
    const { stored } = await s.repo.read();
    expect((stored as { ses: { topic_arns: string[] } }).ses.topic_arns).toEqual([OTHER_TOPIC]);
    expect((await s.get()).ses.topic_arns).toEqual([OTHER_TOPIC, TEST_TOPIC_ARN]);
  });

  it('shows no managed topics when the deployment names none', async () => {
    const s = await settingsApi();
    expect((await s.get()).managed).toEqual({ ses: { topic_arns: [] } });
  });

  it('accepts an SES notification from the stack-created topic after the saved list dropped it', async () => {
    const s = await settingsApi(deployDefaults);
    expect((await s.put({ ses: { topic_arns: [OTHER_TOPIC] } })).status).toBe(200);
    const raw = createProviderWebhookHandler(sesProvider, {
      record: s.api.record,
      settings: s.settings,
      certificates: new FakeCertificateLoader(),
      confirmer: { confirm: async () => undefined },
      logger: silentLogger,
    });
    const message = {
      notificationType: 'Bounce',
      bounce: {
        bounceType: 'Permanent',
        bounceSubType: 'General',
        bouncedRecipients: [{ emailAddress: 'managed@example.com', status: '5.1.1', action: 'failed' }],
        timestamp: '2026-11-28T14:59:38.237Z',
        feedbackId: '0100018a1b2c3d4e-aaaa1111-000001',
      },
      mail: { messageId: '0100018a1b2c3d4e-bbbb-000001', destination: ['managed@example.com'] },
    };
    const event = apiEvent({
      method: 'POST',
      resource: '/webhooks/service/ses',
      body: JSON.stringify(notification(message)),
      headers: { 'x-amz-sns-message-type': 'Notification' },
      permissions: null,
    });
    const res = await raw(event).catch((error) => errorResponse(error, silentLogger));
    expect(res.statusCode, res.body).toBe(200);
    expect(JSON.parse(res.body).data.recorded).toBe(1);
  });
});
