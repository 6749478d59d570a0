import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Logger } from '@aws-lambda-powertools/logger';
import { createMemoryStores } from '../../lambdas/adapters/memory/memory-stores.js';
import { ulidIds } from '../../lambdas/adapters/ulid-ids.js';
import { providerSlice } from '../../lambdas/core/ingestion/ingest-provider-request.js';
import type { Clock } from '../../lambdas/core/ports.js';
import type {
  AnyProvider,
  CertificateLoader,
  ProviderDeps,
  ProviderRequest,
} from '../../lambdas/core/providers/provider.js';
import { PROVIDERS as REGISTRY } from '../../lambdas/core/providers/registry.js';
import { type BounceSettings, effectiveSettings } from '../../lambdas/core/settings/settings.js';
import { errorResponse } from '../../lambdas/handlers/http/error-response.js';
import type { HttpEvent, HttpResult } from '../../lambdas/handlers/http/types.js';
import { createProviderWebhookHandler } from '../../lambdas/handlers/webhooks/provider-webhook.js';
import { notification, TEST_CERT_PEM, TEST_TOPIC_ARN } from '../../test/support/sns-signer.js';
import { webhookEvent } from './events.js';
import { BASIC_SETTINGS, basicBuilders, basicRefusals } from './providers-basic.js';
import { SIGNED_SETTINGS, signedBuilders } from './providers-signed.js';
import { silenceHandlerLogs } from './silence.js';
import { formatCount, formatMs, summarise, table } from './stats.js';
import { type TimedRequests, timeRequests } from './timed-requests.js';

const WARMUP = 500;
const REQUESTS = 3_000;
const VERIFY_MESSAGES = 2_000;
const ADDRESSES = 1_000;

const ROOT = resolve(import.meta.dirname, '../..');
const FIXTURES = join(ROOT, 'test/fixtures');

// A fixed clock inside the TEST-ONLY certificate's validity; SendGrid timestamps are signed against it.
const NOW = new Date('2027-01-15T12:00:00.000Z');
const NOW_S = Math.floor(NOW.getTime() / 1000);
const clock: Clock = { now: () => new Date(NOW) };

/** The certificate as the caching loader serves it after the first fetch: no network, no parsing. */
const certificates: CertificateLoader = { load: async () => TEST_CERT_PEM };

const SENDGRID = (() => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { privateKey, base64: publicKey.export({ format: 'der', type: 'spki' }).toString('base64') };
})();
const POSTMARK_USER = 'postmark-hook';
const POSTMARK_PASSWORD = 'c0rrect horse battery staple';
const FORWARDEMAIL_KEY = 'a3f1c2d4e5b60718293a4b5c6d7e8f90';

type Json = Record<string, unknown>;

function fixture(path: string): unknown {
  return JSON.parse(readFileSync(join(FIXTURES, path), 'utf8'));
}

const SES_MESSAGE = fixture('sns/ses/notification-bounce-permanent-dsn.json') as Json;
const SENDGRID_BATCH = fixture('providers/sendgrid/batch.json') as Json[];
const POSTMARK_BOUNCE = fixture('providers/postmark/bounce-hard.json') as Json;
const FORWARDEMAIL_REJECT = fixture('providers/forwardemail/reject-recipient.json') as Json;

function settings(): BounceSettings {
  return effectiveSettings(
    {
      enabled: true,
      webhooks_enabled: true,
      ses: { enabled: true, topic_arns: [TEST_TOPIC_ARN], auto_confirm: true },
      sendgrid: { enabled: true, key: SENDGRID.base64 },
      postmark: { enabled: true, username: POSTMARK_USER, password: POSTMARK_PASSWORD },
      forwardemail: { enabled: true, key: FORWARDEMAIL_KEY },
      ...BASIC_SETTINGS,
      ...SIGNED_SETTINGS,
    },
    undefined,
  );
}

/** `local@domain` made the n-th of the run's pool: `local.run.n@domain`. */
function recipient(email: unknown, run: string, n: number): string {
  const [local, domain] = String(email).split('@');
  return `${local}.${run}${n}@${domain}`;
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

type Build = (i: number, run: string) => ProviderRequest;

/**
 * The i-th request of a run, signed; event keys are unique per request, recipients cycle a pool.
 * The providers measured are the registry's that have a builder here; the others are named as missing.
 */
const BUILD: Partial<Record<string, Build>> = {
  ses(i, run) {
    const message = clone(SES_MESSAGE) as { bounce: Json & { bouncedRecipients: Json[] }; mail: Json };
    message.bounce.feedbackId = `${run}-feedback-${i}`;
    for (const r of message.bounce.bouncedRecipients)
      r.emailAddress = recipient(r.emailAddress, run, i % ADDRESSES);
    message.mail.messageId = `${run}-message-${i}`;
    const body = notification(message, { MessageId: `${run}-sns-${i}` });
    return {
      rawBody: Buffer.from(JSON.stringify(body, null, 2)),
      headers: {
        'content-type': 'text/plain; charset=UTF-8',
        'x-amz-sns-message-type': 'Notification',
      },
    };
  },
  sendgrid(i, run) {
    const batch = clone(SENDGRID_BATCH).map((event, j) => ({
      ...event,
      email: recipient(event.email, run, i % ADDRESSES),
      ...(event.sg_event_id ? { sg_event_id: `${run}-${i}-${j}` } : {}),
    }));
    const rawBody = Buffer.from(JSON.stringify(batch));
    const timestamp = String(NOW_S - 60);
    const signature = sign('sha256', Buffer.concat([Buffer.from(timestamp), rawBody]), {
      key: SENDGRID.privateKey,
      dsaEncoding: 'der',
    });
    return {
      rawBody,
      headers: {
        'content-type': 'application/json',
        'x-twilio-email-event-webhook-signature': signature.toString('base64'),
        'x-twilio-email-event-webhook-timestamp': timestamp,
      },
    };
  },
  postmark(i, run) {
    const record = clone(POSTMARK_BOUNCE);
    record.ID = i;
    record.MessageID = `${run}-message-${i}`;
    record.Email = recipient(record.Email, run, i % ADDRESSES);
    const basic = Buffer.from(`${POSTMARK_USER}:${POSTMARK_PASSWORD}`).toString('base64');
    return {
      rawBody: Buffer.from(JSON.stringify(record)),
      headers: { 'content-type': 'application/json', authorization: `Basic ${basic}` },
    };
  },
  forwardemail(i, run) {
    const record = clone(FORWARDEMAIL_REJECT);
    record.email_id = `${run}-email-${i}`;
    record.recipient = recipient(record.recipient, run, i % ADDRESSES);
    const rawBody = Buffer.from(JSON.stringify(record));
    const signature = createHmac('sha256', FORWARDEMAIL_KEY).update(rawBody).digest('hex');
    return { rawBody, headers: { 'content-type': 'application/json', 'x-webhook-signature': signature } };
  },
  ...basicBuilders(),
  ...signedBuilders(NOW_S),
};

/** `handle` on requests it refuses: the median cost of a refusal, in microseconds. */
async function runRefusals(
  provider: AnyProvider,
  build: Build,
): Promise<{ provider: string; samples: number[]; admitted: number }> {
  const current = providerSlice(settings(), provider);
  const deps: ProviderDeps = { clock, certificates };
  const requests = Array.from({ length: VERIFY_MESSAGES }, (_, i) => build(i, 'refuse'));
  for (const req of requests.slice(0, WARMUP))
    await provider.handle(req, current, deps).catch(() => undefined);
  const samples = new Array<number>(VERIFY_MESSAGES);
  let admitted = 0;
  for (let i = 0; i < VERIFY_MESSAGES; i++) {
    const t0 = performance.now();
    const outcome = await provider
      .handle(requests[i] as ProviderRequest, current, deps)
      .catch(() => undefined);
    samples[i] = performance.now() - t0;
    if (outcome) admitted++;
  }
  return { provider: provider.name, samples, admitted };
}

/** Requests refused for a wrong credential: what verification alone costs a credential-only provider. */
const REFUSE = basicRefusals();

const PROVIDERS: readonly AnyProvider[] = REGISTRY.filter((p) => BUILD[p.name]);
const UNMEASURED = REGISTRY.filter((p) => !BUILD[p.name]).map((p) => p.name);

function builder(provider: AnyProvider): Build {
  return BUILD[provider.name] as Build;
}

function httpEvent(name: string, req: ProviderRequest): HttpEvent {
  const path = `/webhooks/service/${name}`;
  const base = webhookEvent(req.rawBody.toString('utf8'));
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.headers)) if (value !== undefined) headers[key] = value;
  const multiValueHeaders = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]]));
  return {
    ...base,
    path,
    resource: '/webhooks/service/{provider}',
    pathParameters: { provider: name },
    headers,
    multiValueHeaders,
    requestContext: { ...base.requestContext, path, resourcePath: '/webhooks/service/{provider}' },
  };
}

interface Run extends TimedRequests {
  provider: string;
  recorded: number;
  duplicates: number;
}

async function runHandler(provider: AnyProvider, logger: Logger): Promise<Run> {
  const stores = createMemoryStores();
  const current = settings();
  const handler = createProviderWebhookHandler(provider, {
    record: {
      subscribers: stores.subscribers,
      bounces: stores.bounces,
      events: { publish: async () => undefined },
      clock,
      ids: ulidIds(),
    },
    settings: { get: async () => current },
    certificates,
    confirmer: { confirm: async () => undefined },
    logger,
  });
  const invoke = (event: HttpEvent): Promise<HttpResult> =>
    handler(event).catch((error) => errorResponse(error, logger));
  // Signed beforehand so the timing holds the handler only; the warm-up uses other addresses and keys.
  const build = builder(provider);
  const warm = Array.from({ length: WARMUP }, (_, i) => httpEvent(provider.name, build(i, 'warm')));
  const events = Array.from({ length: REQUESTS }, (_, i) => httpEvent(provider.name, build(i, 'run')));
  let recorded = 0;
  let duplicates = 0;
  const timed = await timeRequests(invoke, warm, events, (res) => {
    const { data } = JSON.parse(res.body) as { data?: { recorded?: number; duplicates?: number } };
    recorded += data?.recorded ?? 0;
    duplicates += data?.duplicates ?? 0;
  });
  return { provider: provider.name, ...timed, recorded, duplicates };
}

interface Verify {
  provider: string;
  samples: number[];
  bounces: number;
  failures: number;
}

async function runVerify(provider: AnyProvider): Promise<Verify> {
  const current = settings();
  const deps: ProviderDeps = { clock, certificates };
  const build = builder(provider);
  const warm = Array.from({ length: WARMUP }, (_, i) => build(i, 'vwarm'));
  const requests = Array.from({ length: VERIFY_MESSAGES }, (_, i) => build(i, 'verify'));
  for (const req of warm)
    await provider.handle(req, providerSlice(current, provider), deps).catch(() => undefined);
  const samples = new Array<number>(VERIFY_MESSAGES);
  let bounces = 0;
  let failures = 0;
  for (let i = 0; i < VERIFY_MESSAGES; i++) {
    const t0 = performance.now();
    const outcome = await provider
      .handle(requests[i] as ProviderRequest, providerSlice(current, provider), deps)
      .catch(() => undefined);
    samples[i] = performance.now() - t0;
    if (outcome?.kind === 'events') bounces += outcome.bounces.length;
    else failures++;
  }
  return { provider: provider.name, samples, bounces, failures };
}

export async function benchProviders(): Promise<string[]> {
  silenceHandlerLogs();
  const logger = new Logger({ serviceName: 'bench', logLevel: 'SILENT' });
  const lines: string[] = [];

  lines.push(
    `  (1) provider webhook handler: ${formatCount(REQUESTS)} requests per provider after ${formatCount(WARMUP)}` +
      ` warm-up, one at a time, ${formatCount(ADDRESSES)} recipients, unique event keys; memory stores,` +
      ' cached SNS certificate',
  );
  const runs: Run[] = [];
  for (const provider of PROVIDERS) runs.push(await runHandler(provider, logger));
  const handlerRows = runs.map((r) => {
    const s = summarise(r.samples);
    return [
      r.provider,
      formatMs(s.p50),
      formatMs(s.p90),
      formatMs(s.p99),
      formatMs(s.max),
      formatCount((REQUESTS / r.wallMs) * 1000),
      formatCount((r.recorded / r.wallMs) * 1000),
      (r.recorded / REQUESTS).toFixed(1),
    ];
  });
  for (const line of table([
    ['', 'p50', 'p90', 'p99', 'max', 'requests/s', 'bounces/s', 'bounces/req'],
    ...handlerRows,
  ]))
    lines.push(`  ${line}`);
  for (const r of runs) {
    if (r.duplicates) lines.push(`  !! ${r.provider}: ${r.duplicates} duplicates`);
    for (const [failure, n] of r.failures) lines.push(`  !! ${r.provider}: ${n} x ${failure}`);
  }

  lines.push('');
  lines.push(
    `  (2) provider.handle alone (verify + map, no recording): ${formatCount(VERIFY_MESSAGES)} messages per` +
      ` provider after ${formatCount(WARMUP)} warm-up (SendGrid: one ${SENDGRID_BATCH.length}-event batch per message)`,
  );
  const verifies: Verify[] = [];
  for (const provider of PROVIDERS) verifies.push(await runVerify(provider));
  const verifyRows = verifies.map((v) => {
    const s = summarise(v.samples);
    return [
      v.provider,
      `${Math.round(s.p50 * 1000)} µs`,
      `${Math.round(s.p99 * 1000)} µs`,
      formatCount(1000 / s.mean),
      (v.bounces / VERIFY_MESSAGES).toFixed(1),
    ];
  });
  for (const line of table([['', 'p50', 'p99', 'messages/s', 'bounces/msg'], ...verifyRows]))
    lines.push(`  ${line}`);
  for (const v of verifies)
    if (v.failures) lines.push(`  !! ${v.provider}: ${v.failures} messages not verified`);
  if (UNMEASURED.length) lines.push(`  !! no request builder (not measured): ${UNMEASURED.join(', ')}`);

  const refusable = PROVIDERS.filter((p) => REFUSE[p.name]);
  if (refusable.length) {
    lines.push('');
    lines.push(
      `  (3) verification alone: provider.handle on ${formatCount(VERIFY_MESSAGES)} requests with a wrong` +
        ' credential each (refused before the body is read); last column: its p50 against the p50 of (2)',
    );
    const refusalRows: string[][] = [];
    for (const provider of refusable) {
      const r = await runRefusals(provider, REFUSE[provider.name] as Build);
      const s = summarise(r.samples);
      const full = verifies.find((v) => v.provider === provider.name);
      const fullP50 = full ? summarise(full.samples).p50 : Number.NaN;
      refusalRows.push([
        r.provider,
        `${Math.round(s.p50 * 1000)} µs`,
        `${Math.round(s.p99 * 1000)} µs`,
        formatCount(1000 / s.mean),
        `${((s.p50 / fullP50) * 100).toFixed(0)} %`,
      ]);
      if (r.admitted)
        lines.push(`  !! ${r.provider}: ${r.admitted} requests with a wrong credential admitted`);
    }
    for (const line of table([['', 'p50', 'p99', 'refusals/s', 'p50 of (2)'], ...refusalRows]))
      lines.push(`  ${line}`);
  }
  return lines;
}
