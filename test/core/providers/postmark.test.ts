import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UnauthenticatedError, ValidationError } from '../../../lambdas/core/errors.js';
import { parsePostmarkBody, postmarkProvider } from '../../../lambdas/core/providers/postmark.js';
import type { ProviderOutcome } from '../../../lambdas/core/providers/provider.js';
import { type BounceSettings, defaultSettings } from '../../../lambdas/core/settings/settings.js';
import { FakeClock } from '../../support/fakes.js';
import { costRatio, LINEAR_BOUND } from '../../support/linearity.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/providers/postmark');
const USER = 'postmark-hook';
const PASSWORD = 'c0rrect horse battery staple';

function fixture(name: string): Buffer {
  return readFileSync(join(FIXTURES, name));
}

function fixtureJson(name: string): Record<string, unknown> {
  return JSON.parse(fixture(name).toString('utf8'));
}

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

function settings(username = USER, password = PASSWORD): BounceSettings {
  const s = defaultSettings();
  s.postmark = { enabled: true, username, password };
  return s;
}

async function handle(
  body: Buffer | Record<string, unknown>,
  authorization: string | null = basic(USER, PASSWORD),
  s = settings(),
): Promise<ProviderOutcome> {
  const rawBody = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
  return postmarkProvider.handle(
    { rawBody, headers: { authorization: authorization ?? undefined } },
    s.postmark,
    {
      clock: new FakeClock(),
      certificates: { load: async () => '' },
    },
  );
}

const IGNORED = { kind: 'events', bounces: [], ignored: 1, skipped: 0 };

describe('postmarkProvider: mapping', () => {
  it('maps a HardBounce to hard user_unknown with its code, time, campaign, subscriber and key', async () => {
    const outcome = await handle(fixture('bounce-hard.json'));
    expect(outcome).toMatchObject({ kind: 'events', ignored: 0, skipped: 0 });
    expect(outcome.kind === 'events' && outcome.bounces).toEqual([
      {
        email: 'alice@example.org',
        type: 'hard',
        reason: 'user_unknown',
        status: '5.1.1',
        diagnostic:
          'smtp;550 5.1.1 <Alice@Example.org>: Recipient address rejected: User unknown ("ID": 12345678901234567890)',
        source: 'postmark',
        campaign_uuid: '6f1c2b0e-4d3a-4c5b-9a8e-7d6c5b4a3f21',
        subscriber_uuid: '0b9d8c7e-6f5a-4e3d-8c2b-1a0f9e8d7c6b',
        created_at: '2026-11-28T16:33:54.907Z',
        resolve_by: 'email',
        event_key:
          'postmark:Bounce:5d1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b:alice@example.org:2026-11-28T16:33:54.9070259Z',
        meta: {
          RecordType: 'Bounce',
          ID: '9223372036854775807',
          Type: 'HardBounce',
          TypeCode: 1,
          MessageID: '5d1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b',
          MessageStream: 'outbound',
          ServerID: 4711,
          Tag: 'november-digest',
        },
      },
    ]);
  });

  it('keeps an ID beyond 2^53 exactly, as a string', async () => {
    const outcome = await handle(
      Buffer.from(
        '{"RecordType":"Bounce","ID" : 4323372036854775807,"Type":"HardBounce","Email":"a@example.com"}',
      ),
    );
    expect(outcome.kind === 'events' && outcome.bounces[0]?.meta.ID).toBe('4323372036854775807');
  });

  it('keeps a nested or quoted ID as it is and changes nothing else of the record', async () => {
    const record = parsePostmarkBody(
      Buffer.from('{"ID":42,"Metadata":{"ID":7},"Details":"\\"ID\\": 5","ServerID":4711}'),
    );
    expect(record).toEqual({ ID: '42', Metadata: { ID: 7 }, Details: '"ID": 5', ServerID: 4711 });
  });

  it('answers an unterminated string with a 400 at a cost linear in its length', () => {
    const hostile = (size: number) => Buffer.from(`{"RecordType":"Bounce","Details":"${'\\"x'.repeat(size)}`);
    expect(() => parsePostmarkBody(hostile(10))).toThrow(ValidationError);
    const ratio = costRatio((size) => {
      try {
        parsePostmarkBody(hostile(size));
      } catch {
        // the 400 is the expected answer; only its cost is measured here
      }
    }, 2_000);
    expect(ratio).toBeLessThan(LINEAR_BOUND);
  });

  it.each([
    ['HardBounce', 'hard', 'user_unknown'],
    ['BadEmailAddress', 'hard', 'user_unknown'],
    ['ManuallyDeactivated', 'hard', 'on_suppression_list'],
    ['SpamComplaint', 'complaint', 'complaint'],
    ['SoftBounce', 'soft', 'mailbox_full'],
    ['Transient', 'soft', 'unknown'],
    ['DnsError', 'soft', 'network'],
    ['Blocked', 'soft', 'blocked'],
    ['SpamNotification', 'soft', 'spam_detected'],
    ['DMARCPolicy', 'soft', 'policy'],
  ])('maps Type %s to %s %s', async (type, bounceType, reason) => {
    const outcome = await handle({ ...fixtureJson('bounce-hard.json'), Type: type, Inactive: false });
    expect(outcome.kind === 'events' && outcome.bounces[0]).toMatchObject({ type: bounceType, reason });
  });

  it.each([
    'AutoResponder',
    'AddressChange',
    'Unsubscribe',
    'VirusNotification',
    'Unknown',
    'SMTPApiError',
    'SomethingPostmarkAddsLater',
  ])('acknowledges and ignores the informational or unknown Type %s', async (type) => {
    expect(await handle({ ...fixtureJson('bounce-hard.json'), Type: type })).toEqual(IGNORED);
  });

  it('reads a record without RecordType (the Bounces API shape) as a bounce', async () => {
    const outcome = await handle(fixture('bounces-api.json'));
    expect(outcome.kind === 'events' && outcome.bounces[0]).toMatchObject({
      email: 'carol@example.com',
      type: 'soft',
      reason: 'mailbox_full',
      status: '4.2.2',
      created_at: '2026-11-28T23:15:00.123Z',
      event_key:
        'postmark:Bounce:2c1b0a9f-8e7d-4c6b-9a5f-4e3d2c1b0a9f:carol@example.com:2026-11-28T18:15:00.123-05:00',
    });
  });

  it('records a spam complaint, keeping a non-UUID campaign as meta.campaign_ref', async () => {
    const outcome = await handle(fixture('spam-complaint.json'));
    const bounce = outcome.kind === 'events' ? outcome.bounces[0] : undefined;
    expect(bounce).toMatchObject({ type: 'complaint', reason: 'complaint', email: 'bob@example.net' });
    expect(bounce?.campaign_uuid).toBeUndefined();
    expect(bounce?.meta.campaign_ref).toBe('november-digest-2026');
  });

  it('records a hard-bounce suppression (SubscriptionChange) as hard on_suppression_list', async () => {
    const outcome = await handle(fixture('subscription-change.json'));
    expect(outcome.kind === 'events' && outcome.bounces).toEqual([
      expect.objectContaining({
        email: 'dave@example.com',
        type: 'hard',
        reason: 'on_suppression_list',
        campaign_uuid: '6f1c2b0e-4d3a-4c5b-9a8e-7d6c5b4a3f21',
        created_at: '2026-11-28T19:53:34.416Z',
        event_key: 'postmark:SubscriptionChange:dave@example.com:2026-11-28T19:53:34.416071Z',
      }),
    ]);
  });

  it('records a spam-complaint suppression as a complaint', async () => {
    const outcome = await handle({
      ...fixtureJson('subscription-change.json'),
      SuppressionReason: 'SpamComplaint',
    });
    expect(outcome.kind === 'events' && outcome.bounces[0]).toMatchObject({ type: 'complaint' });
  });

  it('ignores a manual suppression', async () => {
    const body = { ...fixtureJson('subscription-change.json'), SuppressionReason: 'ManualSuppression' };
    expect(await handle(body)).toEqual(IGNORED);
  });

  it('ignores a reactivation (SuppressSending false)', async () => {
    expect(await handle({ ...fixtureJson('subscription-change.json'), SuppressSending: false })).toEqual(
      IGNORED,
    );
  });

  it('ignores records that are not bounces (Delivery)', async () => {
    expect(await handle(fixture('delivery.json'))).toEqual(IGNORED);
  });

  it('refuses a bounce without a usable Email with a 400 naming the field', async () => {
    const body = { ...fixtureJson('bounce-hard.json'), Email: 'not an address' };
    await expect(handle(body)).rejects.toThrow(/^Email: /);
  });

  it('refuses a body that is not one JSON object with a 400', async () => {
    await expect(handle(Buffer.from('[{"RecordType":"Bounce"}]'))).rejects.toBeInstanceOf(ValidationError);
    await expect(handle(Buffer.from('{"RecordType":'))).rejects.toThrow(/not valid JSON/);
  });
});

describe('postmarkProvider: authentication', () => {
  const body = fixture('bounce-hard.json');

  it('rejects a wrong password', async () => {
    await expect(handle(body, basic(USER, 'guess'))).rejects.toThrow('invalid webhook credentials');
  });

  it('rejects a wrong user name', async () => {
    await expect(handle(body, basic('admin', PASSWORD))).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it('rejects a request without credentials', async () => {
    await expect(handle(body, null)).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it('rejects a scheme other than Basic', async () => {
    await expect(handle(body, `Bearer ${PASSWORD}`)).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it('rejects everything while the password is not configured, never accepting all', async () => {
    await expect(handle(body, basic(USER, 'x'), settings(USER, ''))).rejects.toThrow('not configured');
  });

  it.each([
    ['a whitespace password', USER, '   '],
    ['a whitespace user name', ' \t ', PASSWORD],
  ])('rejects even matching credentials while %s is configured', async (_, username, password) => {
    await expect(handle(body, basic(username, password), settings(username, password))).rejects.toThrow(
      'not configured',
    );
  });

  it('rejects everything while the user name is not configured', async () => {
    await expect(handle(body, basic('x', PASSWORD), settings('', PASSWORD))).rejects.toThrow(
      'not configured',
    );
  });
});
