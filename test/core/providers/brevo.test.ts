import { describe, expect, it } from 'vitest';
import { UnauthenticatedError, ValidationError } from '../../../lambdas/core/errors.js';
import {
  BREVO_EVENTS,
  BREVO_MAPPING,
  type BrevoConfig,
  brevoProvider,
} from '../../../lambdas/core/providers/brevo.js';
import { providerCalls } from '../../support/provider-calls.js';
import { basicAuth, CAMPAIGN, providerFixtures, SUBSCRIBER } from '../../support/provider-fixtures.js';

const USER = 'brevo-hook';
const PASSWORD = 'c0rrect horse battery staple';
const TOKEN = 'brevo-bearer-token-0123456789';

const { fixture, json, jsonList } = providerFixtures('brevo');

const BOTH: BrevoConfig = { enabled: true, username: USER, password: PASSWORD, token: TOKEN };
const BASIC_ONLY: BrevoConfig = { ...BOTH, token: '' };
const TOKEN_ONLY: BrevoConfig = { ...BOTH, username: '', password: '' };
const GOOD = { authorization: basicAuth(USER, PASSWORD) };

const { handle, events } = providerCalls(brevoProvider, { headers: GOOD, config: BOTH });

describe('brevoProvider: mapping', () => {
  it('maps a hard bounce with its code, time, campaign and subscriber (X-Mailin-custom) and key', async () => {
    const outcome = await events(fixture('hard-bounce.json'));
    expect(outcome).toMatchObject({ ignored: 0, skipped: 0 });
    expect(outcome.bounces).toEqual([
      {
        email: 'alice@example.org',
        type: 'hard',
        reason: 'user_unknown',
        status: '5.1.1',
        diagnostic: '550 5.1.1 <alice@example.org>: Recipient address rejected: User unknown',
        source: 'brevo',
        campaign_uuid: CAMPAIGN,
        subscriber_uuid: SUBSCRIBER,
        created_at: '2025-11-28T16:33:54.907Z',
        resolve_by: 'email',
        event_key:
          'brevo:hard_bounce:<202611281633.12345678901@smtp-relay.mailin.fr>:alice@example.org:1764347634907',
        meta: {
          event: 'hard_bounce',
          'message-id': '<202611281633.12345678901@smtp-relay.mailin.fr>',
          template_id: '22',
          sending_ip: '192.0.2.10',
          tags: ['newsletter'],
        },
      },
    ]);
  });

  it('maps a batch: soft bounce, invalid address, blocked, spam; deferred and delivered ignored', async () => {
    const outcome = await events(fixture('batch.json'));
    expect(outcome).toMatchObject({ ignored: 2, skipped: 0 });
    expect(outcome.bounces.map((b) => [b.email, b.type, b.reason])).toEqual([
      ['bob@no-mx.example.net', 'soft', 'mailbox_full'],
      ['carol@example.com', 'hard', 'user_unknown'],
      ['dave@example.com', 'soft', 'blocked'],
      ['erin@example.com', 'complaint', 'complaint'],
    ]);
    expect(outcome.bounces[0]?.campaign_uuid).toBe(CAMPAIGN);
    expect(outcome.bounces[3]?.subscriber_uuid).toBe(SUBSCRIBER);
  });

  it.each(BREVO_EVENTS.filter((e) => e.reason).map((e) => [e.event, e.type, e.reason] as const))(
    '%s maps as the exported table says',
    async (event, type, reason) => {
      const [bounce] = (await events({ ...json('hard-bounce.json'), event })).bounces;
      expect(bounce).toMatchObject({ type, reason });
    },
  );

  it('every event the documentation names as recorded is recorded, and every ignored one ignored', async () => {
    for (const row of BREVO_MAPPING) {
      for (const name of row.event
        .split(/[ ,()]+/)
        .filter((w) => /^[a-z_]+$/.test(w) && w !== 'also' && w !== 'any' && w !== 'other')) {
        const outcome = await events({ ...json('hard-bounce.json'), event: name });
        if (row.type === 'ignored') expect(outcome, name).toMatchObject({ bounces: [], ignored: 1 });
        else expect(outcome.bounces, name).toHaveLength(1);
      }
    }
  });

  it('a hard bounce whose text is a refusal of the sender is soft', async () => {
    const reason = '550 5.7.1 Message rejected as spam by content filter';
    const [bounce] = (await events({ ...json('hard-bounce.json'), reason })).bounces;
    expect(bounce).toMatchObject({ type: 'soft', reason: 'spam_detected' });
  });

  it('a hard bounce whose text names nothing known stays hard, reason unknown', async () => {
    const [bounce] = (await events({ ...json('hard-bounce.json'), reason: 'rejected' })).bounces;
    expect(bounce).toMatchObject({ type: 'hard', reason: 'unknown' });
  });

  it('accepts the subscription spelling of event names (hardBounce)', async () => {
    const [bounce] = (await events({ ...json('hard-bounce.json'), event: 'hardBounce' })).bounces;
    expect(bounce?.type).toBe('hard');
  });

  it('takes the time from ts_event (seconds) when ts_epoch is missing', async () => {
    const event = { ...json('hard-bounce.json'), ts_epoch: undefined };
    expect((await events(event)).bounces[0]?.created_at).toBe('2025-11-28T16:33:54.000Z');
  });

  it('two events of one message differ in key; the same batch sent again has the same keys', async () => {
    const keys = (await events(fixture('batch.json'))).bounces.map((b) => b.event_key);
    const again = (await events(fixture('batch.json'))).bounces.map((b) => b.event_key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(again).toEqual(keys);
    const softAndHard = [
      { ...json('hard-bounce.json') },
      { ...json('hard-bounce.json'), event: 'soft_bounce' },
    ];
    const [a, b] = (await events(softAndHard)).bounces;
    expect(a?.event_key).not.toBe(b?.event_key);
  });
});

describe('brevoProvider: body', () => {
  it.each([
    ['not JSON', Buffer.from('{oops'), 'body'],
    ['a number', Buffer.from('42'), 'body'],
    ['an event without its type', Buffer.from('{"email":"a@example.org"}'), 'event'],
    ['a hard bounce without an address', Buffer.from('{"event":"hard_bounce"}'), 'email'],
  ])('a single event that is %s is a 400 naming %s', async (_, body, field) => {
    const error = await handle(body).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.field).toBe(field);
  });

  it('unusable elements of a batch are skipped, the others recorded', async () => {
    const outcome = await events([...jsonList('batch.json'), 7, { event: 'spam' }, {}]);
    expect(outcome).toMatchObject({ skipped: 3, ignored: 2 });
    expect(outcome.bounces).toHaveLength(4);
  });
});

describe('brevoProvider: credentials', () => {
  const body = fixture('hard-bounce.json');

  it('with both configured, basic auth and the bearer token each admit', async () => {
    expect((await handle(body, GOOD, BOTH)).kind).toBe('events');
    expect((await handle(body, { authorization: `Bearer ${TOKEN}` }, BOTH)).kind).toBe('events');
  });

  it('with only basic auth configured, a bearer header is refused', async () => {
    expect((await handle(body, GOOD, BASIC_ONLY)).kind).toBe('events');
    await expect(handle(body, { authorization: 'Bearer ' }, BASIC_ONLY)).rejects.toBeInstanceOf(
      UnauthenticatedError,
    );
    await expect(handle(body, { authorization: `Bearer ${PASSWORD}` }, BASIC_ONLY)).rejects.toBeInstanceOf(
      UnauthenticatedError,
    );
  });

  it('with only a token configured, basic auth is refused', async () => {
    expect((await handle(body, { authorization: `Bearer ${TOKEN}` }, TOKEN_ONLY)).kind).toBe('events');
    await expect(handle(body, { authorization: basicAuth('', '') }, TOKEN_ONLY)).rejects.toBeInstanceOf(
      UnauthenticatedError,
    );
    await expect(handle(body, { authorization: basicAuth('x', TOKEN) }, TOKEN_ONLY)).rejects.toBeInstanceOf(
      UnauthenticatedError,
    );
  });

  it.each([
    ['no header', {}],
    ['a wrong token', { authorization: `Bearer ${TOKEN}x` }],
    ['a wrong password', { authorization: basicAuth(USER, 'nope') }],
    ['another scheme', { authorization: `Token ${TOKEN}` }],
  ])('refuses %s with a 401', async (_, headers) => {
    await expect(handle(body, headers, BOTH)).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it('blank secrets never admit: nothing configured, or only whitespace', async () => {
    const blank: BrevoConfig = { enabled: true, username: ' ', password: ' ', token: '  ' };
    for (const headers of [{}, { authorization: 'Bearer   ' }, { authorization: basicAuth(' ', ' ') }]) {
      await expect(handle(body, headers, blank)).rejects.toBeInstanceOf(UnauthenticatedError);
    }
  });
});
