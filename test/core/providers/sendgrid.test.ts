import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BounceInput } from '../../../lambdas/core/bounces/bounce.js';
import { UnauthenticatedError, ValidationError } from '../../../lambdas/core/errors.js';
import type { ProviderOutcome, ProviderRequest } from '../../../lambdas/core/providers/provider.js';
import { sendgridProvider } from '../../../lambdas/core/providers/sendgrid.js';
import { type BounceSettings, defaultSettings } from '../../../lambdas/core/settings/settings.js';
import { FakeClock } from '../../support/fakes.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/providers/sendgrid');
const NOW = new Date('2026-11-29T12:00:00.000Z');
const NOW_S = NOW.getTime() / 1000;

function keyPair(): { privateKey: KeyObject; base64: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { privateKey, base64: publicKey.export({ format: 'der', type: 'spki' }).toString('base64') };
}

const KEY = keyPair();
const OTHER_KEY = keyPair();

function fixture(name: string): Buffer {
  return readFileSync(join(FIXTURES, name));
}

function signed(body: Buffer, timestamp = String(NOW_S - 60), privateKey = KEY.privateKey): ProviderRequest {
  const signature = sign('sha256', Buffer.concat([Buffer.from(timestamp), body]), {
    key: privateKey,
    dsaEncoding: 'der',
  });
  return {
    rawBody: body,
    headers: {
      'x-twilio-email-event-webhook-signature': signature.toString('base64'),
      'x-twilio-email-event-webhook-timestamp': timestamp,
    },
  };
}

function settings(key = KEY.base64): BounceSettings {
  const s = defaultSettings();
  s.sendgrid = { enabled: true, key };
  return s;
}

async function handle(request: ProviderRequest, s = settings()): Promise<ProviderOutcome> {
  return sendgridProvider.handle(request, s.sendgrid, {
    clock: new FakeClock(NOW),
    certificates: { load: async () => '' },
  });
}

async function events(body: Buffer): Promise<Extract<ProviderOutcome, { kind: 'events' }>> {
  const outcome = await handle(signed(body));
  if (outcome.kind !== 'events') throw new Error(`expected events, got ${outcome.kind}`);
  return outcome;
}

async function bounceFor(eventId: string, file = 'batch.json'): Promise<BounceInput | undefined> {
  const { bounces } = await events(fixture(file));
  return bounces.find((b) => b.event_key === `sendgrid:${eventId}`);
}

describe('sendgridProvider: mapping', () => {
  it('maps an Invalid Address bounce to a hard user_unknown with its code, time, campaign and key', async () => {
    expect(await bounceFor('Ym91bmNlLXRlc3QtMDE')).toEqual({
      email: 'alice@example.org',
      type: 'hard',
      reason: 'user_unknown',
      status: '5.1.1',
      diagnostic: '550 5.1.1 The email account that you tried to reach does not exist.',
      source: 'sendgrid',
      campaign_uuid: '6f1c2b0e-4d3a-4c5b-9a8e-7d6c5b4a3f21',
      subscriber_uuid: '0b9d8c7e-6f5a-4e3d-8c2b-1a0f9e8d7c6b',
      created_at: '2026-11-29T10:01:00.000Z',
      resolve_by: 'email',
      event_key: 'sendgrid:Ym91bmNlLXRlc3QtMDE',
      meta: {
        sg_event_id: 'Ym91bmNlLXRlc3QtMDE',
        sg_message_id: 'f3a1c0de.filter0001.1.0',
        event: 'bounce',
        type: 'bounce',
        bounce_classification: 'Invalid Address',
        category: ['november-digest'],
        ip: '198.51.100.7',
        tls: 1,
      },
    });
  });

  it('keeps a 5xx Reputation block soft (blocked): a sender-side block never proves the address dead', async () => {
    expect(await bounceFor('YmxvY2tlZC10ZXN0LTAy')).toMatchObject({
      type: 'soft',
      reason: 'blocked',
      status: '5.7.1',
    });
  });

  it.each([
    ['Invalid Address', 'hard', 'user_unknown'],
    ['Mailbox Unavailable', 'hard', 'mailbox_inactive'],
    ['Technical', 'soft', 'network'],
    ['Technical Failure', 'soft', 'network'],
    ['content', 'soft', 'content_rejected'],
    ['REPUTATION', 'soft', 'blocked'],
    ['Frequency or Volume', 'soft', 'rate_limited'],
    ['Frequency or Volume Too High', 'soft', 'rate_limited'],
  ])('bounce_classification %s gives %s %s, whatever SendGrid type', async (classification, type, reason) => {
    const body = JSON.stringify([
      { email: 'x@example.com', event: 'bounce', type: 'blocked', bounce_classification: classification },
    ]);
    const { bounces } = await events(Buffer.from(body));
    expect(bounces[0]).toMatchObject({ type, reason });
  });

  it('keeps an Unclassified blocked event with no status soft unknown', async () => {
    expect(await bounceFor('YmxvY2tlZC10ZXN0LTAz')).toMatchObject({ type: 'soft', reason: 'unknown' });
  });

  it("treats an unknown reason without a type as hard, as SendGrid's test post means a permanent bounce", async () => {
    expect(await bounceFor('Ym91bmNlLXRlc3QtMDQ')).toMatchObject({ type: 'hard', reason: 'unknown' });
  });

  it('lets an Unclassified bounce take its reason, and so its type, from the status', async () => {
    expect(await bounceFor('Ym91bmNlLXRlc3QtMDU')).toMatchObject({
      type: 'soft',
      reason: 'mailbox_full',
      status: '5.2.2',
    });
  });

  it('records a spam report as a complaint and keeps a non-UUID campaign as meta.campaign_ref', async () => {
    const bounce = await bounceFor('c3BhbXJlcG9ydC10ZXN0LTA2');
    expect(bounce).toMatchObject({ type: 'complaint', reason: 'complaint' });
    expect(bounce?.campaign_uuid).toBeUndefined();
    expect(bounce?.meta.campaign_ref).toBe('november-digest-2026');
  });

  it.each([
    ['ZHJvcHBlZC10ZXN0LTA3', 'hard', 'on_suppression_list'],
    ['ZHJvcHBlZC10ZXN0LTA4', 'hard', 'user_unknown'],
    ['ZHJvcHBlZC10ZXN0LTA5', 'complaint', 'complaint'],
  ])('maps drop %s to %s %s', async (id, type, reason) => {
    expect(await bounceFor(id)).toMatchObject({ type, reason });
  });

  it('ignores other drops, deferrals, deliveries, opens and unsubscribes, counting them', async () => {
    const outcome = await events(fixture('batch.json'));
    expect(outcome.bounces).toHaveLength(9);
    const keys = outcome.bounces.map((b) => b.event_key);
    for (const id of ['ZHJvcHBlZC10ZXN0LTEw', 'ZHJvcHBlZC10ZXN0LTEx', 'ZGVmZXJyZWQtdGVzdC0xMg'])
      expect(keys).not.toContain(`sendgrid:${id}`);
    expect(outcome).toMatchObject({ ignored: 7, skipped: 0 });
  });

  it('reads event names in any case, millisecond timestamps, array categories and string tls', async () => {
    expect(await bounceFor('bGliZXJhbC1tcy0wMQ', 'liberal.json')).toMatchObject({
      type: 'hard',
      reason: 'user_unknown',
      created_at: '2026-11-29T10:00:00.123Z',
      meta: { category: ['digest', 'weekly'], tls: 1 },
    });
  });

  it('reads a timestamp given as a numeric string', async () => {
    expect(await bounceFor('bGliZXJhbC1zdHJpbmctMDI', 'liberal.json')).toMatchObject({
      type: 'complaint',
      created_at: '2026-11-29T10:00:00.000Z',
    });
  });

  it('skips unusable events and counts them, keeping the rest of the batch', async () => {
    const outcome = await events(fixture('with-bad-events.json'));
    expect(outcome.bounces.map((b) => b.email)).toEqual(['sybil@example.com', 'victor@example.com']);
    expect(outcome).toMatchObject({ ignored: 0, skipped: 5 });
  });

  it('keys an event without sg_event_id by a hash of its content, the same on every delivery', async () => {
    const first = (await events(fixture('no-event-id.json'))).bounces[0]?.event_key;
    const reordered = Buffer.from(
      '[{"status":"5.1.1","reason":"550 5.1.1 unknown user","type":"bounce","event":"bounce","timestamp":1795946400,"email":"walter@example.com"}]',
    );
    expect(first).toMatch(/^sendgrid:[0-9a-f]{64}$/);
    expect((await events(reordered)).bounces[0]?.event_key).toBe(first);
  });

  it('keys an event without sg_event_id the same whatever the spelling of its address', async () => {
    const keyFor = async (email: string) => {
      const event = { event: 'bounce', type: 'bounce', status: '5.1.1', timestamp: 1795946400, email };
      return (await events(Buffer.from(JSON.stringify([event])))).bounces[0]?.event_key;
    };
    const plain = await keyFor('walter@example.com');
    expect(plain).toMatch(/^sendgrid:[0-9a-f]{64}$/);
    expect(await keyFor(' Walter@Example.COM ')).toBe(plain);
    expect(await keyFor('"walter"@example.com')).toBe(plain);
  });

  it('gives a replayed batch the same event keys, so the recording layer stores it once', async () => {
    const body = fixture('batch.json');
    const keys = async (request: ProviderRequest) => {
      const outcome = await handle(request);
      return outcome.kind === 'events' ? outcome.bounces.map((b) => b.event_key) : [];
    };
    const original = await keys(signed(body, String(NOW_S - 7200)));
    expect(await keys(signed(body, String(NOW_S - 7200)))).toEqual(original);
    expect(new Set(original).size).toBe(original.length);
  });

  it('refuses a body that is not a JSON array with a 400', async () => {
    await expect(handle(signed(Buffer.from('{"event":"bounce"}')))).rejects.toBeInstanceOf(ValidationError);
  });

  it('refuses a body that is not JSON with a 400', async () => {
    await expect(handle(signed(Buffer.from('[{"event":')))).rejects.toThrow(/not valid JSON/);
  });
});

describe('sendgridProvider: verification', () => {
  const body = fixture('batch.json');

  it('accepts the key as PEM too', async () => {
    const pem = `-----BEGIN PUBLIC KEY-----\n${KEY.base64}\n-----END PUBLIC KEY-----\n`;
    await expect(handle(signed(body), settings(pem))).resolves.toMatchObject({ kind: 'events' });
  });

  it('rejects an altered body', async () => {
    const request = signed(body);
    const altered = Buffer.from(body.toString('utf8').replace('"type": "blocked"', '"type": "bounce"'));
    await expect(handle({ ...request, rawBody: altered })).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it('rejects a timestamp header that is not the signed one', async () => {
    const request = signed(body, String(NOW_S - 60));
    const headers = { ...request.headers, 'x-twilio-email-event-webhook-timestamp': String(NOW_S - 30) };
    await expect(handle({ ...request, headers })).rejects.toThrow('invalid signature');
  });

  it('rejects a signature made with another key', async () => {
    await expect(handle(signed(body, undefined, OTHER_KEY.privateKey))).rejects.toThrow('invalid signature');
  });

  it('rejects a valid signature when another key is configured', async () => {
    await expect(handle(signed(body), settings(OTHER_KEY.base64))).rejects.toBeInstanceOf(
      UnauthenticatedError,
    );
  });

  it('rejects a signature that is not DER at all', async () => {
    const request = signed(body);
    const headers = { ...request.headers, 'x-twilio-email-event-webhook-signature': 'bm90IGEgc2lnbmF0dXJl' };
    await expect(handle({ ...request, headers })).rejects.toThrow('invalid signature');
  });

  it.each(['x-twilio-email-event-webhook-signature', 'x-twilio-email-event-webhook-timestamp'])(
    'rejects a request without %s',
    async (name) => {
      const request = signed(body);
      const headers = { ...request.headers, [name]: undefined };
      await expect(handle({ ...request, headers })).rejects.toBeInstanceOf(UnauthenticatedError);
    },
  );

  it('rejects everything while no key is configured, never accepting all', async () => {
    await expect(handle(signed(body), settings(''))).rejects.toThrow('sendgrid.key is not configured');
    await expect(handle({ rawBody: body, headers: {} }, settings(''))).rejects.toBeInstanceOf(
      UnauthenticatedError,
    );
  });

  it('rejects everything while the configured key is only whitespace', async () => {
    await expect(handle(signed(body), settings(' \n\t '))).rejects.toThrow('sendgrid.key is not configured');
  });

  it('rejects when the configured key is not a P-256 key', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    const rsaKey = rsa.export({ format: 'der', type: 'spki' }).toString('base64');
    await expect(handle(signed(body), settings(rsaKey))).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it('accepts a signature made an hour ago (a SendGrid retry)', async () => {
    await expect(handle(signed(body, String(NOW_S - 3600)))).resolves.toMatchObject({ kind: 'events' });
  });

  it('refuses a signature two days old', async () => {
    await expect(handle(signed(body, String(NOW_S - 2 * 86_400)))).rejects.toThrow(
      'timestamp outside the accepted window',
    );
  });

  it('refuses a signature ten minutes ahead of the clock', async () => {
    await expect(handle(signed(body, String(NOW_S + 600)))).rejects.toThrow(
      'timestamp outside the accepted window',
    );
  });

  it('refuses a timestamp that is not a number', async () => {
    await expect(handle(signed(body, 'yesterday'))).rejects.toBeInstanceOf(UnauthenticatedError);
  });
});
