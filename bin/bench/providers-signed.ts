import { createHmac, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ProviderRequest } from '../../lambdas/core/providers/provider.js';

/** Mailgun, Resend and Postal for `npm run bench -- providers`: settings and signed requests. */

type Json = Record<string, unknown>;
type Build = (i: number, run: string) => ProviderRequest;

const FIXTURES = join(resolve(import.meta.dirname, '../..'), 'test/fixtures/providers');
const ADDRESSES = 1_000;

const MAILGUN_KEY = `key-${randomBytes(16).toString('hex')}`;
const RESEND_SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const POSTAL = generateKeyPairSync('rsa', { modulusLength: 2048 });

function fixture(path: string): Json {
  return JSON.parse(readFileSync(join(FIXTURES, path), 'utf8'));
}

const MAILGUN_FAILURE = fixture('mailgun/failed-permanent-5.1.1.json');
const RESEND_BOUNCE = fixture('resend/bounced-message-only.json');
const POSTAL_FAILURE = fixture('postal/delivery-failed.json');

function recipient(n: number, run: string, domain: string): string {
  return `user.${run}${n % ADDRESSES}@${domain}`;
}

export const SIGNED_SETTINGS = {
  mailgun: { enabled: true, signing_key: MAILGUN_KEY },
  resend: { enabled: true, secret: RESEND_SECRET },
  postal: { enabled: true, public_key: POSTAL.publicKey.export({ type: 'spki', format: 'pem' }).toString() },
};

/** The i-th request of a run, signed with `nowS` (the bench's fixed clock) where a time is signed. */
export function signedBuilders(nowS: number): Record<string, Build> {
  return {
    mailgun(i, run) {
      const token = createHmac('sha256', 'token').update(`${run}-${i}`).digest('hex').slice(0, 50);
      const timestamp = String(nowS - 60);
      const signature = createHmac('sha256', MAILGUN_KEY)
        .update(timestamp + token)
        .digest('hex');
      const event = {
        ...MAILGUN_FAILURE,
        id: `${run}-${i}`,
        recipient: recipient(i, run, 'mailgun.example'),
      };
      const rawBody = Buffer.from(
        JSON.stringify({ signature: { timestamp, token, signature }, 'event-data': event }),
      );
      return { rawBody, headers: { 'content-type': 'application/json' } };
    },
    resend(i, run) {
      const id = `msg_${run}_${i}`;
      const timestamp = String(nowS - 60);
      const data = { ...(RESEND_BOUNCE.data as Json), to: [recipient(i, run, 'resend.example')] };
      const rawBody = Buffer.from(JSON.stringify({ ...RESEND_BOUNCE, data }));
      const key = Buffer.from(RESEND_SECRET.slice('whsec_'.length), 'base64');
      const mac = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(rawBody).digest('base64');
      return {
        rawBody,
        headers: {
          'content-type': 'application/json',
          'svix-id': id,
          'svix-timestamp': timestamp,
          'svix-signature': `v1,${mac}`,
        },
      };
    },
    postal(i, run) {
      const payload = POSTAL_FAILURE.payload as Json;
      const message = { ...(payload.message as Json), to: recipient(i, run, 'postal.example') };
      const body = { ...POSTAL_FAILURE, uuid: `${run}-${i}`, payload: { ...payload, message } };
      const rawBody = Buffer.from(JSON.stringify(body));
      return {
        rawBody,
        headers: {
          'content-type': 'application/json',
          'x-postal-signature-256': sign('sha256', rawBody, POSTAL.privateKey).toString('base64'),
        },
      };
    },
  };
}
