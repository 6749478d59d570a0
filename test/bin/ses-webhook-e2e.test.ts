import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalService, startLocalService } from '../../bin/local/local-service.js';
import {
  FakeCertificateLoader,
  notification,
  subscriptionConfirmation,
  TEST_SUBSCRIBE_URL,
  TEST_TOPIC_ARN,
} from '../support/sns-signer.js';

const SES = join(import.meta.dirname, '../fixtures/sns/ses');
const message = (name: string) => JSON.parse(readFileSync(join(SES, name), 'utf8'));

/** SES through the local server: signed SNS envelopes, a certificate from a fake loader (no network). */
describe('SES webhook end to end (local server)', () => {
  let service: LocalService;
  const confirmed: string[] = [];
  const auth = () => ({ Authorization: `token ${service.user.name}:${service.user.token}` });
  const post = (body: object) =>
    fetch(`${service.url}/webhooks/service/ses`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain; charset=UTF-8' },
      body: JSON.stringify(body),
    });
  const setSettings = async (patch: object) => {
    const current = await fetch(`${service.url}/api/settings/bounce`, { headers: auth() });
    const etag = current.headers.get('ETag') as string;
    const res = await fetch(`${service.url}/api/settings/bounce`, {
      method: 'PUT',
      headers: { ...auth(), 'If-Match': etag },
      body: JSON.stringify(patch),
    });
    expect(res.status).toBe(200);
  };

  beforeAll(async () => {
    service = await startLocalService({
      port: 0,
      logger: new Logger({ logLevel: 'SILENT' }),
      providerAdapters: {
        certificates: new FakeCertificateLoader(),
        confirmer: { confirm: async (url) => void confirmed.push(url) },
      },
    });
  });
  afterAll(() => service.close());

  it('confirms a verified subscription for an allowed topic even while processing is disabled', async () => {
    await setSettings({ enabled: false, ses: { enabled: true, topic_arns: [TEST_TOPIC_ARN] } });
    const res = await post(subscriptionConfirmation());
    expect(res.status).toBe(200);
    expect(confirmed).toEqual([TEST_SUBSCRIBE_URL]);
    expect((await post(notification(message('notification-bounce-permanent-dsn.json')))).status).toBe(503);
  });

  it('records one bounce per bounced recipient, and counts a repeat through the event channel once', async () => {
    await setSettings({ enabled: true });
    const res = await post(notification(message('notification-bounce-permanent-dsn.json')));
    expect(res.status).toBe(200);
    const { data } = (await res.json()) as { data: { recorded: number } };
    expect(data.recorded).toBeGreaterThan(1);
    const again = await post(
      notification(message('notification-bounce-permanent-dsn.json'), { MessageId: 'redelivered-1' }),
    );
    expect(((await again.json()) as { data: { duplicates: number } }).data.duplicates).toBe(data.recorded);
  });

  it('refuses a topic that is not allowed with 403', async () => {
    const res = await post(
      notification(message('notification-bounce-permanent-dsn.json'), {
        TopicArn: 'arn:aws:sns:us-east-1:999999999999:other',
      }),
    );
    expect(res.status).toBe(403);
  });

  it('answers a raw-delivery body with 401 and the hint to turn raw delivery off', async () => {
    const res = await post(message('notification-bounce-permanent-dsn.json'));
    expect(res.status).toBe(401);
    expect(((await res.json()) as { message: string }).message).toMatch(/raw message delivery/i);
  });
});
