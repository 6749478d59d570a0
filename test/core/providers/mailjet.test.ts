import { describe, expect, it } from 'vitest';
import { UnauthenticatedError, ValidationError } from '../../../lambdas/core/errors.js';
import {
  MAILJET_ERRORS,
  MAILJET_MAPPING,
  type MailjetConfig,
  mailjetProvider,
} from '../../../lambdas/core/providers/mailjet.js';
import { providerCalls } from '../../support/provider-calls.js';
import { basicAuth, CAMPAIGN, providerFixtures, SUBSCRIBER } from '../../support/provider-fixtures.js';

const USER = 'mailjet-hook';
const PASSWORD = 'c0rrect horse battery staple';

type Json = Record<string, unknown>;

const { fixture, json, jsonList } = providerFixtures('mailjet');

const CONFIG: MailjetConfig = { enabled: true, username: USER, password: PASSWORD };

const { handle, events } = providerCalls(mailjetProvider, {
  headers: { authorization: basicAuth(USER, PASSWORD) },
  config: CONFIG,
});

function bounceWith(fields: Json): Json {
  return { ...json('bounce.json'), comment: undefined, ...fields };
}

describe('mailjetProvider: mapping', () => {
  it('maps a single hard bounce with its code, time, campaign (Payload), subscriber (CustomID) and key', async () => {
    const outcome = await events(fixture('bounce.json'));
    expect(outcome).toMatchObject({ ignored: 0, skipped: 0 });
    expect(outcome.bounces).toEqual([
      {
        email: 'alice@example.org',
        type: 'hard',
        reason: 'user_unknown',
        status: '5.1.1',
        diagnostic:
          '550 5.1.1 <alice@example.org>: Recipient address rejected: User unknown in virtual mailbox table',
        source: 'mailjet',
        campaign_uuid: CAMPAIGN,
        subscriber_uuid: SUBSCRIBER,
        created_at: '2025-11-28T16:33:54.000Z',
        resolve_by: 'email',
        event_key: 'mailjet:bounce:1ab23cd4-e567-4901-8345-6789f0ab1c2d:alice@example.org:1764347634',
        meta: {
          event: 'bounce',
          MessageID: '13792286917004336',
          Message_GUID: '1ab23cd4-e567-4901-8345-6789f0ab1c2d',
          mj_campaign_id: '7173',
          mj_contact_id: '320',
          customcampaign: 'november-digest',
          CustomID: `stmails_subscriber=${SUBSCRIBER}`,
          error_related_to: 'recipient',
          error: 'user unknown',
          hard_bounce: true,
          blocked: false,
        },
      },
    ]);
  });

  it('keeps a MessageID beyond 2^53 exactly, and keys by it when there is no Message_GUID', async () => {
    const body = fixture('bounce.json')
      .toString('utf8')
      .replace(/"Message_GUID": "[^"]*",/, '');
    const [bounce] = (await events(Buffer.from(body))).bounces;
    expect(bounce?.meta.MessageID).toBe('13792286917004336');
    expect(bounce?.event_key).toBe('mailjet:bounce:13792286917004336:alice@example.org:1764347634');
  });

  it('maps a grouped (Version 2) array: a bounce, a preblocked send, a complaint; sent and a deduplicated send ignored', async () => {
    const outcome = await events(fixture('grouped.json'));
    expect(outcome).toMatchObject({ ignored: 2, skipped: 0 });
    expect(outcome.bounces.map((b) => [b.email, b.type, b.reason])).toEqual([
      ['alice@example.org', 'hard', 'user_unknown'],
      ['bob@example.net', 'soft', 'blocked'],
      ['carol@example.com', 'complaint', 'complaint'],
    ]);
    expect(outcome.bounces[2]?.meta).toMatchObject({ source: 'JMRPP' });
  });

  it.each(MAILJET_ERRORS.filter((e) => e.reason !== 'ignored').map((e) => [e.error, e.reason] as const))(
    'bounce with error "%s" gives the exported reason',
    async (error, reason) => {
      const [bounce] = (await events(bounceWith({ error }))).bounces;
      expect(bounce?.reason).toBe(reason);
    },
  );

  it('documents every row it applies: each bounce and blocked row matches the module', async () => {
    for (const row of MAILJET_MAPPING.filter((r) => r.when.includes(': '))) {
      const error = row.when.slice(row.when.lastIndexOf(': ') + 2);
      const event =
        row.event === 'bounce' ? bounceWith({ error }) : { ...json('bounce.json'), event: 'blocked', error };
      const outcome = await events(event);
      if (row.type === 'ignored') expect(outcome, row.when).toMatchObject({ bounces: [], ignored: 1 });
      else
        expect(outcome.bounces[0], `${row.event} ${row.when}`).toMatchObject({
          type: row.type,
          reason: row.reason,
        });
    }
  });

  it('a permanent refusal of the sender or the message is soft, whatever hard_bounce says', async () => {
    for (const error of [
      'sender blocked',
      'content blocked',
      'policy issue',
      'quota exceeded',
      'relay/access denied',
    ]) {
      const [bounce] = (await events(bounceWith({ error, hard_bounce: true }))).bounces;
      expect(bounce?.type, error).toBe('soft');
    }
  });

  it('hard_bounce false is soft, its reason from the table', async () => {
    const [bounce] = (await events(bounceWith({ hard_bounce: false, error: 'user unknown' }))).bounces;
    expect(bounce).toMatchObject({ type: 'soft', reason: 'user_unknown' });
  });

  it('an error not in the table: the comment decides the reason; hard_bounce true with nothing known stays hard', async () => {
    const told = bounceWith({ error: 'something new', comment: '552 5.2.2 mailbox full' });
    expect((await events(told)).bounces[0]).toMatchObject({ type: 'soft', reason: 'mailbox_full' });
    const untold = bounceWith({ error: 'something new' });
    expect((await events(untold)).bounces[0]).toMatchObject({ type: 'hard', reason: 'unknown' });
  });

  it('Mailjet blocking a send never blocklists: every blocked error is soft or ignored', async () => {
    for (const e of MAILJET_ERRORS) {
      const outcome = await events({ ...json('bounce.json'), event: 'blocked', error: e.error });
      expect(
        outcome.bounces.every((b) => b.type === 'soft'),
        e.error,
      ).toBe(true);
    }
  });

  it.each(['open', 'click', 'unsub', 'sent', 'something-new'])('ignores a %s event', async (event) => {
    expect(await events({ ...json('bounce.json'), event })).toMatchObject({ bounces: [], ignored: 1 });
  });

  it('two events of one message differ in key; the same event sent again has the same key', async () => {
    const group = jsonList('grouped.json');
    const first = (await events(group)).bounces.map((b) => b.event_key);
    const again = (await events(structuredClone(group))).bounces.map((b) => b.event_key);
    expect(new Set(first).size).toBe(first.length);
    expect(again).toEqual(first);
  });
});

describe('mailjetProvider: body', () => {
  it.each([
    ['not JSON', Buffer.from('{oops'), 'body'],
    ['a string', Buffer.from('"bounce"'), 'body'],
    ['an event without its type', Buffer.from('{"email":"a@example.org"}'), 'event'],
    ['a bounce without an address', Buffer.from('{"event":"bounce","hard_bounce":true}'), 'email'],
  ])('a single event that is %s is a 400 naming %s', async (_, body, field) => {
    const error = await handle(body).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.field).toBe(field);
  });

  it('unusable elements of a group are skipped, the others recorded', async () => {
    const group = jsonList('grouped.json');
    const outcome = await events([...group, 'x', { event: 'bounce' }, { email: 'a@example.org' }]);
    expect(outcome).toMatchObject({ skipped: 3, ignored: 2 });
    expect(outcome.bounces).toHaveLength(3);
  });
});

describe('mailjetProvider: credentials', () => {
  it.each([
    ['no header', {}],
    ['a wrong password', { authorization: basicAuth(USER, 'nope') }],
    ['a wrong user', { authorization: basicAuth('someone', PASSWORD) }],
  ])('refuses %s with a 401', async (_, headers) => {
    await expect(handle(fixture('bounce.json'), headers)).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it('never admits with a blank password configured', async () => {
    const config = { ...CONFIG, password: ' \t' };
    const headers = { authorization: basicAuth(USER, ' \t') };
    await expect(handle(fixture('bounce.json'), headers, config)).rejects.toBeInstanceOf(
      UnauthenticatedError,
    );
  });
});
