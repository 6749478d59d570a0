import { generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BounceInput } from '../../../lambdas/core/bounces/bounce.js';
import { UnauthenticatedError } from '../../../lambdas/core/errors.js';
import { postalMapping, postalProvider } from '../../../lambdas/core/providers/postal.js';
import type { ProviderOutcome, ProviderRequest } from '../../../lambdas/core/providers/provider.js';
import { FakeClock } from '../../support/fakes.js';
import { bounceOrIgnored, describeMappingExamples } from '../../support/mapping-examples.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/providers/postal');
const KEYS = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PEM = KEYS.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const CAMPAIGN = '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b';

type Json = Record<string, unknown>;

function fixture(name: string): Json {
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));
}

function signed(body: Json | Buffer, privateKey = KEYS.privateKey): ProviderRequest {
  const rawBody = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
  return {
    rawBody,
    headers: {
      'x-postal-signature-256': sign('sha256', rawBody, privateKey).toString('base64'),
      'x-postal-signature': sign('sha1', rawBody, privateKey).toString('base64'),
    },
  };
}

function handle(request: ProviderRequest, key = PEM): Promise<ProviderOutcome> {
  return postalProvider.handle(
    request,
    { enabled: true, public_key: key },
    { clock: new FakeClock(), certificates: { load: async () => '' } },
  );
}

async function mapped(body: Json): Promise<BounceInput | 'ignored'> {
  return bounceOrIgnored(await handle(signed(body)));
}

function failed(payload: Json): Json {
  const body = fixture('delivery-failed.json');
  return { ...body, payload: { ...(body.payload as Json), ...payload } };
}

function bouncedEnvelope(): Json {
  return {
    event: 'MessageBounced',
    timestamp: 1477945179.12994,
    uuid: '820b47a4-4dfd-42e4-ae6a-1e5bed5a33fd',
    payload: fixture('bounced.payload.json'),
  };
}

const DELIVERY_FAILED = 'MessageDeliveryFailed, status HardFail, output 550 5.1.1 user unknown';

/** One payload per row of the mapping table, written from Postal's documented webhook payloads. */
const EXAMPLES: Record<string, Json> = {
  [DELIVERY_FAILED]: failed({
    output: '550 5.1.1 <failed@example.com>: Recipient address rejected: User unknown',
  }),
  'MessageDeliveryFailed, status HardFail, output 552 mailbox full': failed({
    output: '552 Requested mail action aborted: mailbox full',
  }),
  'MessageDeliveryFailed, status HardFail, output 554 5.7.1 blocked': failed({
    output: '554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org',
  }),
  'MessageDeliveryFailed, status HardFail, output unclassified': failed({
    output: 'server output',
    details: 'Could not deliver',
  }),
  'MessageDeliveryFailed, other status, or an incoming message': failed({ status: 'Held' }),
  'MessageBounced (a message came back to the return path)': bouncedEnvelope(),
  'MessageDelayed (Postal retries)': { ...failed({ status: 'SoftFail' }), event: 'MessageDelayed' },
  'MessageSent, MessageHeld, MessageLinkClicked, MessageLoaded, DomainDNSError, ...': {
    ...failed({ status: 'Sent' }),
    event: 'MessageSent',
  },
};

describeMappingExamples('postalProvider: the mapping table', postalMapping, EXAMPLES, mapped);

describe('postalProvider: mapping', () => {
  it('maps a hard failure with its status, output, time, campaign tag and the envelope uuid as key', async () => {
    const body = EXAMPLES[DELIVERY_FAILED] as Json & { payload: { message: Json } };
    body.payload.message.tag = CAMPAIGN;
    expect(await handle(signed(body))).toEqual({
      kind: 'events',
      ignored: 0,
      skipped: 0,
      bounces: [
        {
          email: 'failed@example.com',
          type: 'hard',
          reason: 'user_unknown',
          status: '5.1.1',
          diagnostic:
            '550 5.1.1 <failed@example.com>: Recipient address rejected: User unknown | Could not deliver',
          source: 'postal',
          campaign_uuid: CAMPAIGN,
          meta: {
            postal_event: 'MessageDeliveryFailed',
            message_id: 'cfb29da8ed1e4ed5a6c8a0f24d7a9ef3@rp.postal.example.com',
            postal_message_id: 1571,
            status: 'HardFail',
            tag: CAMPAIGN,
          },
          created_at: '2020-11-30T16:21:58.701Z',
          resolve_by: 'email',
          event_key: 'postal:5fec5077-dae7-4989-94d5-e1963f3e9181',
        },
      ],
    });
  });

  it('ignores a failed delivery of an incoming message (routed to an endpoint, not a send)', async () => {
    const body = failed({}) as Json & { payload: { message: Json } };
    body.payload.message.direction = 'incoming';
    expect(await mapped(body)).toBe('ignored');
  });

  it('a bounce names the original recipient, never the bounce message', async () => {
    expect(await mapped(bouncedEnvelope())).toMatchObject({
      email: 'test@example.com',
      meta: { tag: 'welcome', campaign_ref: 'welcome' },
    });
  });
});

describe('postalProvider: verification', () => {
  it('accepts the TEST-ONLY signed vector made outside this code base', async () => {
    const headers = fixture('vector.MessageBounced.headers.json');
    const rawBody = readFileSync(join(FIXTURES, 'vector.MessageBounced.body.txt'));
    const key = readFileSync(join(FIXTURES, 'vector-public.pem'), 'utf8');
    const request = {
      rawBody,
      headers: {
        'x-postal-signature-256': headers['X-Postal-Signature-256'] as string,
        'x-postal-signature': headers['X-Postal-Signature'] as string,
      },
    };
    expect(await handle(request, key)).toMatchObject({ kind: 'events', bounces: [{ type: 'soft' }] });
  });

  it('takes the key as PEM (also on one line, also PKCS#1), as base64 DER and as the DKIM-style record', async () => {
    const der = KEYS.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    const pkcs1 = KEYS.publicKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const oneLine = PEM.replace(/\n/g, '');
    for (const key of [PEM, oneLine, pkcs1, der, `v=DKIM1; t=s; h=sha256; p=${der};`]) {
      expect(await handle(signed(failed({})), key)).toMatchObject({ kind: 'events' });
    }
  });

  it('refuses an altered body, another key, and an unsigned request', async () => {
    const request = signed(failed({}));
    const altered = Buffer.from(request.rawBody.toString().replace('failed@', 'victim@'));
    await expect(handle({ ...request, rawBody: altered })).rejects.toBeInstanceOf(UnauthenticatedError);
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    await expect(handle(signed(failed({}), other))).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(handle({ rawBody: request.rawBody, headers: {} })).rejects.toBeInstanceOf(
      UnauthenticatedError,
    );
  });

  it('lets the SHA-256 signature alone decide when present: a good SHA-1 one does not rescue a bad one', async () => {
    const request = signed(failed({}));
    const forged = { ...request, headers: { ...request.headers, 'x-postal-signature-256': 'AAAA' } };
    await expect(handle(forged)).rejects.toBeInstanceOf(UnauthenticatedError);
    const legacy = { ...request, headers: { 'x-postal-signature': request.headers['x-postal-signature'] } };
    expect(await handle(legacy)).toMatchObject({ kind: 'events' });
  });

  it('never admits a request while the key is blank, and refuses a key that is not RSA', async () => {
    for (const blank of ['', ' \n ']) {
      await expect(handle(signed(failed({})), blank)).rejects.toThrow(/postal.public_key is not configured/);
    }
    const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const ecPem = ec.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    await expect(handle(signed(failed({})), ecPem)).rejects.toThrow(/not an RSA key/);
    await expect(handle(signed(failed({})), 'not a key')).rejects.toThrow(/postal.public_key/);
  });
});
