import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalService } from '../../bin/local/local-service.js';
import { listBounces, startProviderService } from '../support/provider-service.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/providers');
const sendgridKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const FE_KEY = 'forward-email-test-key-0123456789';

/** The three self-verifying providers through `npm start`'s server: settings saved over the API, real signatures. */
describe('provider webhooks end to end (local server)', () => {
  let service: LocalService;

  beforeAll(async () => {
    service = await startProviderService({
      sendgrid: {
        enabled: true,
        key: sendgridKey.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
      },
      postmark: { enabled: true, username: 'pm-user', password: 'pm-pass-123' },
      forwardemail: { enabled: true, key: FE_KEY },
    });
  });
  afterAll(() => service.close());

  const bounces = () => listBounces<{ source: string; email: string; type: string }>(service);

  it('SendGrid: a signed batch is recorded, and a replay records nothing twice', async () => {
    const body = readFileSync(join(FIXTURES, 'sendgrid/batch.json'));
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = sign('sha256', Buffer.concat([Buffer.from(timestamp), body]), {
      key: sendgridKey.privateKey,
      dsaEncoding: 'der',
    }).toString('base64');
    const post = () =>
      fetch(`${service.url}/webhooks/service/sendgrid`, {
        method: 'POST',
        headers: {
          'X-Twilio-Email-Event-Webhook-Signature': signature,
          'X-Twilio-Email-Event-Webhook-Timestamp': timestamp,
        },
        body,
      });
    const first = await post();
    expect(first.status).toBe(200);
    const data = ((await first.json()) as { data: { recorded: number } }).data;
    expect(data.recorded).toBeGreaterThan(0);
    const again = (await (await post()).json()) as { data: { recorded: number; duplicates: number } };
    expect(again.data).toMatchObject({ recorded: 0, duplicates: data.recorded });
    expect((await bounces()).filter((b) => b.source === 'sendgrid')).toHaveLength(data.recorded);
  });

  it('SendGrid: a forged signature is a 401', async () => {
    const res = await fetch(`${service.url}/webhooks/service/sendgrid`, {
      method: 'POST',
      headers: {
        'X-Twilio-Email-Event-Webhook-Signature': 'MEUCIQ==',
        'X-Twilio-Email-Event-Webhook-Timestamp': '1',
      },
      body: '[]',
    });
    expect(res.status).toBe(401);
  });

  it('Postmark: basic auth, a hard bounce recorded; wrong credentials 401', async () => {
    const body = readFileSync(join(FIXTURES, 'postmark/bounce-hard.json'));
    const good = `Basic ${Buffer.from('pm-user:pm-pass-123').toString('base64')}`;
    const bad = `Basic ${Buffer.from('pm-user:nope').toString('base64')}`;
    const post = (authorization: string) =>
      fetch(`${service.url}/webhooks/service/postmark`, {
        method: 'POST',
        headers: { Authorization: authorization },
        body,
      });
    expect((await post(bad)).status).toBe(401);
    expect((await post(good)).status).toBe(200);
    expect((await bounces()).some((b) => b.source === 'postmark' && b.type === 'hard')).toBe(true);
  });

  it('Forward Email: HMAC-signed reject recorded; a bad signature 401', async () => {
    const body = readFileSync(join(FIXTURES, 'forwardemail/reject-recipient.json'));
    const signature = createHmac('sha256', FE_KEY).update(body).digest('hex');
    const post = (sig: string) =>
      fetch(`${service.url}/webhooks/service/forwardemail`, {
        method: 'POST',
        headers: { 'X-Webhook-Signature': sig },
        body,
      });
    expect((await post('00'.repeat(32))).status).toBe(401);
    expect((await post(signature)).status).toBe(200);
    expect((await bounces()).some((b) => b.source === 'forwardemail')).toBe(true);
  });

  it('an unknown provider is a 404', async () => {
    expect(
      (await fetch(`${service.url}/webhooks/service/mandrill`, { method: 'POST', body: '{}' })).status,
    ).toBe(404);
  });
});
