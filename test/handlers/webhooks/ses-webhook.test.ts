import { beforeEach, describe, expect, it } from 'vitest';
import { type Fetch, HttpsCertificateLoader } from '../../../lambdas/adapters/https-certificate-loader.js';
import { sesProvider } from '../../../lambdas/core/providers/ses.js';
import { type BounceSettings, effectiveSettings } from '../../../lambdas/core/settings/settings.js';
import { errorResponse } from '../../../lambdas/handlers/http/error-response.js';
import type { HttpHandler } from '../../../lambdas/handlers/http/types.js';
import { createProviderWebhookHandler } from '../../../lambdas/handlers/webhooks/provider-webhook.js';
import { recordDepsOver, testTable } from '../../support/dynamodb.js';
import { apiEvent } from '../../support/events.js';
import { FakeClock, silentLogger } from '../../support/fakes.js';
import { notification, type SnsBody, TEST_CERT_PEM, TEST_TOPIC_ARN } from '../../support/sns-signer.js';

const SES_BOUNCE = {
  notificationType: 'Bounce',
  bounce: {
    bounceType: 'Permanent',
    bounceSubType: 'General',
    bouncedRecipients: [{ emailAddress: 'jane@example.com', status: '5.1.1' }],
    timestamp: '2026-11-28T14:59:38.237Z',
    feedbackId: '0100018a1b2c3d4e-aaaa1111-000000',
  },
  mail: { messageId: '0100018a1b2c3d4e-bbbb-000000', destination: ['jane@example.com'] },
};

/**
 * `POST /webhooks/service/ses` with the real certificate loader over a recording fetch: what the
 * handler answers, and whether anything was requested, for certificate URLs the host rule refuses.
 */
describe('SES webhook: the certificate host rule, through the handler and the real loader', () => {
  let requested: string[];
  let respond: () => Promise<Response>;
  let handle: HttpHandler;

  beforeEach(async () => {
    requested = [];
    respond = async () => new Response(TEST_CERT_PEM);
    const fetch: Fetch = async (url) => {
      requested.push(url);
      return respond();
    };
    const table = await testTable();
    const settings: BounceSettings = effectiveSettings(
      {
        enabled: true,
        webhooks_enabled: true,
        ses: { enabled: true, topic_arns: [TEST_TOPIC_ARN], auto_confirm: true },
      },
      undefined,
    );
    const raw = createProviderWebhookHandler(sesProvider, {
      record: recordDepsOver(table, new FakeClock(new Date('2027-01-15T12:00:00.000Z'))),
      settings: { get: async () => settings },
      certificates: new HttpsCertificateLoader(fetch),
      confirmer: { confirm: async () => undefined },
      logger: silentLogger,
    });
    handle = (event) => raw(event).catch((error) => errorResponse(error, silentLogger));
  });

  const post = async (body: SnsBody) => {
    const res = await handle(
      apiEvent({
        method: 'POST',
        resource: '/webhooks/service/{provider}',
        body: JSON.stringify(body),
        headers: { 'Content-Type': 'text/plain; charset=UTF-8' },
        permissions: null,
      }),
    );
    return { status: res.statusCode, body: JSON.parse(res.body) };
  };

  it('records a bounce signed with a certificate from the SNS host of the topic’s region', async () => {
    const res = await post(notification(SES_BOUNCE));
    expect(res.status).toBe(200);
    expect(res.body.data.recorded).toBe(1);
  });

  it.each([
    'sns.s3.amazonaws.com',
    'sns.s3-external-1.amazonaws.com',
    'sns.s3-accelerate.amazonaws.com',
    'sns.eu-west-1.amazonaws.com',
  ])('answers 401 for a certificate on %s and requests nothing', async (host) => {
    const body = notification(SES_BOUNCE, {
      SigningCertURL: `https://${host}/SimpleNotificationService-abc.pem`,
    });
    const res = await post(body);
    expect(res.status).toBe(401);
    expect(res.body.message).toMatch(/SigningCertURL/);
    expect(requested).toEqual([]);
  });

  it('answers 403 for a topic not allowed, with a valid-looking certificate URL, and requests nothing', async () => {
    const res = await post(notification(SES_BOUNCE, { TopicArn: 'arn:aws:sns:us-east-1:999999999999:x' }));
    expect(res.status).toBe(403);
    expect(requested).toEqual([]);
  });

  it('answers 500 when a certificate that passes the rules cannot be fetched, so SNS retries', async () => {
    respond = async () => {
      throw new TypeError('fetch failed');
    };
    const res = await post(notification(SES_BOUNCE));
    expect(res.status).toBe(500);
    expect(requested).toHaveLength(1);
  });
});
