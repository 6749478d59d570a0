import { createHmac, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalService } from '../../bin/local/local-service.js';
import { listBounces, startProviderService } from '../support/provider-service.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/providers');
const MAILGUN_KEY = `key-${randomBytes(16).toString('hex')}`;
const RESEND_SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const POSTAL = generateKeyPairSync('rsa', { modulusLength: 2048 });

type Json = Record<string, unknown>;

function fixture(path: string): Json {
  return JSON.parse(readFileSync(join(FIXTURES, path), 'utf8'));
}

/** Mailgun, Resend and Postal through `npm start`'s server: settings saved over the API, real signatures. */
describe('signed provider webhooks end to end (local server)', () => {
  let service: LocalService;
  const post = (provider: string, body: Buffer | string, headers: Record<string, string> = {}) =>
    fetch(`${service.url}/webhooks/service/${provider}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body,
    });
  const data = async (res: Response) =>
    ((await res.json()) as { data: { recorded: number; duplicates: number; ignored: number } }).data;

  beforeAll(async () => {
    service = await startProviderService({
      mailgun: { enabled: true, signing_key: MAILGUN_KEY },
      resend: { enabled: true, secret: RESEND_SECRET },
      postal: {
        enabled: true,
        public_key: POSTAL.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      },
    });
  });
  afterAll(() => service.close());

  const bouncesOf = (source: string) =>
    listBounces<{ email: string; type: string; reason: string }>(service, source);

  describe('Mailgun', () => {
    function mailgunBody(eventData: Json, token: string, key = MAILGUN_KEY): string {
      const timestamp = String(Math.floor(Date.now() / 1000));
      const signature = createHmac('sha256', key)
        .update(timestamp + token)
        .digest('hex');
      return JSON.stringify({ signature: { timestamp, token, signature }, 'event-data': eventData });
    }
    const failure = (recipient: string, id: string) => ({
      ...fixture('mailgun/failed-permanent-5.1.1.json'),
      recipient,
      id,
    });

    it('records a permanent failure once; the same token and event again is a duplicate', async () => {
      const token = randomBytes(25).toString('hex');
      const body = mailgunBody(failure('gone@example.com', 'mg-event-1'), token);
      const first = await post('mailgun', body);
      expect(first.status).toBe(200);
      expect(await data(first)).toMatchObject({ recorded: 1, duplicates: 0 });
      const again = await post('mailgun', body);
      expect(again.status).toBe(200);
      expect(await data(again)).toMatchObject({ recorded: 0, duplicates: 1 });
      expect((await bouncesOf('mailgun')).filter((b) => b.email === 'gone@example.com')).toEqual([
        expect.objectContaining({ type: 'hard', reason: 'user_unknown' }),
      ]);
    });

    it('the same token with another event is a 401 and stores nothing', async () => {
      const token = randomBytes(25).toString('hex');
      expect((await post('mailgun', mailgunBody(failure('first@example.com', 'mg-a'), token))).status).toBe(
        200,
      );
      const forged = await post('mailgun', mailgunBody(failure('victim@example.com', 'mg-b'), token));
      expect(forged.status).toBe(401);
      expect((await bouncesOf('mailgun')).some((b) => b.email === 'victim@example.com')).toBe(false);
    });

    it('a forged or missing signature is a 401 and stores nothing', async () => {
      const token = randomBytes(25).toString('hex');
      const forged = mailgunBody(failure('forged@example.com', 'mg-f'), token, 'not-the-key');
      expect((await post('mailgun', forged)).status).toBe(401);
      const unsigned = JSON.stringify({ 'event-data': failure('unsigned@example.com', 'mg-u') });
      expect((await post('mailgun', unsigned)).status).toBe(401);
      const emails = (await bouncesOf('mailgun')).map((b) => b.email);
      expect(emails).not.toContain('forged@example.com');
      expect(emails).not.toContain('unsigned@example.com');
    });

    it('a temporary failure is acknowledged and not recorded', async () => {
      const body = mailgunBody(fixture('mailgun/failed-temporary.json'), randomBytes(25).toString('hex'));
      const res = await post('mailgun', body);
      expect(res.status).toBe(200);
      expect(await data(res)).toMatchObject({ recorded: 0, ignored: 1 });
    });
  });

  describe('Resend', () => {
    function svix(
      body: string,
      at = Math.floor(Date.now() / 1000),
      id = `msg_${randomBytes(8).toString('hex')}`,
    ) {
      const key = Buffer.from(RESEND_SECRET.slice('whsec_'.length), 'base64');
      const mac = createHmac('sha256', key).update(`${id}.${at}.${body}`).digest('base64');
      return { 'svix-id': id, 'svix-timestamp': String(at), 'svix-signature': `v1,${mac}` };
    }
    const bounced = (to: string) => {
      const body = fixture('resend/bounced-message-only.json');
      return JSON.stringify({ ...body, data: { ...(body.data as Json), to: [to] } });
    };

    it('records a signed bounce; a replay inside the tolerance is a duplicate', async () => {
      const body = bounced('resend-gone@example.com');
      const headers = svix(body);
      const first = await post('resend', body, headers);
      expect(first.status).toBe(200);
      expect(await data(first)).toMatchObject({ recorded: 1 });
      expect(await data(await post('resend', body, headers))).toMatchObject({ recorded: 0, duplicates: 1 });
      expect((await bouncesOf('resend')).filter((b) => b.email === 'resend-gone@example.com')).toHaveLength(
        1,
      );
    });

    it('an altered body, a stale signature, a forged or missing one are 401 and store nothing', async () => {
      const body = bounced('resend-victim@example.com');
      const headers = svix(body);
      const altered = body.replace('resend-victim@', 'resend-other@');
      expect((await post('resend', altered, headers)).status).toBe(401);
      const stale = svix(body, Math.floor(Date.now() / 1000) - 10 * 60);
      expect((await post('resend', body, stale)).status).toBe(401);
      expect((await post('resend', body, { ...headers, 'svix-signature': 'v1,bm9wZQ==' })).status).toBe(401);
      expect((await post('resend', body)).status).toBe(401);
      const emails = (await bouncesOf('resend')).map((b) => b.email);
      expect(emails).not.toContain('resend-victim@example.com');
      expect(emails).not.toContain('resend-other@example.com');
    });
  });

  describe('Postal', () => {
    const signed = (body: string) => ({
      'X-Postal-Signature-256': sign('sha256', Buffer.from(body), POSTAL.privateKey).toString('base64'),
    });
    const failedTo = (to: string, uuid: string) => {
      const body = fixture('postal/delivery-failed.json') as Json & { payload: Json & { message: Json } };
      return JSON.stringify({
        ...body,
        uuid,
        payload: {
          ...body.payload,
          output: '550 5.1.1 user unknown',
          message: { ...body.payload.message, to },
        },
      });
    };

    it('records a signed hard failure; a redelivery is a duplicate', async () => {
      const body = failedTo('postal-gone@example.com', 'b1c9a1e0-0000-4000-8000-000000000001');
      const first = await post('postal', body, signed(body));
      expect(first.status).toBe(200);
      expect(await data(first)).toMatchObject({ recorded: 1 });
      expect(await data(await post('postal', body, signed(body)))).toMatchObject({
        recorded: 0,
        duplicates: 1,
      });
      expect((await bouncesOf('postal')).filter((b) => b.email === 'postal-gone@example.com')).toEqual([
        expect.objectContaining({ type: 'hard', reason: 'user_unknown' }),
      ]);
    });

    it('an altered body, a forged or missing signature are 401 and store nothing', async () => {
      const body = failedTo('postal-victim@example.com', 'b1c9a1e0-0000-4000-8000-000000000002');
      const altered = body.replace('postal-victim@', 'postal-other@');
      expect((await post('postal', altered, signed(body))).status).toBe(401);
      const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
      const forged = {
        'X-Postal-Signature-256': sign('sha256', Buffer.from(body), other).toString('base64'),
      };
      expect((await post('postal', body, forged)).status).toBe(401);
      expect((await post('postal', body)).status).toBe(401);
      const emails = (await bouncesOf('postal')).map((b) => b.email);
      expect(emails).not.toContain('postal-victim@example.com');
      expect(emails).not.toContain('postal-other@example.com');
    });
  });
});
