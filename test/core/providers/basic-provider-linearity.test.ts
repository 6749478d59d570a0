import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { brevoProvider } from '../../../lambdas/core/providers/brevo.js';
import { mailjetProvider } from '../../../lambdas/core/providers/mailjet.js';
import type { ProviderRequest } from '../../../lambdas/core/providers/provider.js';
import { sparkpostProvider } from '../../../lambdas/core/providers/sparkpost.js';
import { FakeClock } from '../../support/fakes.js';
import { costRatioAsync, LINEAR_BOUND } from '../../support/linearity.js';

const DEPS = { clock: new FakeClock(), certificates: { load: async () => '' } };
const FIXTURES = join(import.meta.dirname, '../../fixtures/providers');
const CREDS = { enabled: true, username: 'hook', password: 'pw-0123456789', token: '' };
const HEADERS = { authorization: `Basic ${Buffer.from('hook:pw-0123456789').toString('base64')}` };

function list(path: string): unknown[] {
  const parsed: unknown = JSON.parse(readFileSync(join(FIXTURES, path), 'utf8'));
  return Array.isArray(parsed) ? parsed : [parsed];
}

/** A batch of about `size` elements cycled from a fixture, as the raw request. */
function request(events: unknown[], size: number): ProviderRequest {
  const batch = Array.from({ length: size }, (_, i) => events[i % events.length]);
  return { rawBody: Buffer.from(JSON.stringify(batch)), headers: HEADERS };
}

describe('batch cost is linear in the batch', () => {
  it.each([
    [
      'SparkPost',
      list('sparkpost/batch.json'),
      (r: ProviderRequest) => sparkpostProvider.handle(r, CREDS, DEPS),
    ],
    ['Mailjet', list('mailjet/grouped.json'), (r: ProviderRequest) => mailjetProvider.handle(r, CREDS, DEPS)],
    ['Brevo', list('brevo/batch.json'), (r: ProviderRequest) => brevoProvider.handle(r, CREDS, DEPS)],
  ] as const)('%s: 10x the events costs well under 100x the time', async (_, events, handle) => {
    const requests = new Map([50, 500].map((n) => [n, request(events, n)]));
    const ratio = await costRatioAsync((n) => handle(requests.get(n) as ProviderRequest), 50);
    expect(ratio).toBeLessThan(LINEAR_BOUND);
  });
});
