import { beforeEach, describe, expect, it } from 'vitest';
import type { BounceInput } from '../../../lambdas/core/bounces/bounce.js';
import { InternalError, UnauthenticatedError } from '../../../lambdas/core/errors.js';
import type { Provider, ProviderOutcome } from '../../../lambdas/core/providers/provider.js';
import { type BounceSettings, effectiveSettings } from '../../../lambdas/core/settings/settings.js';
import { errorResponse } from '../../../lambdas/handlers/http/error-response.js';
import type { HttpHandler } from '../../../lambdas/handlers/http/types.js';
import { createProviderWebhookHandler } from '../../../lambdas/handlers/webhooks/provider-webhook.js';
import { recordDepsOver, type TestTable, testTable } from '../../support/dynamodb.js';
import { apiEvent } from '../../support/events.js';
import { silentLogger } from '../../support/fakes.js';

const bounce = (i: number): BounceInput => ({
  email: `user${i}@example.com`,
  type: 'hard',
  reason: 'user_unknown',
  source: 'sendgrid',
  meta: {},
  event_key: `sendgrid:evt-${i}`,
  resolve_by: 'email',
});

describe('provider webhook handler', () => {
  let table: TestTable;
  let settings: BounceSettings;
  let outcome: ProviderOutcome | Error;
  let confirmed: string[];
  let handle: HttpHandler;
  let verifiesFirst: boolean;

  beforeEach(async () => {
    table = await testTable();
    settings = effectiveSettings(
      { enabled: true, webhooks_enabled: true, sendgrid: { enabled: true } },
      undefined,
    );
    confirmed = [];
    verifiesFirst = false;
    outcome = { kind: 'events', bounces: [bounce(1), bounce(2)], ignored: 3, skipped: 1 };
    const provider: Provider = {
      name: 'sendgrid',
      title: 'SendGrid',
      settings: [],
      get verifiesBeforeEnabledCheck() {
        return verifiesFirst;
      },
      handle: async () => {
        if (outcome instanceof Error) throw outcome;
        return outcome;
      },
    };
    const raw = createProviderWebhookHandler(provider, {
      record: recordDepsOver(table),
      settings: { get: async () => settings },
      certificates: { load: async () => '' },
      confirmer: { confirm: async (url) => void confirmed.push(url) },
      logger: silentLogger,
    });
    handle = (event) => raw(event).catch((error) => errorResponse(error, silentLogger));
  });

  const post = async (body = '[]') => {
    const res = await handle(
      apiEvent({ method: 'POST', resource: '/webhooks/service/sendgrid', body, permissions: null }),
    );
    return { status: res.statusCode, body: JSON.parse(res.body) };
  };

  it('records every bounce before answering 200 with the tallies', async () => {
    const res = await post();
    expect(res).toEqual({
      status: 200,
      body: { data: { recorded: 2, duplicates: 0, ignored: 3, skipped: 1 } },
    });
    expect(await table.bounces.count('user1@example.com', 'hard')).toBe(1);
  });

  it('counts a redelivered batch as duplicates and stores nothing twice', async () => {
    await post();
    expect((await post()).body.data).toMatchObject({ recorded: 0, duplicates: 2 });
    expect(await table.bounces.count('user2@example.com', 'hard')).toBe(1);
  });

  it.each([
    [{ enabled: false }, 'settings: enabled'],
    [{ webhooks_enabled: false }, 'settings: webhooks_enabled'],
    [{ sendgrid: { enabled: false, key: '' } }, 'settings: sendgrid.enabled'],
  ])('answers 503 naming what is off (%j)', async (change, named) => {
    settings = { ...settings, ...change };
    const res = await post();
    expect(res.status).toBe(503);
    expect(res.body.message).toContain(named);
  });

  it('checks the switches before verifying, for providers that do not confirm subscriptions', async () => {
    settings = { ...settings, enabled: false };
    outcome = new UnauthenticatedError('bad signature');
    expect((await post()).status).toBe(503);
  });

  it('confirms a verified subscription even while processing is disabled, for SES', async () => {
    verifiesFirst = true;
    settings = { ...settings, enabled: false };
    outcome = {
      kind: 'confirm',
      subscribeUrl: 'https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription',
      topicArn: 't',
    };
    expect((await post()).body).toEqual({ data: { confirmed: true } });
    expect(confirmed).toHaveLength(1);
  });

  it('still refuses events while disabled after verifying first', async () => {
    verifiesFirst = true;
    settings = { ...settings, enabled: false };
    expect((await post()).status).toBe(503);
  });

  it('answers 401 when verification fails', async () => {
    outcome = new UnauthenticatedError('signature does not match');
    expect((await post()).status).toBe(401);
  });

  it('answers 500 when storage fails, so the provider retries', async () => {
    table.bounces.put = async () => {
      throw new InternalError('storage failed: store bounce');
    };
    const res = await post();
    expect(res.status).toBe(500);
    expect(res.body.message).not.toContain('storage');
  });

  it('answers 413 for a body over 1 MB', async () => {
    expect((await post(`[${'1,'.repeat(600_000)}1]`)).status).toBe(413);
  });

  it('acknowledges what is deliberately ignored', async () => {
    outcome = { kind: 'ack', note: 'unsubscribe confirmation' };
    expect((await post()).status).toBe(200);
  });
});
