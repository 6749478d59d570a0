import { createHmac, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mailgunProvider } from '../../lambdas/core/providers/mailgun.js';
import { postalProvider } from '../../lambdas/core/providers/postal.js';
import { resendProvider } from '../../lambdas/core/providers/resend.js';

/** Mailgun, Resend and Postal requests signed with test keys, for tests that drive every provider route. */

const FIXTURES = join(import.meta.dirname, '../fixtures/providers');
const MAILGUN_KEY = `key-${randomBytes(16).toString('hex')}`;
const RESEND_SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const POSTAL = generateKeyPairSync('rsa', { modulusLength: 2048 });

type Json = Record<string, unknown>;
type Signed = [body: string, headers: Record<string, string>];

function fixture(path: string): Json {
  return JSON.parse(readFileSync(join(FIXTURES, path), 'utf8'));
}

export const SIGNED_PROVIDERS = {
  mailgun: mailgunProvider,
  resend: resendProvider,
  postal: postalProvider,
};

export const SIGNED_PROVIDER_SETTINGS = {
  mailgun: { enabled: true, signing_key: MAILGUN_KEY },
  resend: { enabled: true, secret: RESEND_SECRET },
  postal: { enabled: true, public_key: POSTAL.publicKey.export({ type: 'spki', format: 'pem' }).toString() },
};

/** A permanent Mailgun failure for `email`, signed (or signed with `key`), with a fresh token. */
export function mailgunRequest(email: string, key = MAILGUN_KEY): Signed {
  const token = randomBytes(25).toString('hex');
  const timestamp = '1764410400';
  const signature = createHmac('sha256', key)
    .update(timestamp + token)
    .digest('hex');
  const event = {
    ...fixture('mailgun/failed-permanent-5.1.1.json'),
    id: randomBytes(8).toString('hex'),
    recipient: email,
  };
  return [JSON.stringify({ signature: { timestamp, token, signature }, 'event-data': event }), {}];
}

/** A Resend bounce for `email`, Svix-signed at `nowS` (the handler's clock). */
export function resendRequest(email: string, nowS: number, secret = RESEND_SECRET): Signed {
  const body = fixture('resend/bounced-message-only.json');
  const raw = JSON.stringify({ ...body, data: { ...(body.data as Json), to: [email] } });
  const id = `msg_${randomBytes(8).toString('hex')}`;
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const mac = createHmac('sha256', key).update(`${id}.${nowS}.${raw}`).digest('base64');
  return [raw, { 'svix-id': id, 'svix-timestamp': String(nowS), 'svix-signature': `v1,${mac}` }];
}

/** A Postal hard failure for `email`, signed with the test key (or another key when `forged`). */
export function postalRequest(email: string, forged = false): Signed {
  const body = fixture('postal/delivery-failed.json') as Json & { payload: Json & { message: Json } };
  const raw = JSON.stringify({
    ...body,
    uuid: randomBytes(8).toString('hex'),
    payload: { ...body.payload, message: { ...body.payload.message, to: email } },
  });
  const key = forged ? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey : POSTAL.privateKey;
  return [raw, { 'X-Postal-Signature-256': sign('sha256', Buffer.from(raw), key).toString('base64') }];
}
