import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { brevoProvider } from '../../../lambdas/core/providers/brevo.js';
import { mailjetProvider } from '../../../lambdas/core/providers/mailjet.js';
import type { ProviderOutcome, ProviderRequest } from '../../../lambdas/core/providers/provider.js';
import { sparkpostProvider } from '../../../lambdas/core/providers/sparkpost.js';
import { FakeClock } from '../../support/fakes.js';
import { costRatioAsync, hostileText, LINEAR_BOUND } from '../../support/linearity.js';

const DEPS = { clock: new FakeClock(), certificates: { load: async () => '' } };
const FIXTURES = join(import.meta.dirname, '../../fixtures/providers');
const CREDS = { enabled: true, username: 'hook', password: 'pw-0123456789', token: '' };
const HEADERS = { authorization: `Basic ${Buffer.from('hook:pw-0123456789').toString('base64')}` };

type Json = Record<string, unknown>;
type Handle = (r: ProviderRequest) => Promise<ProviderOutcome>;

function list(path: string): Json[] {
  const parsed: unknown = JSON.parse(readFileSync(join(FIXTURES, path), 'utf8'));
  return Array.isArray(parsed) ? parsed : [parsed as Json];
}

function request(body: unknown): ProviderRequest {
  return { rawBody: Buffer.from(JSON.stringify(body)), headers: HEADERS };
}

const sparkpost: Handle = (r) => sparkpostProvider.handle(r, CREDS, DEPS);
const mailjet: Handle = (r) => mailjetProvider.handle(r, CREDS, DEPS);
const brevo: Handle = (r) => brevoProvider.handle(r, CREDS, DEPS);

/** The first event of a fixture with hostile text in the fields the classifier and the custom-data parser read. */
const HOSTILE: [string, Handle, (text: string) => unknown][] = [
  [
    'SparkPost',
    sparkpost,
    (text) => {
      const [element] = list('sparkpost/batch.json') as { msys: { message_event: Json } }[];
      const event = (element as { msys: { message_event: Json } }).msys.message_event;
      Object.assign(event, {
        bounce_class: '1',
        raw_reason: text,
        reason: text,
        rcpt_tags: [text],
        rcpt_meta: { stmails_campaign: text },
      });
      return [element];
    },
  ],
  [
    'Mailjet',
    mailjet,
    (text) => ({
      ...list('mailjet/bounce.json')[0],
      error: text,
      comment: text,
      Payload: text,
      CustomID: text,
    }),
  ],
  [
    'Brevo',
    brevo,
    (text) => ({
      ...list('brevo/hard-bounce.json')[0],
      reason: text,
      'X-Mailin-custom': text,
      tag: `[${JSON.stringify(text)}]`,
    }),
  ],
];

describe('the basic-auth providers cost time linear in their input', () => {
  it.each([
    ['SparkPost', list('sparkpost/batch.json'), sparkpost],
    ['Mailjet', list('mailjet/grouped.json'), mailjet],
    ['Brevo', list('brevo/batch.json'), brevo],
  ] as const)('%s: 10x the events of a batch costs well under 100x the time', async (_, events, handle) => {
    const requests = new Map(
      [20, 200].map((n) => [n, request(Array.from({ length: n }, (_, i) => events[i % events.length]))]),
    );
    const ratio = await costRatioAsync((n) => handle(requests.get(n) as ProviderRequest), 20);
    expect(ratio).toBeLessThan(LINEAR_BOUND);
  });

  it.each(HOSTILE)(
    '%s: 10x the hostile text in one event costs well under 100x the time',
    async (_, handle, body) => {
      const requests = new Map([20, 200].map((n) => [n, request(body(hostileText(n)))]));
      const ratio = await costRatioAsync(async (n) => {
        const outcome = await handle(requests.get(n) as ProviderRequest);
        expect(outcome.kind).toBe('events');
      }, 20);
      expect(ratio).toBeLessThan(LINEAR_BOUND);
    },
  );
});
