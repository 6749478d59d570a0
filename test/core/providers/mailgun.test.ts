import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BounceInput } from '../../../lambdas/core/bounces/bounce.js';
import { UnauthenticatedError, ValidationError } from '../../../lambdas/core/errors.js';
import { mailgunMapping, mailgunProvider } from '../../../lambdas/core/providers/mailgun.js';
import type { ProviderOutcome, ProviderRequest } from '../../../lambdas/core/providers/provider.js';
import { FakeClock } from '../../support/fakes.js';
import { bounceOrIgnored, describeMappingExamples } from '../../support/mapping-examples.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/providers/mailgun');
const KEY = `key-${randomBytes(16).toString('hex')}`;
const CAMPAIGN = '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b';
const SUBSCRIBER = '0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d';

type Json = Record<string, unknown>;

function fixture(name: string): Json {
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));
}

function sign(key: string, timestamp: string, token: string): string {
  return createHmac('sha256', key)
    .update(timestamp + token)
    .digest('hex');
}

function signed(eventData: Json, options: { key?: string; token?: string; timestamp?: string } = {}) {
  const token = options.token ?? randomBytes(25).toString('hex');
  const timestamp = options.timestamp ?? '1764410400';
  const body = {
    signature: { timestamp, token, signature: sign(options.key ?? KEY, timestamp, token) },
    'event-data': eventData,
  };
  return { body, token };
}

function request(body: unknown): ProviderRequest {
  const rawBody = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
  return { rawBody, headers: { 'content-type': 'application/json' } };
}

function handle(body: unknown, key = KEY): Promise<ProviderOutcome> {
  return mailgunProvider.handle(
    request(body),
    { enabled: true, signing_key: key },
    { clock: new FakeClock(), certificates: { load: async () => '' } },
  );
}

async function mapped(eventData: Json): Promise<BounceInput | 'ignored'> {
  return bounceOrIgnored(await handle(signed(eventData).body));
}

function failed(status: Json, reason = 'bounce'): Json {
  return { ...fixture('failed-permanent-5.1.1.json'), reason, 'delivery-status': status };
}

/** One payload per row of the mapping table, written from Mailgun's documented event shapes. */
const EXAMPLES: Record<string, Json> = {
  'failed, severity permanent, reason suppress-bounce': fixture('failed-permanent-suppress-bounce.json'),
  'failed, severity permanent, reason suppress-complaint': {
    ...fixture('failed-permanent-suppress-bounce.json'),
    reason: 'suppress-complaint',
  },
  'failed, severity permanent, reason suppress-unsubscribe': {
    ...fixture('failed-permanent-suppress-bounce.json'),
    reason: 'suppress-unsubscribe',
  },
  'failed, severity permanent, reason espblock': failed(
    { code: 550, message: '5.1.1 user unknown' },
    'espblock',
  ),
  'failed, severity permanent, reason old': failed({ code: 550, message: '' }, 'old'),
  'failed, severity permanent, delivery-status 550 5.1.1 (any other reason)': fixture(
    'failed-permanent-5.1.1.json',
  ),
  'failed, severity permanent, delivery-status 552 mailbox full': failed({
    code: 552,
    message: 'Requested mail action aborted: mailbox full',
  }),
  'failed, severity permanent, delivery-status 554 5.7.1 blocked': failed({
    code: 554,
    'enhanced-code': '5.7.1',
    message: '5.7.1 Service unavailable; client host blocked using Spamhaus',
  }),
  'failed, severity permanent, delivery-status unclassified': failed({ code: 550, message: 'Rejected' }),
  'failed, severity temporary (Mailgun retries)': fixture('failed-temporary.json'),
  complained: fixture('complained.json'),
  'delivered, opened, clicked, unsubscribed, accepted, rejected, stored, ...': {
    ...fixture('complained.json'),
    event: 'delivered',
  },
};

describeMappingExamples('mailgunProvider: the mapping table', mailgunMapping, EXAMPLES, mapped);

describe('mailgunProvider: mapping', () => {
  it('maps a permanent failure with its status, time, correlation, key and fingerprint', async () => {
    const event = {
      ...fixture('failed-permanent-5.1.1.json'),
      'user-variables': { stmails_campaign: CAMPAIGN, stmails_subscriber: SUBSCRIBER },
    };
    const { body, token } = signed(event);
    const outcome = await handle(body);
    expect(outcome).toEqual({
      kind: 'events',
      ignored: 0,
      skipped: 0,
      bounces: [
        {
          email: 'christest123@test.com',
          type: 'hard',
          reason: 'user_unknown',
          status: '5.1.1',
          diagnostic: 'smtp; 550-5.1.1 The email account that you tried to reach does not exist.',
          source: 'mailgun',
          campaign_uuid: CAMPAIGN,
          subscriber_uuid: SUBSCRIBER,
          meta: {
            event_id: 'ZDMqRgjLTDi6rQcy7K60aA',
            message_id: '20221019211537.93011d31ea99c5a8@test.com',
            mailgun_reason: 'generic',
            code: 550,
            delayed_bounce: true,
          },
          created_at: '2022-10-19T21:15:38.404Z',
          resolve_by: 'email',
          event_key: `mailgun:${token}`,
          event_fingerprint: 'ZDMqRgjLTDi6rQcy7K60aA',
        },
      ],
    });
  });

  it('keeps a campaign that is not a UUID as meta.campaign_ref', async () => {
    const result = await mapped({
      ...fixture('complained.json'),
      'user-variables': { stmails_campaign: 'spring' },
    });
    expect(result).toMatchObject({ meta: { campaign_ref: 'spring' } });
    expect(result).not.toHaveProperty('campaign_uuid');
  });

  it('refuses a recorded event without event-data.id (400 naming it)', async () => {
    const { id: _id, ...event } = fixture('complained.json');
    await expect(handle(signed(event).body)).rejects.toMatchObject({ field: 'event-data.id' });
  });

  it('refuses a body that is not JSON (400 naming body)', async () => {
    const error = await handle(Buffer.from('signature=x&token=y')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('body');
  });
});

describe('mailgunProvider: verification', () => {
  it('accepts the TEST-ONLY signed vector made outside this code base', async () => {
    const vector = JSON.parse(readFileSync(join(FIXTURES, 'vector.failed-permanent.json'), 'utf8'));
    const outcome = await handle(vector, 'TEST-ONLY-mailgun-webhook-signing-key');
    expect(outcome).toMatchObject({ kind: 'events', bounces: [{ reason: 'on_suppression_list' }] });
  });

  it('refuses a forged signature', async () => {
    const { body } = signed(fixture('complained.json'), { key: 'another-key' });
    await expect(handle(body)).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it('refuses an unsigned request', async () => {
    await expect(handle({ 'event-data': fixture('complained.json') })).rejects.toBeInstanceOf(
      UnauthenticatedError,
    );
  });

  it('refuses a signature whose timestamp or token was altered', async () => {
    const { body } = signed(fixture('complained.json'));
    const later = { ...body, signature: { ...body.signature, timestamp: '1764410401' } };
    const other = { ...body, signature: { ...body.signature, token: `${body.signature.token.slice(1)}x` } };
    await expect(handle(later)).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(handle(other)).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it('never admits a request while the key is blank, whatever it is signed with', async () => {
    for (const blank of ['', '   ']) {
      const { body } = signed(fixture('complained.json'), { key: blank });
      await expect(handle(body, blank)).rejects.toThrow(/mailgun.signing_key is not configured/);
    }
  });

  it("accepts a sub-account's event by its parent-signature", async () => {
    const { body } = signed(fixture('complained.json'), { key: 'sub-account-key' });
    const { timestamp, token } = body.signature;
    const parent = {
      ...body,
      signature: { ...body.signature, 'parent-signature': sign(KEY, timestamp, token) },
    };
    expect(await handle(parent)).toMatchObject({ kind: 'events', bounces: [{ type: 'complaint' }] });
  });
});
