import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbOutboxStore } from '../../lambdas/adapters/dynamodb/dynamodb-outbox-store.js';
import { DynamoDbStatsStore } from '../../lambdas/adapters/dynamodb/dynamodb-stats-store.js';
import type { OutboxStore } from '../../lambdas/core/outbound/ports.js';
import type { BounceStore, SubscriberStore } from '../../lambdas/core/ports.js';
import { brevoProvider } from '../../lambdas/core/providers/brevo.js';
import { forwardemailProvider } from '../../lambdas/core/providers/forwardemail.js';
import { mailjetProvider } from '../../lambdas/core/providers/mailjet.js';
import { postmarkProvider } from '../../lambdas/core/providers/postmark.js';
import type { AnyProvider } from '../../lambdas/core/providers/provider.js';
import type { ProviderName } from '../../lambdas/core/providers/registry.js';
import { sendgridProvider } from '../../lambdas/core/providers/sendgrid.js';
import { sesProvider } from '../../lambdas/core/providers/ses.js';
import { sparkpostProvider } from '../../lambdas/core/providers/sparkpost.js';
import { type BounceSettings, effectiveSettings } from '../../lambdas/core/settings/settings.js';
import type { SettingsManager } from '../../lambdas/core/settings/settings-service.js';
import type { StatsStore } from '../../lambdas/core/stats/ports.js';
import { openApiDocument } from '../../lambdas/handlers/api/openapi-document.js';
import { errorResponse } from '../../lambdas/handlers/http/error-response.js';
import type { HttpHandler } from '../../lambdas/handlers/http/types.js';
import { ROUTES, routeKey } from '../../lambdas/handlers/routes.js';
import { createWebhookBounceHandler } from '../../lambdas/handlers/webhook-bounce.js';
import { createProviderWebhookHandler } from '../../lambdas/handlers/webhooks/provider-webhook.js';
import { type ApiHarness, apiHarness } from '../support/api-harness.js';
import { apiEvent, type EventOptions } from '../support/events.js';
import { FakePop3Server, TEST_PASSWORD, TEST_USER } from '../support/fake-pop3-server.js';
import { silentLogger } from '../support/fakes.js';
import { openApiValidator } from '../support/openapi-validator.js';
import {
  mailgunRequest,
  postalRequest,
  resendRequest,
  SIGNED_PROVIDER_SETTINGS,
  SIGNED_PROVIDERS,
} from '../support/signed-provider-requests.js';
import {
  FakeCertificateLoader,
  notification,
  snsRequest,
  subscriptionConfirmation,
  TEST_TOPIC_ARN,
} from '../support/sns-signer.js';

/** The provider webhooks (DESIGN §4, §6): documented as one path, whatever ROUTES lists for them. */
const document = openApiDocument() as typeof import('../../lambdas/handlers/api/openapi.json');
const PROVIDER_ROUTE = routeKey('POST', '/webhooks/service/{provider}');
/** Documented statuses no handler gives: for a provider not in the enum, the router (or gateway) answers 404. */
const ROUTER_ONLY: Record<string, number[]> = { [PROVIDER_ROUTE]: [404] };

const ANN = '11111111-1111-4111-8111-111111111111';
const BOB = '22222222-2222-4222-8222-222222222222';
const NOBODY = '33333333-3333-4333-8333-333333333333';
const CAMPAIGN = '9f86b50d-5711-41c8-ab03-bc91c43d711b';
const ABSENT_ID = '01JD0000000000000000000999';
const MAILBOX = '55555555-5555-4555-8555-555555555555';
const MAIL = join(import.meta.dirname, '../fixtures/mail');
const SENDGRID_KEYS = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const P256 = SENDGRID_KEYS.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
const POSTMARK = { username: 'postmark-hook', password: 'postmark-hook-password' };
const FORWARDEMAIL_KEY = 'forwardemail-hook-key-0123456789';
const SPARKPOST = { username: 'sparkpost-hook', password: 'sparkpost-hook-password' };
const MAILJET = { username: 'mailjet-hook', password: 'mailjet-hook-password' };
const BREVO = { username: 'brevo-hook', password: 'brevo-hook-password', token: 'brevo-hook-token' };
const PROVIDERS: Partial<Record<ProviderName, AnyProvider>> = {
  ses: sesProvider,
  sendgrid: sendgridProvider,
  postmark: postmarkProvider,
  forwardemail: forwardemailProvider,
  sparkpost: sparkpostProvider,
  mailjet: mailjetProvider,
  brevo: brevoProvider,
  ...SIGNED_PROVIDERS,
};
const FIXTURES = join(import.meta.dirname, '../fixtures/providers');
const OVER_1MB = 'x'.repeat(1024 * 1024 + 1);

const oas = openApiValidator();

interface Res {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/** A store whose every method fails as an unreachable DynamoDB would: the 500 path. */
function broken<T extends object>(): T {
  const fail = async () => {
    throw new Error('storage unavailable');
  };
  // Not thenable: an `await` of the store itself must not call it.
  return new Proxy({} as T, { get: (_target, name) => (name === 'then' ? undefined : fail) });
}

/** What the shared middleware does: thrown errors become responses. */
function mapErrors(raw: HttpHandler): HttpHandler {
  return (event) => raw(event).catch((error) => errorResponse(error, silentLogger));
}

function header(res: Res, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return Object.entries(res.headers).find(([k]) => k.toLowerCase() === wanted)?.[1];
}

/** Statuses answered per route key, with real responses validated against the document. */
const exercised = new Map<string, Set<number>>();

/**
 * Validates a real response of the route `method path` (as ROUTES names it) against the document's
 * operation for it: status documented, content type, body, headers.
 */
function expectDocumented(method: string, path: string, res: Res): void {
  const documented = documentedPathFor(method, path);
  if (!documented) throw new Error(`${method} ${path} is not documented`);
  const contentType = header(res, 'Content-Type');
  const body = contentType?.startsWith('application/json') ? JSON.parse(res.text) : res.text;
  oas.validateResponse(method, documented, res.status, contentType, body);
  oas.validateResponseHeaders(method, documented, res.status, res.headers);
  for (const key of new Set([routeKey(method, path), routeKey(method, documented)])) {
    const seen = exercised.get(key) ?? new Set<number>();
    seen.add(res.status);
    exercised.set(key, seen);
  }
}

/** `/webhooks/service/ses` matches `/webhooks/service/{provider}` when `ses` fits the parameter's schema. */
function documentedPathFor(method: string, path: string): string | undefined {
  const ops = oas.operations().filter((o) => o.method === method);
  if (ops.some((o) => o.path === path)) return path;
  for (const op of ops) {
    const names: string[] = [];
    const pattern = op.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{(\w+)\\?\}/g, (_m, n) => {
      names.push(n);
      return '([^/]+)';
    });
    const match = new RegExp(`^${pattern}$`).exec(path);
    if (!match || names.length === 0) continue;
    const params = oas.parameters(method, op.path);
    const fits = names.every((name, i) => {
      const schema = params.find((p) => p.in === 'path' && p.name === name)?.schema as
        | { enum?: unknown[] }
        | undefined;
      return !schema?.enum || schema.enum.includes(match[i + 1]);
    });
    if (fits) return op.path;
  }
  return undefined;
}

describe('OpenAPI document (lambdas/handlers/api/openapi.json)', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document) as Record<string, unknown>);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(document.openapi).toBe('3.1.0');
  });

  it('compiles every component schema with ajv in strict mode', () => {
    for (const name of Object.keys(document.components.schemas)) {
      expect(() => oas.validateSchemaByName(name), name).not.toThrow();
    }
  });

  it('documents every route of ROUTES, with its permission and security', () => {
    for (const route of ROUTES) {
      const path = documentedPathFor(route.method, route.path);
      expect(path, `${route.method} ${route.path} is not documented`).toBeDefined();
      const op = oas.operation(route.method, path as string);
      expect(op['x-permission'], `${route.method} ${route.path} x-permission`).toBe(route.permission);
      const security = op.security as Record<string, unknown>[];
      if (route.auth === 'public') {
        expect(security, `${route.method} ${route.path} is public`).toEqual([]);
      } else {
        const schemes = security.flatMap((s) => Object.keys(s));
        expect(schemes).toEqual(expect.arrayContaining(['basicAuth', 'tokenAuth', 'sigv4']));
      }
    }
  });

  it('documents nothing but the routes of ROUTES and the provider webhooks', () => {
    const routes = new Set(ROUTES.map((r) => routeKey(r.method, r.path)));
    for (const { method, path } of oas.operations()) {
      const key = routeKey(method, path);
      expect(routes.has(key) || key === PROVIDER_ROUTE, `${key} is documented but not in ROUTES`).toBe(true);
    }
  });

  it('gives every operation an operationId, 200 and, unless public, 401 and 403', () => {
    const ids = new Set<string>();
    for (const { method, path, operation } of oas.operations()) {
      const id = operation.operationId as string;
      expect(ids.has(id), `${method} ${path}: operationId ${id} repeats`).toBe(false);
      ids.add(id);
      const statuses = Object.keys(operation.responses as object);
      expect(statuses).toContain('200');
      if ((operation.security as unknown[]).length > 0)
        expect(statuses).toEqual(expect.arrayContaining(['401', '403']));
    }
  });
});

const FAILED_EVENT = `msg_${'a'.repeat(32)}`;

/** One event whose stmails delivery is a dead letter and whose SES delivery is still pending. */
async function seedOutbox(outbox: DynamoDbOutboxStore): Promise<void> {
  const at = '2026-11-29T10:00:00.000Z';
  const state = {
    attempts: 8,
    next_attempt_at: null,
    last_attempt_at: at,
    last_error: 'stmails answered 503',
    note: null,
  };
  await outbox.add({
    subject: 'b'.repeat(64),
    seq: `${at}#1#${FAILED_EVENT}`,
    created_at: at,
    doc: {
      type: 'subscriber.blocklisted',
      timestamp: at,
      data: {
        event_id: FAILED_EVENT,
        subscriber: { uuid: null, email: 'ann@example.com' },
        action: 'blocklist',
        bounce: {
          id: '01JD0000000000000000000001',
          type: 'hard',
          reason: 'user_unknown',
          status: null,
          source: 'api',
          campaign_uuid: null,
        },
        counts: { type: 'hard', count: 1 },
      },
    },
    deliveries: {
      stmails: { ...state, status: 'failed' },
      ses_suppression: {
        ...state,
        status: 'pending',
        attempts: 1,
        next_attempt_at: '2099-01-01T00:00:00.000Z',
      },
    },
  });
}

describe('real responses match the OpenAPI document', () => {
  let api: ApiHarness;
  let down: ApiHarness;
  /** The API while bounce processing is disabled (settings `enabled` false). */
  let disabled: ApiHarness;
  /** The API with day counters over the same table, and with counters that cannot be read. */
  let statsApi: ApiHarness;
  let statsDown: ApiHarness;
  let webhook: HttpHandler;
  let webhookDown: HttpHandler;
  let settingsOverride: BounceSettings | undefined;
  let providers: Record<string, HttpHandler>;
  let providersDown: Record<string, HttpHandler>;
  let providerSettings: BounceSettings;
  let providerOverride: BounceSettings | undefined;
  const ids: Record<string, string> = {};

  const call = (options: EventOptions) => api.call(options);

  async function post(body: unknown, options: Partial<EventOptions> = {}, handle = webhook): Promise<Res> {
    const event = apiEvent({
      method: 'POST',
      resource: '/webhooks/bounce',
      body: body as object | string,
      ...options,
    });
    const res = await handle(event);
    return { status: res.statusCode, headers: (res.headers ?? {}) as Record<string, string>, text: res.body };
  }

  beforeAll(async () => {
    api = await apiHarness();
    const source = { get: async () => settingsOverride ?? (await api.settings.get()) };
    const failing = { ...api.record, bounces: broken<BounceStore>(), subscribers: broken<SubscriberStore>() };
    const webhookDeps = { settings: source, authMode: 'basic' as const, logger: silentLogger };
    webhook = mapErrors(createWebhookBounceHandler({ ...webhookDeps, record: api.record }));
    webhookDown = mapErrors(createWebhookBounceHandler({ ...webhookDeps, record: failing }));
    down = await apiHarness({
      record: failing,
      settings: broken<SettingsManager>(),
      outbound: { outbox: broken<OutboxStore>() },
    });
    await seedOutbox(new DynamoDbOutboxStore(api.table.db, api.table.tableName));
    disabled = await apiHarness({
      settings: { get: async () => ({ ...(await api.settings.get()), enabled: false }) } as SettingsManager,
    });
    const stats = new DynamoDbStatsStore(api.table.db, api.table.tableName);
    statsApi = await apiHarness({ record: { ...api.record, stats } });
    statsDown = await apiHarness({ record: { ...api.record, stats: broken<StatsStore>() } });

    providerSettings = effectiveSettings(
      { enabled: true, webhooks_enabled: true },
      {
        ses: { enabled: true, topic_arns: [TEST_TOPIC_ARN], auto_confirm: true },
        sendgrid: { enabled: true, key: P256 },
        postmark: { enabled: true, ...POSTMARK },
        forwardemail: { enabled: true, key: FORWARDEMAIL_KEY },
        sparkpost: { enabled: true, ...SPARKPOST },
        mailjet: { enabled: true, ...MAILJET },
        brevo: { enabled: true, ...BREVO },
        ...SIGNED_PROVIDER_SETTINGS,
      },
    );
    const providerDeps = {
      settings: { get: async () => providerOverride ?? providerSettings },
      certificates: new FakeCertificateLoader(),
      confirmer: { confirm: async () => undefined },
      logger: silentLogger,
    };
    providers = {};
    providersDown = {};
    for (const [name, provider] of Object.entries(PROVIDERS)) {
      providers[name] = mapErrors(
        createProviderWebhookHandler(provider, { ...providerDeps, record: api.record }),
      );
      providersDown[name] = mapErrors(
        createProviderWebhookHandler(provider, { ...providerDeps, record: failing }),
      );
    }

    const subscribers = [
      { uuid: ANN, email: 'ann@example.com', name: 'Ann', lists: { newsletter: 'confirmed' } },
      { uuid: BOB, email: 'bob@example.com' },
    ];
    oas.validateRequest('PUT', '/api/subscribers', 'application/json', subscribers);
    const seeded = await call({ method: 'PUT', resource: '/api/subscribers', body: subscribers });
    expect(seeded.status, seeded.text).toBe(200);
    const bounces: [string, object][] = [
      ['annHard', { email: 'ann@example.com', source: 'api', type: 'hard', campaign_uuid: CAMPAIGN }],
      [
        'annSoft',
        {
          subscriber_uuid: ANN,
          source: 'script',
          type: 'soft',
          event_id: 'evt-1',
          meta: { reason: 'mailbox_full', status: '4.2.2', diagnostic: '452 4.2.2 mailbox full' },
        },
      ],
      ['bobSoft', { email: 'bob@example.com', source: 'api', type: 'soft', meta: '{"note": "=1+1"}' }],
      ['carol', { email: 'carol@example.com', source: 'cleanup', type: 'complaint' }],
      ['dave', { email: 'dave@example.com', source: 'api', type: 'soft' }],
      ['erin', { email: 'erin@example.com', source: 'api', type: 'soft' }],
    ];
    for (const [name, body] of bounces) {
      oas.validateRequest('POST', '/webhooks/bounce', 'application/json', body);
      api.clock.advance(1000);
      const res = await post(body);
      expect(res.status, res.text).toBe(200);
      ids[name] = JSON.parse(res.text).data.id;
    }
  });

  interface Case {
    name: string;
    method: string;
    path: string;
    status: number;
    /** A request body to check against the documented request body first. */
    request?: unknown;
    run: () => Promise<Res>;
    also?: (res: Res) => void;
  }

  const bounceList = (query: EventOptions['query'], permissions?: string[] | null) =>
    call({ resource: '/api/bounces', query, ...(permissions !== undefined ? { permissions } : {}) });
  const bounceById = (method: string, id: string, permissions?: string[] | null) =>
    call({
      method,
      resource: '/api/bounces/{id}',
      path: `/api/bounces/${id}`,
      pathParameters: { id },
      ...(permissions !== undefined ? { permissions } : {}),
    });
  const subscriber = (resource: string, uuid: string, extra: Partial<EventOptions> = {}) =>
    call({
      method: 'GET',
      resource,
      path: resource.replace('{uuid}', uuid),
      pathParameters: { uuid },
      ...extra,
    });
  const scan = (uuid: string, extra: Partial<EventOptions> = {}) =>
    call({
      method: 'POST',
      resource: '/api/mailboxes/{uuid}/scan',
      path: `/api/mailboxes/${uuid}/scan`,
      pathParameters: { uuid },
      ...extra,
    });
  const stuck = (
    method: 'GET' | 'POST',
    uuid: string,
    extra: Partial<EventOptions> = {},
    harness: Pick<ApiHarness, 'call'> = api,
  ) => {
    const tail = method === 'GET' ? '/stuck' : '/stuck/release';
    return harness.call({
      method,
      resource: `/api/mailboxes/{uuid}${tail}`,
      path: `/api/mailboxes/${uuid}${tail}`,
      pathParameters: { uuid },
      ...extra,
    });
  };
  /** The uuid the service gave the mailbox scanFakeMailbox saved. */
  let scannedMailbox = '';
  /** Saves a mailbox at an in-process POP3 server holding a bounce and an auto-reply, then scans it. */
  async function scanFakeMailbox(): Promise<Res> {
    const server = await FakePop3Server.start({
      users: { [TEST_USER]: TEST_PASSWORD },
      messages: [readFileSync(join(MAIL, 'exim.eml')), readFileSync(join(MAIL, 'autoreply-rfc3834.eml'))],
    });
    try {
      const { version } = await api.settings.current();
      const mailbox = {
        host: server.host,
        port: server.port,
        tls: 'none',
        username: TEST_USER,
        password: TEST_PASSWORD,
        enabled: true,
      };
      // A new mailbox (no uuid): the service assigns its uuid.
      const saved = await api.settings.save({ mailboxes: [mailbox] }, version);
      scannedMailbox = saved.settings.mailboxes[0]?.uuid as string;
      return await scan(scannedMailbox);
    } finally {
      await server.close();
    }
  }
  const testMailbox = (uuid: string, extra: Partial<EventOptions> = {}) =>
    call({
      method: 'POST',
      resource: '/api/mailboxes/{uuid}/test',
      path: `/api/mailboxes/${uuid}/test`,
      pathParameters: { uuid },
      ...extra,
    });
  /** Saves the mailbox at an in-process POP3 server (or a port nobody listens on), then tests it. */
  async function testFakeMailbox(reachable: boolean): Promise<Res> {
    const server = await FakePop3Server.start({ users: { [TEST_USER]: TEST_PASSWORD }, messages: [] });
    const port = server.port;
    if (!reachable) await server.close();
    try {
      const { version } = await api.settings.current();
      const mailbox = {
        host: server.host,
        port,
        tls: 'none',
        username: TEST_USER,
        password: TEST_PASSWORD,
        enabled: false,
      };
      // A new mailbox (no uuid): the service assigns its uuid.
      const saved = await api.settings.save({ mailboxes: [mailbox] }, version);
      return await testMailbox(saved.settings.mailboxes[0]?.uuid as string);
    } finally {
      if (reachable) await server.close();
    }
  }
  const putSettings = (body: unknown, ifMatch?: string, extra: Partial<EventOptions> = {}) =>
    call({
      method: 'PUT',
      resource: '/api/settings/bounce',
      body: body as object | string,
      headers: ifMatch ? { 'If-Match': ifMatch } : {},
      ...extra,
    });

  /** A provider webhook request as the gateway hands it over (no authorizer: the route is public). */
  async function provider(
    name: ProviderName,
    body: string,
    headers: Record<string, string> = {},
    handlers = providers,
  ): Promise<Res> {
    const handle = handlers[name] as HttpHandler;
    const event = apiEvent({
      method: 'POST',
      resource: `/webhooks/service/${name}`,
      body,
      headers,
      permissions: null,
    });
    const res = await handle(event);
    return { status: res.statusCode, headers: (res.headers ?? {}) as Record<string, string>, text: res.body };
  }
  const withProviderSettings = async (change: Partial<BounceSettings>, run: () => Promise<Res>) => {
    providerOverride = { ...providerSettings, ...change };
    try {
      return await run();
    } finally {
      providerOverride = undefined;
    }
  };
  const ses = (body: Record<string, string> | string, handlers = providers) => {
    const req = snsRequest(body);
    return provider('ses', req.rawBody.toString('utf8'), req.headers as Record<string, string>, handlers);
  };
  const SES_BOUNCE = {
    notificationType: 'Bounce',
    bounce: {
      bounceType: 'Permanent',
      bounceSubType: 'General',
      bouncedRecipients: [{ emailAddress: 'ses@example.com', status: '5.1.1', action: 'failed' }],
      timestamp: '2026-11-28T14:59:38.237Z',
      feedbackId: '0100018a1b2c3d4e-aaaa1111-000000',
    },
    mail: { messageId: '0100018a1b2c3d4e-bbbb-000000', destination: ['ses@example.com'] },
  };
  const sendgrid = (body: string, handlers = providers) => {
    const timestamp = String(Math.floor(api.clock.now().getTime() / 1000) - 60);
    const signature = sign('sha256', Buffer.concat([Buffer.from(timestamp), Buffer.from(body)]), {
      key: SENDGRID_KEYS.privateKey,
      dsaEncoding: 'der',
    }).toString('base64');
    const headers = {
      'X-Twilio-Email-Event-Webhook-Signature': signature,
      'X-Twilio-Email-Event-Webhook-Timestamp': timestamp,
    };
    return provider('sendgrid', body, headers, handlers);
  };
  const SENDGRID_EVENTS = JSON.stringify([
    {
      email: 'sg@example.com',
      event: 'bounce',
      type: 'bounce',
      bounce_classification: 'Invalid Address',
      status: '5.1.1',
      reason: '550 5.1.1 user unknown',
      timestamp: 1796032800,
      sg_event_id: 'sg-event-1',
    },
    { email: 'sg@example.com', event: 'delivered', timestamp: 1796032800, sg_event_id: 'sg-event-2' },
  ]);
  const postmark = (body: string, password = POSTMARK.password, handlers = providers) =>
    provider(
      'postmark',
      body,
      { Authorization: `Basic ${Buffer.from(`${POSTMARK.username}:${password}`).toString('base64')}` },
      handlers,
    );
  const POSTMARK_BOUNCE = readFileSync(join(FIXTURES, 'postmark/bounce-hard.json'), 'utf8');
  const forwardemail = (body: string, key = FORWARDEMAIL_KEY, handlers = providers) =>
    provider(
      'forwardemail',
      body,
      { 'X-Webhook-Signature': createHmac('sha256', key).update(body).digest('hex') },
      handlers,
    );
  const FORWARDEMAIL_BOUNCE = readFileSync(join(FIXTURES, 'forwardemail/reject-block-5xx.json'), 'utf8');
  const OVER_1MB_BODY = JSON.stringify({ pad: OVER_1MB });
  const basicAuth = (user: string, password: string) => ({
    Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
  });
  const sparkpost = (body: string, password = SPARKPOST.password, handlers = providers) =>
    provider('sparkpost', body, basicAuth(SPARKPOST.username, password), handlers);
  const SPARKPOST_BATCH = readFileSync(join(FIXTURES, 'sparkpost/batch.json'), 'utf8');
  const mailjet = (body: string, password = MAILJET.password, handlers = providers) =>
    provider('mailjet', body, basicAuth(MAILJET.username, password), handlers);
  const MAILJET_GROUP = readFileSync(join(FIXTURES, 'mailjet/grouped.json'), 'utf8');
  const brevo = (body: string, token = BREVO.token, handlers = providers) =>
    provider('brevo', body, { Authorization: `Bearer ${token}` }, handlers);
  const BREVO_BATCH = readFileSync(join(FIXTURES, 'brevo/batch.json'), 'utf8');

  const GOOD_BOUNCE = {
    email: 'frank@example.com',
    source: 'api',
    type: 'hard',
    created_at: '2026-11-29T09:00:00Z',
  };
  const SETTINGS_CHANGE = {
    actions: { soft: { count: 3, action: 'unsubscribe', window_days: 30 } },
    sendgrid: { enabled: true, key: P256 },
    postmark: { enabled: true, username: 'pm', password: 'postmark-secret' },
    forwardemail: { enabled: true, key: 'forwardemail-secret' },
    mailboxes: [{ enabled: true, host: 'pop.example.com', username: 'bounces', password: 'pop-secret' }],
  };
  const UPSERT = [
    { uuid: ANN, email: 'ann@example.com', status: 'enabled', lists: { newsletter: 'unsubscribed' } },
    { uuid: '44444444-4444-4444-8444-444444444444', email: 'gina@example.com', name: 'Gina' },
    { uuid: BOB, email: 'ann@example.com' },
    { uuid: 'not-a-uuid', email: 'hank@example.com' },
  ];

  const WEBHOOK = ['POST', '/webhooks/bounce'] as const;
  const LIST = ['GET', '/api/bounces'] as const;
  const DELETE_MANY = ['DELETE', '/api/bounces'] as const;
  const GET_ONE = ['GET', '/api/bounces/{id}'] as const;
  const DELETE_ONE = ['DELETE', '/api/bounces/{id}'] as const;
  const UPSERT_SUBS = ['PUT', '/api/subscribers'] as const;
  const GET_SUB = ['GET', '/api/subscribers/{uuid}'] as const;
  const SUB_BOUNCES = ['GET', '/api/subscribers/{uuid}/bounces'] as const;
  const FIND_SUB = ['GET', '/api/subscribers'] as const;
  const REENABLE = ['POST', '/api/subscribers/{uuid}/reenable'] as const;
  const DELETE_SUB_BOUNCES = ['DELETE', '/api/subscribers/{uuid}/bounces'] as const;
  const GET_SETTINGS = ['GET', '/api/settings/bounce'] as const;
  const PUT_SETTINGS = ['PUT', '/api/settings/bounce'] as const;
  const SETTINGS_SCHEMA = ['GET', '/api/settings/schema'] as const;
  const OPENAPI = ['GET', '/api/openapi.json'] as const;
  const SCAN = ['POST', '/api/mailboxes/{uuid}/scan'] as const;
  const STUCK = ['GET', '/api/mailboxes/{uuid}/stuck'] as const;
  const RELEASE = ['POST', '/api/mailboxes/{uuid}/stuck/release'] as const;
  const TEST = ['POST', '/api/mailboxes/{uuid}/test'] as const;
  const SES = ['POST', '/webhooks/service/ses'] as const;
  const SENDGRID = ['POST', '/webhooks/service/sendgrid'] as const;
  const POSTMARK_ROUTE = ['POST', '/webhooks/service/postmark'] as const;
  const FORWARDEMAIL = ['POST', '/webhooks/service/forwardemail'] as const;
  const SPARKPOST_ROUTE = ['POST', '/webhooks/service/sparkpost'] as const;
  const MAILJET_ROUTE = ['POST', '/webhooks/service/mailjet'] as const;
  const BREVO_ROUTE = ['POST', '/webhooks/service/brevo'] as const;
  const MAILGUN = ['POST', '/webhooks/service/mailgun'] as const;
  const RESEND = ['POST', '/webhooks/service/resend'] as const;
  const POSTAL = ['POST', '/webhooks/service/postal'] as const;
  const nowS = () => Math.floor(api.clock.now().getTime() / 1000);

  const DELIVERIES = ['GET', '/api/outbound/deliveries'] as const;
  const RETRY = ['POST', '/api/outbound/deliveries/{id}/retry'] as const;
  const SCHEMAS = ['GET', '/api/outbound/schemas'] as const;
  const retry = (id: string, extra: Partial<EventOptions> = {}, harness: Pick<ApiHarness, 'call'> = api) =>
    harness.call({
      method: 'POST',
      resource: '/api/outbound/deliveries/{id}/retry',
      path: `/api/outbound/deliveries/${id}/retry`,
      pathParameters: { id },
      ...extra,
    });
  const deliveries = (query: EventOptions['query'], extra: Partial<EventOptions> = {}) =>
    call({ resource: '/api/outbound/deliveries', query, ...extra });
  const STATS = ['GET', '/api/stats'] as const;
  const statsOf = (query: EventOptions['query'], options: Partial<EventOptions> = {}, on = statsApi) =>
    on.call({ resource: '/api/stats', query, ...options });

  const c = (
    [method, path]: readonly [string, string],
    status: number,
    name: string,
    run: () => Promise<Res>,
    extra: Partial<Case> = {},
  ): Case => ({ method, path, status, name, run, ...extra });

  const CASES: Case[] = [
    c(SCHEMAS, 200, 'serves the event schemas', () =>
      call({ resource: '/api/outbound/schemas', permissions: null }),
    ),
    c(DELIVERIES, 200, 'lists the dead letters', () => deliveries({ status: 'failed' }), {
      also: (res) => expect(JSON.parse(res.text).data.results[0]?.status).toBe('failed'),
    }),
    c(DELIVERIES, 200, 'lists the pending deliveries', () => deliveries({ status: 'pending' })),
    c(DELIVERIES, 400, 'refuses an unknown status', () => deliveries({ status: 'lost' })),
    c(DELIVERIES, 401, 'refuses a request without a user', () => deliveries({}, { permissions: null })),
    c(DELIVERIES, 403, 'refuses a user without the permission', () =>
      deliveries({}, { permissions: ['settings:get'] }),
    ),
    c(DELIVERIES, 500, 'answers a storage failure', () =>
      down.call({ resource: '/api/outbound/deliveries', query: { status: 'failed' } }),
    ),
    c(RETRY, 200, 'puts a dead letter back in line', () => retry(`${FAILED_EVENT}.stmails`), {
      also: (res) => expect(JSON.parse(res.text).data).toMatchObject({ status: 'pending', attempts: 0 }),
    }),
    c(RETRY, 400, 'refuses a malformed id', () => retry('nope')),
    c(RETRY, 401, 'refuses a request without a user', () =>
      retry(`${FAILED_EVENT}.stmails`, { permissions: null }),
    ),
    c(RETRY, 403, 'refuses a user without the permission', () =>
      retry(`${FAILED_EVENT}.stmails`, { permissions: ['settings:get'] }),
    ),
    c(RETRY, 404, 'answers an unknown delivery', () => retry(`msg_${'0'.repeat(32)}.stmails`)),
    c(RETRY, 409, 'refuses a delivery that is not failed', () => retry(`${FAILED_EVENT}.ses_suppression`)),
    c(RETRY, 500, 'answers a storage failure', () => retry(`${FAILED_EVENT}.stmails`, {}, down)),
    // POST /webhooks/bounce
    c(WEBHOOK, 200, 'records a bounce', () => post(GOOD_BOUNCE), { request: GOOD_BOUNCE }),
    c(WEBHOOK, 200, 'answers a duplicate', () =>
      post({ subscriber_uuid: ANN, source: 'script', type: 'soft', event_id: 'evt-1' }),
    ),
    c(WEBHOOK, 400, 'refuses a body without source', () => post({ email: 'a@example.com', type: 'hard' })),
    c(WEBHOOK, 400, 'refuses a body that is not JSON', () => post('{"email": ')),
    c(WEBHOOK, 401, 'refuses a request without a user', () => post(GOOD_BOUNCE, { permissions: null })),
    c(WEBHOOK, 403, 'refuses a user without the permission', () =>
      post(GOOD_BOUNCE, { permissions: ['bounces:get'] }),
    ),
    c(WEBHOOK, 404, 'answers an unknown subscriber_uuid', () =>
      post({ subscriber_uuid: NOBODY, source: 'api', type: 'hard' }),
    ),
    c(WEBHOOK, 413, 'refuses a body over 1 MB', () => post({ ...GOOD_BOUNCE, meta: { pad: OVER_1MB } })),
    c(WEBHOOK, 500, 'answers a storage failure', () => post(GOOD_BOUNCE, {}, webhookDown)),
    c(WEBHOOK, 503, 'answers while webhooks are disabled', async () => {
      settingsOverride = { ...(await api.settings.get()), webhooks_enabled: false };
      try {
        return await post(GOOD_BOUNCE);
      } finally {
        settingsOverride = undefined;
      }
    }),

    // GET /api/bounces
    c(LIST, 200, 'lists a JSON page', () => bounceList({ per_page: '2' }), {
      also: (res) => expect(JSON.parse(res.text).data.next_cursor).toEqual(expect.any(String)),
    }),
    c(
      LIST,
      200,
      'lists with every documented filter',
      () =>
        bounceList({
          campaign_uuid: CAMPAIGN,
          source: 'api',
          type: 'hard',
          email: 'ann@example.com',
          from: '2026-01-01T00:00:00Z',
          to: '2026-12-31T00:00:00Z',
          order: 'asc',
          per_page: '1000',
          format: 'json',
        }),
      { also: (res) => expect(JSON.parse(res.text).data.results).toHaveLength(1) },
    ),
    c(
      LIST,
      200,
      'lists a CSV page with X-Next-Cursor and Link',
      () => bounceList({ format: 'csv', per_page: '1' }),
      {
        also: (res) => {
          expect(header(res, 'Content-Type')).toMatch(/^text\/csv/);
          expect(header(res, 'X-Next-Cursor')).toEqual(expect.any(String));
          expect(header(res, 'Link')).toMatch(/rel="next"$/);
        },
      },
    ),
    c(
      LIST,
      200,
      'lists the last CSV page without X-Next-Cursor',
      () => bounceList({ format: 'csv', per_page: '1000' }),
      {
        also: (res) => {
          expect(header(res, 'Content-Type')).toMatch(/^text\/csv/);
          expect(header(res, 'X-Next-Cursor')).toBeUndefined();
          expect(header(res, 'Link')).toBeUndefined();
        },
      },
    ),
    c(LIST, 200, 'lists an empty CSV page (header row only)', () =>
      bounceList({ format: 'csv', source: 'nowhere' }),
    ),
    c(LIST, 400, 'refuses per_page=all', () => bounceList({ per_page: 'all' })),
    c(LIST, 400, 'refuses per_page over 1000', () => bounceList({ per_page: '1001' })),
    c(LIST, 400, 'refuses an unknown format', () => bounceList({ format: 'xml' })),
    c(LIST, 400, 'refuses an undocumented parameter', () => bounceList({ order_by: 'email' })),
    c(LIST, 401, 'refuses a request without a user', () => bounceList({}, null)),
    c(LIST, 403, 'refuses a user without the permission', () => bounceList({}, ['webhooks:post_bounce'])),
    c(LIST, 500, 'answers a storage failure', () => down.call({ resource: '/api/bounces' })),

    // GET /api/bounces/{id}
    c(GET_ONE, 200, 'gets a bounce (meta, status, diagnostic, event key)', () =>
      bounceById('GET', ids.annSoft as string),
    ),
    c(GET_ONE, 200, 'gets a bounce without a subscriber record', () =>
      bounceById('GET', ids.carol as string),
    ),
    c(GET_ONE, 400, 'refuses an id that is not a ULID', () => bounceById('GET', 'abc')),
    c(GET_ONE, 401, 'refuses a request without a user', () => bounceById('GET', ABSENT_ID, null)),
    c(GET_ONE, 403, 'refuses a user without the permission', () =>
      bounceById('GET', ABSENT_ID, ['bounces:manage']),
    ),
    c(GET_ONE, 404, 'answers an absent bounce', () => bounceById('GET', ABSENT_ID)),
    c(GET_ONE, 500, 'answers a storage failure', () =>
      down.call({ resource: '/api/bounces/{id}', pathParameters: { id: ABSENT_ID } }),
    ),

    // PUT /api/subscribers
    c(
      UPSERT_SUBS,
      200,
      'upserts with an answer per item',
      () => call({ method: 'PUT', resource: '/api/subscribers', body: UPSERT }),
      {
        also: (res) => expect(JSON.parse(res.text).data).toMatchObject({ created: 1, updated: 1, errors: 2 }),
      },
    ),
    c(
      UPSERT_SUBS,
      200,
      'upserts the {"subscribers": [...]} form',
      () => call({ method: 'PUT', resource: '/api/subscribers', body: { subscribers: [UPSERT[1]] } }),
      { request: { subscribers: [UPSERT[1]] } },
    ),
    c(UPSERT_SUBS, 400, 'refuses an empty array', () =>
      call({ method: 'PUT', resource: '/api/subscribers', body: [] }),
    ),
    c(UPSERT_SUBS, 400, 'refuses a body that is not JSON', () =>
      call({ method: 'PUT', resource: '/api/subscribers', body: 'not json' }),
    ),
    c(UPSERT_SUBS, 401, 'refuses a request without a user', () =>
      call({ method: 'PUT', resource: '/api/subscribers', body: UPSERT, permissions: null }),
    ),
    c(UPSERT_SUBS, 403, 'refuses a user without the permission', () =>
      call({ method: 'PUT', resource: '/api/subscribers', body: UPSERT, permissions: ['subscribers:get'] }),
    ),
    c(UPSERT_SUBS, 413, 'refuses a body over 1 MB', () =>
      call({
        method: 'PUT',
        resource: '/api/subscribers',
        body: [{ uuid: ANN, email: 'ann@example.com', name: OVER_1MB }],
      }),
    ),
    c(UPSERT_SUBS, 500, 'answers a storage failure', () =>
      down.call({ method: 'PUT', resource: '/api/subscribers', body: [UPSERT[0]] }),
    ),

    // GET /api/subscribers/{uuid}
    c(
      GET_SUB,
      200,
      'gets a subscriber with counts and history',
      () => subscriber('/api/subscribers/{uuid}', ANN),
      {
        also: (res) => expect(JSON.parse(res.text).data.history).not.toHaveLength(0),
      },
    ),
    c(GET_SUB, 400, 'refuses a uuid that is not a UUID', () => subscriber('/api/subscribers/{uuid}', 'ann')),
    c(GET_SUB, 401, 'refuses a request without a user', () =>
      subscriber('/api/subscribers/{uuid}', ANN, { permissions: null }),
    ),
    c(GET_SUB, 403, 'refuses a user without the permission', () =>
      subscriber('/api/subscribers/{uuid}', ANN, { permissions: ['bounces:get'] }),
    ),
    c(GET_SUB, 404, 'answers an unknown subscriber', () => subscriber('/api/subscribers/{uuid}', NOBODY)),
    c(GET_SUB, 500, 'answers a storage failure', () =>
      down.call({ resource: '/api/subscribers/{uuid}', pathParameters: { uuid: ANN } }),
    ),

    // GET /api/subscribers?email=
    c(FIND_SUB, 200, 'finds a subscriber by address', () =>
      call({ resource: '/api/subscribers', query: { email: 'Ann@Example.com' } }),
    ),
    c(
      FIND_SUB,
      200,
      'finds the bare record a bounce created, uuid null',
      () => call({ resource: '/api/subscribers', query: { email: 'carol@example.com' } }),
      {
        also: (res) => expect(JSON.parse(res.text).data).toMatchObject({ uuid: null, status: 'blocklisted' }),
      },
    ),
    c(FIND_SUB, 400, 'refuses a lookup without email', () => call({ resource: '/api/subscribers' })),
    c(FIND_SUB, 401, 'refuses a request without a user', () =>
      call({ resource: '/api/subscribers', query: { email: 'ann@example.com' }, permissions: null }),
    ),
    c(FIND_SUB, 403, 'refuses a user without the permission', () =>
      call({
        resource: '/api/subscribers',
        query: { email: 'ann@example.com' },
        permissions: ['bounces:get'],
      }),
    ),
    c(FIND_SUB, 404, 'answers an unknown address', () =>
      call({ resource: '/api/subscribers', query: { email: 'nobody@example.com' } }),
    ),
    c(FIND_SUB, 500, 'answers a storage failure', () =>
      down.call({ resource: '/api/subscribers', query: { email: 'ann@example.com' } }),
    ),

    // POST /api/subscribers/{uuid}/reenable
    c(
      REENABLE,
      200,
      're-enables a blocklisted subscriber found by address',
      () => subscriber('/api/subscribers/{uuid}/reenable', 'carol%40example.com', { method: 'POST' }),
      {
        also: (res) => {
          const data = JSON.parse(res.text).data;
          expect(data).toMatchObject({ email: 'carol@example.com', status: 'enabled' });
          expect(data.history.at(-1)).toMatchObject({ action: 'reenabled', by: 'tester' });
        },
      },
    ),
    c(REENABLE, 200, 're-enables a subscriber found by uuid', () =>
      subscriber('/api/subscribers/{uuid}/reenable', BOB, { method: 'POST' }),
    ),
    c(REENABLE, 400, 'refuses a reference that is neither uuid nor address', () =>
      subscriber('/api/subscribers/{uuid}/reenable', 'carol', { method: 'POST' }),
    ),
    c(REENABLE, 401, 'refuses a request without a user', () =>
      subscriber('/api/subscribers/{uuid}/reenable', BOB, { method: 'POST', permissions: null }),
    ),
    c(REENABLE, 403, 'refuses a user without the permission', () =>
      subscriber('/api/subscribers/{uuid}/reenable', BOB, {
        method: 'POST',
        permissions: ['subscribers:get'],
      }),
    ),
    c(REENABLE, 404, 'answers an unknown subscriber', () =>
      subscriber('/api/subscribers/{uuid}/reenable', NOBODY, { method: 'POST' }),
    ),
    c(REENABLE, 500, 'answers a storage failure', () =>
      down.call({
        method: 'POST',
        resource: '/api/subscribers/{uuid}/reenable',
        pathParameters: { uuid: BOB },
      }),
    ),

    // GET /api/subscribers/{uuid}/bounces
    c(SUB_BOUNCES, 200, "lists a subscriber's bounces with every documented filter", () =>
      subscriber('/api/subscribers/{uuid}/bounces', ANN, {
        query: {
          type: 'soft',
          from: '2026-01-01T00:00:00Z',
          to: '2026-12-31T00:00:00Z',
          order: 'asc',
          per_page: '1',
        },
      }),
    ),
    c(SUB_BOUNCES, 200, "lists a subscriber's bounces", () =>
      subscriber('/api/subscribers/{uuid}/bounces', ANN),
    ),
    c(SUB_BOUNCES, 400, 'refuses an undocumented parameter', () =>
      subscriber('/api/subscribers/{uuid}/bounces', ANN, { query: { source: 'api' } }),
    ),
    c(SUB_BOUNCES, 401, 'refuses a request without a user', () =>
      subscriber('/api/subscribers/{uuid}/bounces', ANN, { permissions: null }),
    ),
    c(SUB_BOUNCES, 403, 'refuses a user without the permission', () =>
      subscriber('/api/subscribers/{uuid}/bounces', ANN, { permissions: ['subscribers:get'] }),
    ),
    c(SUB_BOUNCES, 404, 'answers an unknown subscriber', () =>
      subscriber('/api/subscribers/{uuid}/bounces', NOBODY),
    ),
    c(SUB_BOUNCES, 500, 'answers a storage failure', () =>
      down.call({ resource: '/api/subscribers/{uuid}/bounces', pathParameters: { uuid: ANN } }),
    ),

    // GET /api/settings/schema
    c(SETTINGS_SCHEMA, 200, "describes every registry provider's settings", () =>
      call({ resource: '/api/settings/schema' }),
    ),
    c(SETTINGS_SCHEMA, 401, 'refuses a request without a user', () =>
      call({ resource: '/api/settings/schema', permissions: null }),
    ),
    c(SETTINGS_SCHEMA, 403, 'refuses a user without the permission', () =>
      call({ resource: '/api/settings/schema', permissions: ['settings:manage'] }),
    ),

    // GET /api/settings/bounce
    c(
      GET_SETTINGS,
      200,
      'reads the defaults with ETag "0"',
      () => call({ resource: '/api/settings/bounce' }),
      {
        also: (res) => expect(header(res, 'ETag')).toBe('"0"'),
      },
    ),
    c(GET_SETTINGS, 401, 'refuses a request without a user', () =>
      call({ resource: '/api/settings/bounce', permissions: null }),
    ),
    c(GET_SETTINGS, 403, 'refuses a user without the permission', () =>
      call({ resource: '/api/settings/bounce', permissions: ['settings:manage'] }),
    ),
    c(GET_SETTINGS, 500, 'answers a storage failure', () => down.call({ resource: '/api/settings/bounce' })),

    // PUT /api/settings/bounce
    c(
      PUT_SETTINGS,
      200,
      'saves secrets and a mailbox, answering them masked',
      () => putSettings(SETTINGS_CHANGE, '"0"'),
      {
        request: SETTINGS_CHANGE,
        also: (res) => {
          expect(header(res, 'ETag')).toBe('"1"');
          expect(res.text).not.toMatch(/postmark-secret|forwardemail-secret|pop-secret/);
        },
      },
    ),
    c(
      PUT_SETTINGS,
      200,
      'saves with the version in the body',
      () => putSettings({ enabled: true, version: 1 }),
      {
        request: { enabled: true, version: 1 },
      },
    ),
    c(GET_SETTINGS, 200, 'reads saved settings with masked secrets', () =>
      call({ resource: '/api/settings/bounce' }),
    ),
    c(PUT_SETTINGS, 400, 'refuses a save without If-Match or version', () => putSettings({ enabled: true })),
    c(PUT_SETTINGS, 400, 'refuses an invalid setting', () =>
      putSettings({ actions: { hard: { count: 0 } } }, '"2"'),
    ),
    c(PUT_SETTINGS, 400, 'refuses an unknown setting', () => putSettings({ bogus: true }, '"2"')),
    c(PUT_SETTINGS, 401, 'refuses a request without a user', () =>
      putSettings({ enabled: true }, '"2"', { permissions: null }),
    ),
    c(PUT_SETTINGS, 403, 'refuses a user without the permission', () =>
      putSettings({ enabled: true }, '"2"', { permissions: ['settings:get'] }),
    ),
    c(PUT_SETTINGS, 409, 'refuses a stale version', () => putSettings({ enabled: true }, '"0"')),
    c(PUT_SETTINGS, 413, 'refuses a body over 1 MB', () =>
      putSettings({ postmark: { username: OVER_1MB } }, '"2"'),
    ),
    c(PUT_SETTINGS, 500, 'answers a storage failure', () =>
      down.call({
        method: 'PUT',
        resource: '/api/settings/bounce',
        body: { enabled: true },
        headers: { 'If-Match': '"2"' },
      }),
    ),

    // GET /api/openapi.json
    c(
      OPENAPI,
      200,
      'serves this document',
      () => call({ resource: '/api/openapi.json', permissions: null }),
      {
        also: (res) => expect(JSON.parse(res.text)).toEqual(document),
      },
    ),

    // POST /api/mailboxes/{uuid}/scan (after the settings cases: saving a mailbox moves the version)
    c(SCAN, 200, 'scans a mailbox on a POP3 server and answers the report', scanFakeMailbox, {
      also: (res) => {
        const report = JSON.parse(res.text).data;
        expect(report).toMatchObject({ mailbox: scannedMailbox, locked: false, on_server: 2, fetched: 2 });
        expect(report.error).toBeUndefined();
      },
    }),
    c(SCAN, 400, 'refuses a uuid that is not a UUID', () => scan('inbox')),
    c(SCAN, 401, 'refuses a request without a user', () => scan(MAILBOX, { permissions: null })),
    c(SCAN, 403, 'refuses a user without the permission', () =>
      scan(MAILBOX, { permissions: ['bounces:get'] }),
    ),
    c(SCAN, 404, 'answers an unknown mailbox', () => scan(NOBODY)),
    c(SCAN, 503, 'answers while bounce processing is disabled', () =>
      disabled.call({
        method: 'POST',
        resource: '/api/mailboxes/{uuid}/scan',
        pathParameters: { uuid: MAILBOX },
      }),
    ),
    c(STUCK, 200, 'lists the stuck messages (none)', () => stuck('GET', scannedMailbox), {
      also: (res) => expect(JSON.parse(res.text).data).toEqual({ results: [] }),
    }),
    c(STUCK, 400, 'refuses a uuid that is not a UUID', () => stuck('GET', 'inbox')),
    c(STUCK, 401, 'refuses a request without a user', () =>
      stuck('GET', scannedMailbox, { permissions: null }),
    ),
    c(STUCK, 403, 'refuses a user without the permission', () =>
      stuck('GET', scannedMailbox, { permissions: ['webhooks:post_bounce'] }),
    ),
    c(STUCK, 404, 'answers an unknown mailbox', () => stuck('GET', NOBODY)),
    c(STUCK, 500, 'answers a storage failure', () => stuck('GET', scannedMailbox, {}, down)),
    c(RELEASE, 200, 'releases every stuck message (none)', () => stuck('POST', scannedMailbox), {
      also: (res) => expect(JSON.parse(res.text).data).toEqual({ released: [] }),
    }),
    c(RELEASE, 400, 'refuses a uid that is neither a POP3 unique-id nor an IMAP key', () =>
      stuck('POST', scannedMailbox, { query: { uid: 'two words' } }),
    ),
    c(RELEASE, 401, 'refuses a request without a user', () =>
      stuck('POST', scannedMailbox, { permissions: null }),
    ),
    c(RELEASE, 403, 'refuses a user without the permission', () =>
      stuck('POST', scannedMailbox, { permissions: ['bounces:get'] }),
    ),
    c(RELEASE, 404, 'answers a uid that is not stuck', () =>
      stuck('POST', scannedMailbox, { query: { uid: 'uid-9' } }),
    ),
    c(RELEASE, 500, 'answers a storage failure', () => stuck('POST', scannedMailbox, {}, down)),
    c(SCAN, 500, 'answers a storage failure', () =>
      down.call({
        method: 'POST',
        resource: '/api/mailboxes/{uuid}/scan',
        pathParameters: { uuid: MAILBOX },
      }),
    ),

    // POST /api/mailboxes/{uuid}/test
    c(TEST, 200, 'signs in to a POP3 mailbox (disabled, even) and answers ok', () => testFakeMailbox(true), {
      also: (res) =>
        expect(JSON.parse(res.text).data).toEqual({
          ok: true,
          stage: null,
          message: 'signed in; 0 messages in the mailbox',
        }),
    }),
    c(TEST, 200, 'answers the stage that failed', () => testFakeMailbox(false), {
      also: (res) => expect(JSON.parse(res.text).data).toMatchObject({ ok: false, stage: 'connect' }),
    }),
    c(TEST, 400, 'refuses a uuid that is not a UUID', () => testMailbox('inbox')),
    c(TEST, 401, 'refuses a request without a user', () => testMailbox(MAILBOX, { permissions: null })),
    c(TEST, 403, 'refuses a user without the permission', () =>
      testMailbox(MAILBOX, { permissions: ['bounces:manage', 'settings:get'] }),
    ),
    c(TEST, 404, 'answers an unknown mailbox', () => testMailbox(NOBODY)),
    c(TEST, 500, 'answers a storage failure', () =>
      down.call({
        method: 'POST',
        resource: '/api/mailboxes/{uuid}/test',
        pathParameters: { uuid: MAILBOX },
      }),
    ),

    // POST /webhooks/service/{provider}
    c(SES, 200, 'records an SES bounce from a signed SNS notification', () => ses(notification(SES_BOUNCE)), {
      also: (res) => expect(JSON.parse(res.text).data).toMatchObject({ recorded: 1 }),
    }),
    c(SES, 200, 'confirms an SNS subscription', () => ses(subscriptionConfirmation()), {
      also: (res) => expect(JSON.parse(res.text).data).toEqual({ confirmed: true }),
    }),
    c(SES, 400, 'refuses a signed notification whose Message is not SES JSON', () =>
      ses(notification('not json')),
    ),
    c(SES, 401, 'refuses a body that is not an SNS envelope', () => ses(JSON.stringify(SES_BOUNCE))),
    c(SES, 403, 'refuses a topic not in ses.topic_arns', () =>
      ses(notification(SES_BOUNCE, { TopicArn: 'arn:aws:sns:us-east-1:123456789012:elsewhere' })),
    ),
    c(SES, 413, 'refuses a body over 1 MB', () => ses(OVER_1MB_BODY)),
    c(SES, 500, 'answers a storage failure', () => ses(notification(SES_BOUNCE), providersDown)),
    c(SES, 503, 'answers while ses is disabled', () =>
      withProviderSettings({ ses: { ...providerSettings.ses, enabled: false } }, () =>
        ses(notification(SES_BOUNCE)),
      ),
    ),
    c(SENDGRID, 200, 'records a signed SendGrid batch', () => sendgrid(SENDGRID_EVENTS), {
      also: (res) => expect(JSON.parse(res.text).data).toMatchObject({ recorded: 1, ignored: 1 }),
    }),
    c(SENDGRID, 200, 'answers a replayed batch as duplicates', () => sendgrid(SENDGRID_EVENTS), {
      also: (res) => expect(JSON.parse(res.text).data).toMatchObject({ recorded: 0, duplicates: 1 }),
    }),
    c(SENDGRID, 400, 'refuses a signed body that is not JSON', () => sendgrid('[{"email": ')),
    c(SENDGRID, 401, 'refuses an unsigned body', () => provider('sendgrid', SENDGRID_EVENTS)),
    c(SENDGRID, 413, 'refuses a body over 1 MB', () => sendgrid(OVER_1MB_BODY)),
    c(SENDGRID, 500, 'answers a storage failure', () => sendgrid(SENDGRID_EVENTS, providersDown)),
    c(SENDGRID, 503, 'answers while webhooks are disabled', () =>
      withProviderSettings({ webhooks_enabled: false }, () => sendgrid(SENDGRID_EVENTS)),
    ),
    c(POSTMARK_ROUTE, 200, 'records a Postmark bounce', () => postmark(POSTMARK_BOUNCE), {
      also: (res) => expect(JSON.parse(res.text).data).toMatchObject({ recorded: 1 }),
    }),
    c(POSTMARK_ROUTE, 400, 'refuses a body that is not JSON', () => postmark('{"RecordType": ')),
    c(POSTMARK_ROUTE, 401, 'refuses wrong credentials', () => postmark(POSTMARK_BOUNCE, 'wrong-password')),
    c(POSTMARK_ROUTE, 413, 'refuses a body over 1 MB', () => postmark(OVER_1MB_BODY)),
    c(POSTMARK_ROUTE, 500, 'answers a storage failure', () =>
      postmark(POSTMARK_BOUNCE, POSTMARK.password, providersDown),
    ),
    c(POSTMARK_ROUTE, 503, 'answers while postmark is disabled', () =>
      withProviderSettings({ postmark: { ...providerSettings.postmark, enabled: false } }, () =>
        postmark(POSTMARK_BOUNCE),
      ),
    ),
    c(FORWARDEMAIL, 200, 'records a signed Forward Email bounce', () => forwardemail(FORWARDEMAIL_BOUNCE), {
      also: (res) => expect(JSON.parse(res.text).data).toMatchObject({ recorded: 1 }),
    }),
    c(FORWARDEMAIL, 400, 'refuses a signed body that is not JSON', () => forwardemail('{"email_id": ')),
    c(FORWARDEMAIL, 401, 'refuses a wrong signature', () => forwardemail(FORWARDEMAIL_BOUNCE, 'another-key')),
    c(FORWARDEMAIL, 413, 'refuses a body over 1 MB', () => forwardemail(OVER_1MB_BODY)),
    c(FORWARDEMAIL, 500, 'answers a storage failure', () =>
      forwardemail(FORWARDEMAIL_BOUNCE, FORWARDEMAIL_KEY, providersDown),
    ),
    c(FORWARDEMAIL, 503, 'answers while bounce processing is disabled', () =>
      withProviderSettings({ enabled: false }, () => forwardemail(FORWARDEMAIL_BOUNCE)),
    ),
    c(SPARKPOST_ROUTE, 200, 'records a SparkPost batch', () => sparkpost(SPARKPOST_BATCH), {
      also: (res) => expect(JSON.parse(res.text).data).toMatchObject({ recorded: 3, ignored: 3 }),
    }),
    c(SPARKPOST_ROUTE, 200, 'answers a replayed batch as duplicates', () => sparkpost(SPARKPOST_BATCH), {
      also: (res) => expect(JSON.parse(res.text).data).toMatchObject({ recorded: 0, duplicates: 3 }),
    }),
    c(SPARKPOST_ROUTE, 400, 'refuses a body that is not a JSON array', () => sparkpost('{"msys": {}}')),
    c(SPARKPOST_ROUTE, 401, 'refuses wrong credentials', () => sparkpost(SPARKPOST_BATCH, 'wrong-password')),
    c(MAILJET_ROUTE, 200, 'records a grouped Mailjet request', () => mailjet(MAILJET_GROUP), {
      also: (res) => expect(JSON.parse(res.text).data).toMatchObject({ recorded: 3, ignored: 2 }),
    }),
    c(MAILJET_ROUTE, 400, 'refuses an event without its type', () => mailjet('{"email": "a@example.com"}')),
    c(MAILJET_ROUTE, 401, 'refuses wrong credentials', () => mailjet(MAILJET_GROUP, 'wrong-password')),
    c(BREVO_ROUTE, 200, 'records a batched Brevo request (bearer token)', () => brevo(BREVO_BATCH), {
      also: (res) => expect(JSON.parse(res.text).data).toMatchObject({ recorded: 4, ignored: 2 }),
    }),
    c(BREVO_ROUTE, 400, 'refuses a body that is not JSON', () => brevo('{"event": ')),
    c(BREVO_ROUTE, 401, 'refuses a wrong token', () => brevo(BREVO_BATCH, 'wrong-token')),
    c(BREVO_ROUTE, 429, 'answers while brevo is disabled (Brevo discards on any 5xx)', () =>
      withProviderSettings({ brevo: { ...providerSettings.brevo, enabled: false } }, () =>
        brevo(BREVO_BATCH),
      ),
    ),
    c(BREVO_ROUTE, 429, 'answers a storage failure (Brevo discards on any 5xx)', () =>
      brevo(BREVO_BATCH, BREVO.token, providersDown),
    ),
    c(MAILGUN, 200, 'records a signed Mailgun failure', () =>
      provider('mailgun', ...mailgunRequest('mg@example.com')),
    ),
    c(MAILGUN, 401, 'refuses a wrong signature', () =>
      provider('mailgun', ...mailgunRequest('mg@example.com', 'another-key')),
    ),
    c(RESEND, 200, 'records a Svix-signed Resend bounce', () =>
      provider('resend', ...resendRequest('rs@example.com', nowS())),
    ),
    c(RESEND, 401, 'refuses a signature outside the tolerance', () =>
      provider('resend', ...resendRequest('rs@example.com', nowS() - 600)),
    ),
    c(POSTAL, 200, 'records a signed Postal failure', () =>
      provider('postal', ...postalRequest('po@example.com')),
    ),
    c(POSTAL, 401, 'refuses a forged signature', () =>
      provider('postal', ...postalRequest('po@example.com', true)),
    ),

    // POST /api/mailboxes/{uuid}/test (the scan case above saved the mailbox; its server is gone now)

    // GET /api/stats
    c(STATS, 200, 'counts per day over the last 30 days', () => statsOf({}), {
      also: (res) => expect(JSON.parse(res.text).data.buckets).toHaveLength(30),
    }),
    c(STATS, 200, 'counts by reason with every documented parameter', async () => {
      const bounce = await statsApi.record.bounces.get(ids.annHard as string);
      await statsApi.record.stats?.increment(bounce as NonNullable<typeof bounce>);
      return statsOf({ from: '2026-01-01', to: '2026-12-31T00:00:00Z', group_by: 'reason' });
    }),
    c(STATS, 400, 'refuses an unknown grouping', () => statsOf({ group_by: 'week' })),
    c(STATS, 401, 'refuses a request without a user', () => statsOf({}, { permissions: null })),
    c(STATS, 403, 'refuses a user without the permission', () =>
      statsOf({}, { permissions: ['subscribers:get'] }),
    ),
    c(STATS, 500, 'answers a storage failure', () => statsOf({}, {}, statsDown)),

    // Deletes last: they remove what the cases above read.
    c(DELETE_ONE, 200, 'deletes one bounce', () => bounceById('DELETE', ids.dave as string), {
      also: (res) => expect(JSON.parse(res.text).data).toEqual({ deleted: 1, more: false }),
    }),
    c(DELETE_ONE, 400, 'refuses an id that is not a ULID', () => bounceById('DELETE', 'abc')),
    c(DELETE_ONE, 401, 'refuses a request without a user', () => bounceById('DELETE', ABSENT_ID, null)),
    c(DELETE_ONE, 403, 'refuses a user without the permission', () =>
      bounceById('DELETE', ABSENT_ID, ['bounces:get']),
    ),
    c(DELETE_ONE, 404, 'answers an absent bounce', () => bounceById('DELETE', ABSENT_ID)),
    c(DELETE_ONE, 500, 'answers a storage failure', () =>
      down.call({ method: 'DELETE', resource: '/api/bounces/{id}', pathParameters: { id: ABSENT_ID } }),
    ),
    c(DELETE_MANY, 200, 'deletes by ids', () =>
      call({ method: 'DELETE', resource: '/api/bounces', query: { id: [ids.erin as string, ABSENT_ID] } }),
    ),
    c(DELETE_MANY, 200, 'deletes by every documented filter', () =>
      call({
        method: 'DELETE',
        resource: '/api/bounces',
        query: {
          campaign_uuid: CAMPAIGN,
          source: 'api',
          type: 'hard',
          email: 'ann@example.com',
          from: '2026-01-01T00:00:00Z',
          to: '2026-12-31T00:00:00Z',
        },
      }),
    ),
    c(DELETE_MANY, 400, 'refuses a delete without parameters', () =>
      call({ method: 'DELETE', resource: '/api/bounces' }),
    ),
    c(DELETE_MANY, 400, 'refuses all=true with a filter', () =>
      call({ method: 'DELETE', resource: '/api/bounces', query: { all: 'true', source: 'api' } }),
    ),
    c(DELETE_MANY, 401, 'refuses a request without a user', () =>
      call({ method: 'DELETE', resource: '/api/bounces', query: { all: 'true' }, permissions: null }),
    ),
    c(DELETE_MANY, 403, 'refuses a user without the permission', () =>
      call({
        method: 'DELETE',
        resource: '/api/bounces',
        query: { all: 'true' },
        permissions: ['bounces:get'],
      }),
    ),
    c(DELETE_MANY, 500, 'answers a storage failure', () =>
      down.call({ method: 'DELETE', resource: '/api/bounces', query: { all: 'true' } }),
    ),
    c(DELETE_SUB_BOUNCES, 200, "deletes a subscriber's bounces", () =>
      subscriber('/api/subscribers/{uuid}/bounces', BOB, { method: 'DELETE' }),
    ),
    c(DELETE_SUB_BOUNCES, 400, 'refuses a parameter', () =>
      subscriber('/api/subscribers/{uuid}/bounces', BOB, { method: 'DELETE', query: { type: 'soft' } }),
    ),
    c(DELETE_SUB_BOUNCES, 401, 'refuses a request without a user', () =>
      subscriber('/api/subscribers/{uuid}/bounces', BOB, { method: 'DELETE', permissions: null }),
    ),
    c(DELETE_SUB_BOUNCES, 403, 'refuses a user without the permission', () =>
      subscriber('/api/subscribers/{uuid}/bounces', BOB, { method: 'DELETE', permissions: ['bounces:get'] }),
    ),
    c(DELETE_SUB_BOUNCES, 404, 'answers an unknown subscriber', () =>
      subscriber('/api/subscribers/{uuid}/bounces', NOBODY, { method: 'DELETE' }),
    ),
    c(DELETE_SUB_BOUNCES, 500, 'answers a storage failure', () =>
      down.call({
        method: 'DELETE',
        resource: '/api/subscribers/{uuid}/bounces',
        pathParameters: { uuid: BOB },
      }),
    ),
    c(DELETE_MANY, 200, 'deletes everything with all=true', () =>
      call({ method: 'DELETE', resource: '/api/bounces', query: { all: 'true' } }),
    ),
    c(LIST, 200, 'lists an empty page', () => bounceList({}), {
      also: (res) =>
        expect(JSON.parse(res.text).data).toEqual({ results: [], per_page: 20, next_cursor: null }),
    }),
  ];

  for (const t of CASES) {
    it(`${t.method} ${t.path} ${t.status}: ${t.name}`, async () => {
      if (t.request !== undefined) oas.validateRequest(t.method, t.path, 'application/json', t.request);
      const res = await t.run();
      expect(res.status, res.text.slice(0, 500)).toBe(t.status);
      expectDocumented(t.method, t.path, res);
      t.also?.(res);
    });
  }

  it('checked real responses of every route in ROUTES, and every status each operation documents', () => {
    const missing: string[] = [];
    const byOperation = new Map<string, Set<number>>();
    for (const route of ROUTES) {
      const key = routeKey(route.method, route.path);
      const seen = exercised.get(key);
      if (!seen?.has(200))
        missing.push(`${key}: no real 200 checked; add cases to test/handlers/openapi.test.ts`);
      const operation = routeKey(route.method, documentedPathFor(route.method, route.path) ?? route.path);
      byOperation.set(operation, new Set([...(byOperation.get(operation) ?? []), ...(seen ?? [])]));
    }
    for (const [operation, seen] of byOperation) {
      const [method, path] = operation.split(' ') as [string, string];
      const documented = Object.keys(oas.operation(method, path).responses as object).map(Number);
      const unseen = documented.filter((s) => !seen.has(s) && !ROUTER_ONLY[operation]?.includes(s));
      if (unseen.length) missing.push(`${operation}: documented ${unseen.join(', ')} never answered here`);
    }
    expect(missing).toEqual([]);
  });
});
