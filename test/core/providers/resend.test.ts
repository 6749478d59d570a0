import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BounceInput } from '../../../lambdas/core/bounces/bounce.js';
import { UnauthenticatedError } from '../../../lambdas/core/errors.js';
import type { ProviderOutcome, ProviderRequest } from '../../../lambdas/core/providers/provider.js';
import { resendMapping, resendProvider } from '../../../lambdas/core/providers/resend.js';
import { FakeClock } from '../../support/fakes.js';
import { bounceOrIgnored, describeMappingExamples } from '../../support/mapping-examples.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/providers/resend');
const SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const NOW = new Date('2026-11-29T10:00:00.000Z');
const NOW_S = Math.floor(NOW.getTime() / 1000);
const CAMPAIGN = '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b';
const SUBSCRIBER = '0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d';

type Json = Record<string, unknown>;

function fixture(name: string): Json {
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));
}

/** Svix's scheme written out here, independently of the library the provider uses. */
function signature(secret: string, id: string, timestamp: string, body: Buffer): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const mac = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64');
  return `v1,${mac}`;
}

function signed(
  body: Json | Buffer,
  options: { secret?: string; at?: number; id?: string; headers?: Record<string, string> } = {},
): ProviderRequest {
  const rawBody = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
  const id = options.id ?? `msg_${randomBytes(12).toString('hex')}`;
  const timestamp = String(options.at ?? NOW_S);
  return {
    rawBody,
    headers: {
      'svix-id': id,
      'svix-timestamp': timestamp,
      'svix-signature': signature(options.secret ?? SECRET, id, timestamp, rawBody),
      ...options.headers,
    },
  };
}

function handle(request: ProviderRequest, secret = SECRET, now = NOW): Promise<ProviderOutcome> {
  return resendProvider.handle(
    request,
    { enabled: true, secret },
    { clock: new FakeClock(now), certificates: { load: async () => '' } },
  );
}

async function mapped(body: Json): Promise<BounceInput | 'ignored'> {
  return bounceOrIgnored(await handle(signed(body)));
}

function bounced(bounce: Json): Json {
  const body = fixture('bounced-message-only.json');
  return { ...body, data: { ...(body.data as Json), bounce } };
}

/** One payload per row of the mapping table, written from Resend's documented event shapes. */
const EXAMPLES: Record<string, Json> = {
  'email.bounced, bounce.type Permanent, subType General, 5.1.1': bounced({
    type: 'Permanent',
    subType: 'General',
    message: 'smtp; 550 5.1.1 The email account that you tried to reach does not exist',
  }),
  'email.bounced, bounce.type Permanent, subType General': bounced({
    type: 'Permanent',
    subType: 'General',
    message: "The recipient's email provider sent a hard bounce message.",
  }),
  'email.bounced, bounce.type Permanent, subType NoEmail': bounced({ type: 'Permanent', subType: 'NoEmail' }),
  'email.bounced, bounce.type Permanent, subType Suppressed or OnAccountSuppressionList': bounced({
    type: 'Permanent',
    subType: 'OnAccountSuppressionList',
  }),
  'email.bounced, bounce.type Transient, subType MailboxFull': bounced({
    type: 'Transient',
    subType: 'MailboxFull',
  }),
  'email.bounced, bounce.type Transient, subType MessageTooLarge': bounced({
    type: 'Transient',
    subType: 'MessageTooLarge',
  }),
  'email.bounced, bounce.type Transient, subType ContentRejected or AttachmentRejected': bounced({
    type: 'Transient',
    subType: 'AttachmentRejected',
  }),
  'email.bounced, bounce.type Transient (General) or Undetermined': bounced({
    type: 'Undetermined',
    subType: 'Undetermined',
  }),
  'email.bounced without a type, message "suppressed sending"': fixture('bounced-suppressed.json'),
  'email.bounced without a type, message says the inbox was full': bounced({
    message: "The recipient's email provider sent a bounce message because the recipient's inbox was full.",
  }),
  'email.bounced without a type, any other message': fixture('bounced-message-only.json'),
  'email.complained': fixture('complained.json'),
  'email.delivery_delayed (Resend retries)': fixture('delivery-delayed.json'),
  'email.sent, email.delivered, email.opened, email.clicked, email.failed, ...': {
    ...fixture('delivery-delayed.json'),
    type: 'email.delivered',
  },
};

describeMappingExamples('resendProvider: the mapping table', resendMapping, EXAMPLES, mapped);

describe('resendProvider: mapping', () => {
  it('maps a bounce with its time, correlation from tags and the svix-id as key', async () => {
    const body = bounced({ type: 'Permanent', subType: 'General', message: '550 5.1.1 no such user' });
    (body.data as Json).tags = { stmails_campaign: CAMPAIGN, stmails_subscriber: SUBSCRIBER };
    const outcome = await handle(signed(body, { id: 'msg_fixed' }));
    expect(outcome).toEqual({
      kind: 'events',
      ignored: 0,
      skipped: 0,
      bounces: [
        {
          email: 'bounced@resend.dev',
          type: 'hard',
          reason: 'user_unknown',
          status: '5.1.1',
          diagnostic: '550 5.1.1 no such user',
          source: 'resend',
          campaign_uuid: CAMPAIGN,
          subscriber_uuid: SUBSCRIBER,
          meta: {
            email_id: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
            bounce_type: 'Permanent',
            bounce_subtype: 'General',
            svix_id: 'msg_fixed',
          },
          created_at: '2023-10-02T18:11:26.101Z',
          resolve_by: 'email',
          event_key: 'resend:msg_fixed',
        },
      ],
    });
  });

  it('reads the stmails headers of older payloads and tags sent as a list', async () => {
    const body = fixture('complained.json');
    (body.data as Json).headers = [{ name: 'X-Stmails-Campaign', value: CAMPAIGN }];
    (body.data as Json).tags = [{ name: 'stmails_subscriber', value: SUBSCRIBER }];
    expect(await mapped(body)).toMatchObject({ campaign_uuid: CAMPAIGN, subscriber_uuid: SUBSCRIBER });
  });

  it('skips an email with several recipients: Resend does not say which one bounced', async () => {
    const body = fixture('bounced-message-only.json');
    (body.data as Json).to = ['a@example.com', 'b@example.com'];
    expect(await handle(signed(body))).toEqual({ kind: 'events', bounces: [], ignored: 0, skipped: 1 });
  });
});

describe('resendProvider: verification', () => {
  it('accepts the Svix vector signed outside this code base, at its own time', async () => {
    const vector = fixture('vector.json') as { webhookSecret: string; headers: Record<string, string> };
    const rawBody = readFileSync(join(FIXTURES, 'vector.body.txt'));
    const at = new Date(Number(vector.headers['svix-timestamp']) * 1000);
    const outcome = await handle({ rawBody, headers: vector.headers }, vector.webhookSecret, at);
    expect(outcome).toMatchObject({ kind: 'events', bounces: [{ email: 'bounced@resend.dev' }] });
  });

  it('accepts any of several signatures (a secret being rotated)', async () => {
    const request = signed(fixture('complained.json'));
    const headers = {
      ...request.headers,
      'svix-signature': `v1,bm9wZQ== ${request.headers['svix-signature']}`,
    };
    expect(await handle({ ...request, headers })).toMatchObject({ kind: 'events', bounces: [{}] });
  });

  it('refuses a forged signature, another secret, and an unsigned request', async () => {
    const request = signed(fixture('complained.json'));
    const forged = { ...request, headers: { ...request.headers, 'svix-signature': 'v1,bm9wZQ==' } };
    await expect(handle(forged)).rejects.toBeInstanceOf(UnauthenticatedError);
    const other = signed(fixture('complained.json'), {
      secret: `whsec_${randomBytes(24).toString('base64')}`,
    });
    await expect(handle(other)).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(handle({ rawBody: request.rawBody, headers: {} })).rejects.toBeInstanceOf(
      UnauthenticatedError,
    );
  });

  it('refuses an altered body and an altered id', async () => {
    const request = signed(fixture('complained.json'));
    const altered = Buffer.from(request.rawBody.toString().replace('complained@', 'victim@'));
    await expect(handle({ ...request, rawBody: altered })).rejects.toBeInstanceOf(UnauthenticatedError);
    const renamed = { ...request, headers: { ...request.headers, 'svix-id': 'msg_other' } };
    await expect(handle(renamed)).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it('refuses a signature older or newer than 5 minutes, and accepts one at the edge', async () => {
    const body = fixture('complained.json');
    await expect(handle(signed(body, { at: NOW_S - 301 }))).rejects.toThrow(/5-minute tolerance/);
    await expect(handle(signed(body, { at: NOW_S + 301 }))).rejects.toThrow(/5-minute tolerance/);
    expect(await handle(signed(body, { at: NOW_S - 300 }))).toMatchObject({ kind: 'events' });
  });

  it('never admits a request while the secret is blank, and names a secret that is not one', async () => {
    for (const blank of ['', '  ']) {
      await expect(handle(signed(fixture('complained.json')), blank)).rejects.toThrow(
        /resend.secret is not configured/,
      );
    }
    await expect(handle(signed(fixture('complained.json')), 'whsec_')).rejects.toThrow(/resend.secret/);
  });
});
