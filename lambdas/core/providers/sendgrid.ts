import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import { UnauthenticatedError, ValidationError } from '../errors.js';
import { mapBatch } from './mapped-event.js';
import { parseJsonText } from './payload-fields.js';
import { defineProvider, type ProviderOutcome, type ProviderRequest } from './provider.js';
import { mapSendgridEvent } from './sendgrid-mapping.js';

const SIGNATURE_HEADER = 'x-twilio-email-event-webhook-signature';
const TIMESTAMP_HEADER = 'x-twilio-email-event-webhook-timestamp';
/** SendGrid retries for 24 h and does not say it re-signs, so a retry may carry the first signature. */
const MAX_AGE_MS = 25 * 3_600_000;
const MAX_AHEAD_MS = 5 * 60_000;

let cachedKey: { text: string; key: KeyObject } | undefined;

/** The verification key as SendGrid shows it (base64 SPKI DER) or as PEM; only EC P-256 is accepted. */
function publicKey(text: string): KeyObject {
  if (cachedKey?.text === text) return cachedKey.key;
  let key: KeyObject;
  try {
    key = text.includes('BEGIN')
      ? createPublicKey(text)
      : createPublicKey({
          key: Buffer.from(text.replace(/\s+/g, ''), 'base64'),
          format: 'der',
          type: 'spki',
        });
  } catch {
    throw new UnauthenticatedError(
      'sendgrid.key is not a valid public key; paste the verification key again',
    );
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new UnauthenticatedError('sendgrid.key is not an EC P-256 public key');
  }
  cachedKey = { text, key };
  return key;
}

function verifySignature(request: ProviderRequest, keyText: string, now: Date): void {
  // An empty key must never mean "accept everything" (listmonk before v6.2 did that for Postmark).
  if (!keyText.trim()) throw new UnauthenticatedError('sendgrid.key is not configured');
  const signature = request.headers[SIGNATURE_HEADER]?.trim();
  const timestamp = request.headers[TIMESTAMP_HEADER];
  if (!signature || !timestamp) {
    throw new UnauthenticatedError(
      'the signed event webhook headers are missing (turn on signature verification)',
    );
  }
  if (!/^\d{1,12}$/.test(timestamp.trim()))
    throw new UnauthenticatedError('the signature timestamp is not a number');
  // Checked before the signature: a stale request costs no ECDSA verification.
  const signedAt = Number(timestamp.trim()) * 1000;
  if (now.getTime() - signedAt > MAX_AGE_MS || signedAt - now.getTime() > MAX_AHEAD_MS) {
    throw new UnauthenticatedError('timestamp outside the accepted window');
  }
  const key = publicKey(keyText.trim());
  // The header string exactly as sent, then the raw bytes: re-serialised JSON would not verify.
  const signed = Buffer.concat([Buffer.from(timestamp, 'utf8'), request.rawBody]);
  let valid = false;
  try {
    valid = verify('sha256', signed, { key, dsaEncoding: 'der' }, Buffer.from(signature, 'base64'));
  } catch {
    valid = false;
  }
  if (!valid) throw new UnauthenticatedError('invalid signature');
}

function parseBatch(rawBody: Buffer): unknown[] {
  const body = parseJsonText(rawBody.toString('utf8'));
  if (!Array.isArray(body)) throw new ValidationError('body', 'must be a JSON array of SendGrid events');
  return body;
}

/** SendGrid's verification key: base64 DER (SPKI) of an EC P-256 public key, or the same as PEM. */
export function isSendgridKey(key: string): boolean {
  try {
    const pem = key.includes('BEGIN')
      ? key
      : `-----BEGIN PUBLIC KEY-----\n${key.replace(/\s+/g, '')}\n-----END PUBLIC KEY-----\n`;
    const parsed = createPublicKey(pem);
    return parsed.asymmetricKeyType === 'ec' && parsed.asymmetricKeyDetails?.namedCurve === 'prime256v1';
  } catch {
    return false;
  }
}

/**
 * SendGrid's signed Event Webhook (DESIGN §6). Replays inside the 25 h window verify, and are stopped
 * by each event's key (`sendgrid:` + sg_event_id), which the recording layer stores once.
 */
export const sendgridProvider = defineProvider({
  name: 'sendgrid',
  title: 'SendGrid',
  verification:
    'ECDSA P-256 signature in `X-Twilio-Email-Event-Webhook-Signature` over `X-Twilio-Email-Event-Webhook-Timestamp` + raw body; a JSON array of events.',
  settings: [
    {
      key: 'key',
      kind: 'secret',
      trim: true,
      description: 'Verification key of the signed Event Webhook (base64, as SendGrid shows it, or PEM)',
      check: (key) =>
        isSendgridKey(key)
          ? null
          : 'must be an EC P-256 public key (the base64 verification key SendGrid shows)',
    },
  ],
  verifiesBeforeEnabledCheck: false,
  async handle(request, config, deps): Promise<ProviderOutcome> {
    verifySignature(request, config.key, deps.clock.now());
    return mapBatch(parseBatch(request.rawBody), mapSendgridEvent);
  },
});
