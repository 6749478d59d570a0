import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalService, startLocalService } from '../../bin/local/local-service.js';
import { effectiveSettings } from '../../lambdas/core/settings/settings.js';
import { errorResponse } from '../../lambdas/handlers/http/error-response.js';
import { createWebhookBounceHandler } from '../../lambdas/handlers/webhook-bounce.js';
import { apiHarness } from '../support/api-harness.js';
import { recordDepsOver, testTable } from '../support/dynamodb.js';
import { apiEvent } from '../support/events.js';
import { silentLogger } from '../support/fakes.js';

const CAP_MESSAGE = { message: 'body is larger than 1048576 bytes' };
const MB = 1024 * 1024;
const bounceOf = (bytes: number) =>
  JSON.stringify({ email: 'big@example.com', source: 'api', type: 'hard', meta: { pad: 'x'.repeat(bytes) } });

describe('request bodies by bytes: in the functions', () => {
  it('answers an oversized webhook body with the 413, also while processing is disabled (never a 503)', async () => {
    const table = await testTable();
    const settings = effectiveSettings({ enabled: false }, undefined);
    const raw = createWebhookBounceHandler({
      record: recordDepsOver(table),
      settings: { get: async () => settings },
      authMode: 'basic',
    });
    const event = apiEvent({ method: 'POST', resource: '/webhooks/bounce', body: bounceOf(MB) });
    const res = await raw(event).catch((error) => errorResponse(error, silentLogger));
    expect(res.statusCode).toBe(413);
    expect(JSON.parse(res.body)).toEqual(CAP_MESSAGE);
  });

  it('answers a body over 1 MB on an API route that reads none with the 413 too', async () => {
    const api = await apiHarness();
    const res = await api.call({ resource: '/api/bounces', body: 'x'.repeat(MB + 1) });
    expect(res.status).toBe(413);
    expect(res.body).toEqual(CAP_MESSAGE);
  });
});

describe('request bodies by bytes: through the local server', () => {
  let service: LocalService;
  let auth: string;
  beforeAll(async () => {
    service = await startLocalService({
      port: 0,
      logger: new Logger({ logLevel: 'SILENT' }),
      scanEveryMs: 0,
      deployDefaults: { enabled: false },
    });
    auth = `Basic ${Buffer.from(`${service.user.name}:${service.user.token}`).toString('base64')}`;
  });
  afterAll(() => service.close());

  const post = (path: string, body: string, headers: Record<string, string> = { Authorization: auth }) =>
    fetch(`${service.url}${path}`, { method: 'POST', headers, body });

  it.each([
    ['2 MB', 2 * MB],
    ['7 MB (more than Lambda takes as input)', 7 * MB],
    ['9.9 MB', 9.9 * MB],
  ])('answers a %s body with the 413 and its message, processing disabled or not', async (_name, bytes) => {
    for (const path of ['/webhooks/bounce', '/webhooks/service/ses', '/webhooks/service/sendgrid']) {
      const res = await post(path, bounceOf(bytes));
      expect(res.status, path).toBe(413);
      expect(await res.json()).toEqual(CAP_MESSAGE);
    }
    const settings = await fetch(`${service.url}/api/settings/bounce`, {
      method: 'PUT',
      headers: { Authorization: auth, 'If-Match': '"0"' },
      body: bounceOf(bytes),
    });
    expect(settings.status).toBe(413);
  });

  it('still answers the gateway’s 413 for a body over 10 MB', async () => {
    const res = await post('/webhooks/bounce', bounceOf(10 * MB + 10));
    expect(res.status).toBe(413);
  });
});
