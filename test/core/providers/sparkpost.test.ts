import { describe, expect, it } from 'vitest';
import { isHardReason } from '../../../lambdas/core/bounces/reasons.js';
import { UnauthenticatedError, ValidationError } from '../../../lambdas/core/errors.js';
import {
  SPARKPOST_BOUNCE_CLASSES,
  SPARKPOST_MAPPING,
  type SparkpostConfig,
  sparkpostProvider,
} from '../../../lambdas/core/providers/sparkpost.js';
import { providerCalls } from '../../support/provider-calls.js';
import { basicAuth, CAMPAIGN, providerFixtures, SUBSCRIBER } from '../../support/provider-fixtures.js';

const USER = 'sparkpost-hook';
const PASSWORD = 'c0rrect horse battery staple';

type Json = Record<string, unknown>;

const { fixture, jsonList } = providerFixtures('sparkpost');

function batch(name = 'batch.json'): Json[] {
  return jsonList(name);
}

function messageEvent(element: Json): Json {
  return (element.msys as Json).message_event as Json;
}

const CONFIG: SparkpostConfig = { enabled: true, username: USER, password: PASSWORD };

const { handle, events: bounces } = providerCalls(sparkpostProvider, {
  headers: { authorization: basicAuth(USER, PASSWORD) },
  config: CONFIG,
});

/** The first event of the batch fixture with its class replaced. */
function withClass(code: string): unknown[] {
  const [first] = batch();
  const event = messageEvent(first as Json);
  event.bounce_class = code;
  event.raw_reason = '550 the server said something unhelpful';
  event.reason = event.raw_reason;
  return [first];
}

describe('sparkpostProvider: mapping', () => {
  it('maps the batch: a class-10 bounce, a complaint and an undetermined out-of-band bounce; delay, delivery and click ignored', async () => {
    const outcome = await bounces(fixture('batch.json'));
    expect(outcome).toMatchObject({ ignored: 3, skipped: 0 });
    expect(outcome.bounces).toEqual([
      {
        email: 'alice@example.org',
        type: 'hard',
        reason: 'user_unknown',
        status: '5.1.1',
        diagnostic: '550 5.1.1 <alice@example.org>: Recipient address rejected: User unknown',
        source: 'sparkpost',
        campaign_uuid: CAMPAIGN,
        subscriber_uuid: SUBSCRIBER,
        created_at: '2025-11-28T16:33:54.000Z',
        resolve_by: 'email',
        event_key: 'sparkpost:bounce:92356927693813856',
        meta: {
          type: 'bounce',
          event_id: '92356927693813856',
          bounce_class: '10',
          error_code: '550',
          message_id: '000443ee14578172be22',
          transmission_id: '65832150921904138',
          campaign_id: 'november-digest',
          subaccount_id: '0',
          ip_pool: 'default',
          sending_ip: '192.0.2.10',
          template_id: 'templ-1234',
        },
      },
      expect.objectContaining({
        email: 'bob@example.net',
        type: 'complaint',
        reason: 'complaint',
        campaign_uuid: CAMPAIGN,
        event_key: 'sparkpost:spam_complaint:92356927693813857',
        created_at: '2025-11-28T16:35:00.000Z',
      }),
      expect.objectContaining({
        email: 'carol@example.com',
        type: 'soft',
        reason: 'blocked',
        event_key: 'sparkpost:out_of_band:92356927693813858',
        diagnostic: '554 MAIL REFUSED - IP (192.0.2.10) is in black list',
      }),
    ]);
  });

  it('answers the test batch SparkPost sends when a webhook is saved, recording nothing', async () => {
    expect(await handle(fixture('validate.json'))).toEqual({
      kind: 'events',
      bounces: [],
      ignored: 1,
      skipped: 0,
    });
  });

  it('never blocklists on a spam block (class 51), even with a 5.7.1', async () => {
    const [bounce] = (await bounces(fixture('bounce-spam-block.json'))).bounces;
    expect(bounce).toMatchObject({ type: 'soft', reason: 'blocked', status: '5.7.1' });
  });

  it.each(SPARKPOST_BOUNCE_CLASSES.map((c) => [c.code, c.outcome] as const))(
    'bounce_class %s maps as the exported table says',
    async (code, outcome) => {
      const result = await bounces(withClass(String(code)));
      if (outcome === 'ignored') {
        expect(result).toMatchObject({ bounces: [], ignored: 1 });
        return;
      }
      // The fixture's text names no reason, so classes that leave the reason to the text say unknown.
      expect(result.bounces[0]).toMatchObject({ type: outcome.type, reason: outcome.reason ?? 'unknown' });
    },
  );

  it('hard only for the classes SparkPost calls Hard, each with a reason that marks a dead address', () => {
    for (const c of SPARKPOST_BOUNCE_CLASSES) {
      const hard = c.outcome !== 'ignored' && c.outcome.type === 'hard';
      expect(hard, `class ${c.code}`).toBe(c.category === 'Hard');
      if (hard && c.outcome !== 'ignored') expect(isHardReason(c.outcome.reason ?? 'unknown')).toBe(true);
    }
  });

  it('the block and admin classes (25, 50-54) are soft', () => {
    for (const code of [25, 50, 51, 52, 53, 54]) {
      const c = SPARKPOST_BOUNCE_CLASSES.find((x) => x.code === code);
      expect(c?.outcome, `class ${code}`).toMatchObject({ type: 'soft' });
    }
  });

  it('an undetermined or unlisted class takes its reason from the text, and stays soft', async () => {
    const undetermined = withClass('1');
    messageEvent(undetermined[0] as Json).raw_reason = '552 5.2.2 mailbox full';
    expect((await bounces(undetermined)).bounces[0]).toMatchObject({ type: 'soft', reason: 'mailbox_full' });
    const unlisted = withClass('45');
    messageEvent(unlisted[0] as Json).raw_reason = '550 5.1.1 user unknown';
    expect((await bounces(unlisted)).bounces[0]).toMatchObject({ type: 'soft', reason: 'user_unknown' });
  });

  it('ignores a not-spam feedback report', async () => {
    const [, complaint] = batch();
    messageEvent(complaint as Json).fbtype = 'not-spam';
    expect(await bounces([complaint])).toMatchObject({ bounces: [], ignored: 1 });
  });

  it('every documented row is exported, and its rows name the whole class table', () => {
    const classRows = SPARKPOST_MAPPING.filter((r) => r.when.startsWith('bounce_class '));
    expect(classRows).toHaveLength(SPARKPOST_BOUNCE_CLASSES.length);
    expect(SPARKPOST_MAPPING.some((r) => r.event === 'delay' && r.type === 'ignored')).toBe(true);
  });

  it('skips unusable elements without failing the batch', async () => {
    const [good] = batch();
    const noRecipient = structuredClone(good) as Json;
    messageEvent(noRecipient).rcpt_to = 'not an address';
    messageEvent(noRecipient).raw_rcpt_to = undefined;
    const outcome = await bounces([
      good,
      'text',
      { msys: 'x' },
      { other: 1 },
      noRecipient,
      { msys: { message_event: {} } },
    ]);
    expect(outcome).toMatchObject({ skipped: 5, ignored: 0 });
    expect(outcome.bounces).toHaveLength(1);
  });

  it('keys an event without an id by its message, recipient and time, the same on a resend', async () => {
    const [first] = batch();
    delete messageEvent(first as Json).event_id;
    const a = (await bounces([first])).bounces[0];
    const b = (await bounces([structuredClone(first)])).bounces[0];
    expect(a?.event_key).toBe('sparkpost:bounce:000443ee14578172be22:alice@example.org:1764347634');
    expect(b?.event_key).toBe(a?.event_key);
  });

  it('reads campaign and subscriber from rcpt_tags when rcpt_meta has none', async () => {
    const [first] = batch();
    const event = messageEvent(first as Json);
    event.rcpt_meta = { other: 'x' };
    event.rcpt_tags = [`stmails_campaign:${CAMPAIGN}`, `stmails_subscriber=${SUBSCRIBER}`];
    expect((await bounces([first])).bounces[0]).toMatchObject({
      campaign_uuid: CAMPAIGN,
      subscriber_uuid: SUBSCRIBER,
    });
  });

  it('keeps the batch id header in meta', async () => {
    const outcome = await handle(fixture('bounce-spam-block.json'), {
      authorization: basicAuth(USER, PASSWORD),
      'x-messagesystems-batch-id': 'batch-77',
    });
    expect(outcome.kind === 'events' && outcome.bounces[0]?.meta.batch_id).toBe('batch-77');
  });
});

describe('sparkpostProvider: body', () => {
  it.each([
    ['not JSON', Buffer.from('{oops')],
    ['an object', Buffer.from('{"msys":{}}')],
  ])('is a 400 naming the body when it is %s', async (_, body) => {
    const error = await handle(body).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.field).toBe('body');
  });
});

describe('sparkpostProvider: credentials', () => {
  it.each([
    ['no header', {}],
    ['a wrong password', { authorization: basicAuth(USER, 'nope') }],
    ['a wrong user', { authorization: basicAuth('someone', PASSWORD) }],
    ['a bearer token', { authorization: `Bearer ${PASSWORD}` }],
  ])('refuses %s with a 401', async (_, headers) => {
    await expect(handle(fixture('batch.json'), headers)).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it.each([
    ['a blank password', { ...CONFIG, password: '   ' }],
    ['a blank user name', { ...CONFIG, username: '' }],
  ])('never admits with %s configured, whatever is sent', async (_, config) => {
    const headers = { authorization: basicAuth(config.username, config.password) };
    await expect(handle(fixture('batch.json'), headers, config)).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it('checks credentials before reading the body', async () => {
    await expect(handle(Buffer.from('{oops'), {})).rejects.toBeInstanceOf(UnauthenticatedError);
  });
});
