import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BounceInput } from '../../../lambdas/core/bounces/bounce.js';
import { UnauthenticatedError, ValidationError } from '../../../lambdas/core/errors.js';
import { forwardemailProvider } from '../../../lambdas/core/providers/forwardemail.js';
import type { ProviderOutcome, ProviderRequest } from '../../../lambdas/core/providers/provider.js';
import { type BounceSettings, defaultSettings } from '../../../lambdas/core/settings/settings.js';
import { FakeClock } from '../../support/fakes.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/providers/forwardemail');
// Forward Email shows randomBytes(16) as hex and signs with that text, not with the decoded bytes.
const KEY = randomBytes(16).toString('hex');

function fixture(name: string): Buffer {
  return readFileSync(join(FIXTURES, name));
}

function fixtureJson(name: string): Record<string, unknown> {
  return JSON.parse(fixture(name).toString('utf8'));
}

function signed(body: Buffer | Record<string, unknown>, key = KEY): ProviderRequest {
  const rawBody = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
  const signature = createHmac('sha256', key).update(rawBody).digest('hex');
  return { rawBody, headers: { 'x-webhook-signature': signature } };
}

function settings(key = KEY): BounceSettings {
  const s = defaultSettings();
  s.forwardemail = { enabled: true, key };
  return s;
}

async function handle(request: ProviderRequest, s = settings()): Promise<ProviderOutcome> {
  return forwardemailProvider.handle(request, s.forwardemail, {
    clock: new FakeClock(),
    certificates: { load: async () => '' },
  });
}

async function bounceOf(body: Buffer | Record<string, unknown>): Promise<BounceInput | undefined> {
  const outcome = await handle(signed(body));
  return outcome.kind === 'events' ? outcome.bounces[0] : undefined;
}

function withCategory(category: string | undefined): Record<string, unknown> {
  const body = fixtureJson('reject-block-5xx.json');
  return { ...body, bounce: { ...(body.bounce as object), category } };
}

const IGNORED = { kind: 'events', bounces: [], ignored: 1, skipped: 0 };

describe('forwardemailProvider: mapping', () => {
  it('maps a recipient reject to hard user_unknown with its code, time, campaign, subscriber and key', async () => {
    expect(await bounceOf(fixture('reject-recipient.json'))).toEqual({
      email: 'alice@example.org',
      type: 'hard',
      reason: 'user_unknown',
      status: '5.1.1',
      diagnostic: '550 5.1.1 The email account that you tried to reach does not exist.',
      source: 'forwardemail',
      campaign_uuid: '6f1c2b0e-4d3a-4c5b-9a8e-7d6c5b4a3f21',
      subscriber_uuid: '0b9d8c7e-6f5a-4e3d-8c2b-1a0f9e8d7c6b',
      created_at: '2026-11-28T01:50:02.828Z',
      resolve_by: 'email',
      event_key: 'forwardemail:6745a1b2c3d4e5f6a7b8c9d0:alice@example.org:2026-11-28T01:50:02.828Z',
      meta: {
        email_id: '6745a1b2c3d4e5f6a7b8c9d0',
        category: 'recipient',
        response_code: 550,
        truth_source: 'google.com',
      },
    });
  });

  it('keeps a 5xx block soft blocked: a sender-side block must not blocklist the subscriber', async () => {
    expect(await bounceOf(fixture('reject-block-5xx.json'))).toMatchObject({
      type: 'soft',
      reason: 'blocked',
      status: '5.7.1',
    });
  });

  it('reads campaign headers given as a list of {key, value}, keeping a non-UUID as meta.campaign_ref', async () => {
    const bounce = await bounceOf(fixture('reject-block-5xx.json'));
    expect(bounce?.campaign_uuid).toBeUndefined();
    expect(bounce?.meta.campaign_ref).toBe('november-digest-2026');
  });

  it.each([
    ['capacity', 'mailbox_full'],
    ['blocklist', 'blocked'],
    ['spam', 'spam_detected'],
    ['virus', 'virus'],
    ['policy', 'policy'],
    ['dmarc', 'policy'],
    ['auth', 'policy'],
    ['rate', 'rate_limited'],
    ['network', 'network'],
    ['greylist', 'network'],
  ])('maps a 5xx reject of category %s to soft %s', async (category, reason) => {
    expect(await bounceOf(withCategory(category))).toMatchObject({ type: 'soft', reason });
  });

  it('falls back to the SMTP response for category other', async () => {
    expect(await bounceOf(fixture('reject-other.json'))).toMatchObject({
      type: 'hard',
      reason: 'user_unknown',
    });
  });

  it.each(['protocol', 'message', undefined])(
    'falls back to the status for category %s',
    async (category) => {
      const body = {
        ...withCategory(category),
        message: 'Relaying denied.',
        response: '554 5.7.1 Relay access denied',
        bounce: { action: 'reject', category, code: 554, status: '5.7.1' },
      };
      expect(await bounceOf(body)).toMatchObject({ type: 'soft', reason: 'blocked', status: '5.7.1' });
    },
  );

  it('falls back to a plain 552 response code as mailbox_full', async () => {
    const body = {
      ...withCategory('other'),
      message: 'Refused.',
      response: '552 Requested action aborted',
      response_code: 552,
      bounce: { action: 'reject', category: 'other', code: 552 },
    };
    expect(await bounceOf(body)).toMatchObject({ type: 'soft', reason: 'mailbox_full' });
  });

  it('acknowledges a deferral without recording it', async () => {
    expect(await handle(signed(fixture('defer.json')))).toEqual(IGNORED);
  });

  it('ignores a payload that carries no bounce', async () => {
    expect(await handle(signed({ email_id: 'x', recipient: 'a@example.com' }))).toEqual(IGNORED);
  });

  it('refuses a reject without a usable recipient with a 400 naming the field', async () => {
    const body = { ...fixtureJson('reject-recipient.json'), recipient: undefined };
    await expect(handle(signed(body))).rejects.toThrow(/^recipient: /);
  });

  it('refuses a body that is not one JSON object with a 400', async () => {
    await expect(handle(signed(Buffer.from('[]')))).rejects.toBeInstanceOf(ValidationError);
    await expect(handle(signed(Buffer.from('{"bounce":')))).rejects.toThrow(/not valid JSON/);
  });
});

describe('forwardemailProvider: verification', () => {
  const body = fixture('reject-recipient.json');

  it('accepts the signature in upper-case hex', async () => {
    const request = signed(body);
    const headers = { 'x-webhook-signature': request.headers['x-webhook-signature']?.toUpperCase() };
    await expect(handle({ ...request, headers })).resolves.toMatchObject({ kind: 'events' });
  });

  it('rejects an altered body', async () => {
    const request = signed(body);
    const altered = Buffer.from(body.toString('utf8').replace('"recipient"', '"block"'));
    await expect(handle({ ...request, rawBody: altered })).rejects.toThrow('invalid signature');
  });

  it('rejects a signature made with another key', async () => {
    await expect(handle(signed(body, randomBytes(16).toString('hex')))).rejects.toThrow('invalid signature');
  });

  it('rejects a signature made with the hex-decoded key bytes', async () => {
    const rawBody = body;
    const signature = createHmac('sha256', Buffer.from(KEY, 'hex')).update(rawBody).digest('hex');
    await expect(handle({ rawBody, headers: { 'x-webhook-signature': signature } })).rejects.toBeInstanceOf(
      UnauthenticatedError,
    );
  });

  it('rejects a request without X-Webhook-Signature', async () => {
    await expect(handle({ rawBody: body, headers: {} })).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it('rejects a body signed with a whitespace key while that key is configured', async () => {
    await expect(handle(signed(body, '   '), settings('   '))).rejects.toThrow(
      'forwardemail.key is not configured',
    );
  });

  it('rejects everything while no key is configured, even a body signed with the empty key', async () => {
    await expect(handle(signed(body, ''), settings(''))).rejects.toThrow(
      'forwardemail.key is not configured',
    );
  });
});
