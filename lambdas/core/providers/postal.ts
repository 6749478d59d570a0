import { createPublicKey, type KeyObject, verify as verifySignature } from 'node:crypto';
import type { BounceInput, BounceType } from '../bounces/bounce.js';
import { enhancedStatus, reasonFromStatus } from '../bounces/classify.js';
import { isHardReason, type Reason } from '../bounces/reasons.js';
import { UnauthenticatedError, ValidationError } from '../errors.js';
import { normaliseEmail } from '../subscribers/email.js';
import { withDetails } from './bounce-details.js';
import { correlate } from './correlation.js';
import type { MappingRow } from './mapping-row.js';
import { asObject, compactMeta, epochSeconds, type Json, parseJsonObject, text } from './payload-fields.js';
import { defineProvider, type ProviderOutcome, type ProviderRequest } from './provider.js';

const SIGNATURE_256 = 'x-postal-signature-256';
const SIGNATURE_SHA1 = 'x-postal-signature';
const MAX_DIAGNOSTIC = 1000;
const IGNORED: ProviderOutcome = { kind: 'events', bounces: [], ignored: 1, skipped: 0 };

/** The table in README "Providers"; the tests run an example of each row through `handle`. */
export const postalMapping: readonly MappingRow[] = [
  {
    event: 'MessageDeliveryFailed, status HardFail, output 550 5.1.1 user unknown',
    type: 'hard',
    reason: 'user_unknown',
  },
  {
    event: 'MessageDeliveryFailed, status HardFail, output 552 mailbox full',
    type: 'soft',
    reason: 'mailbox_full',
  },
  {
    event: 'MessageDeliveryFailed, status HardFail, output 554 5.7.1 blocked',
    type: 'soft',
    reason: 'blocked',
  },
  { event: 'MessageDeliveryFailed, status HardFail, output unclassified', type: 'hard', reason: 'unknown' },
  { event: 'MessageDeliveryFailed, other status, or an incoming message', type: 'ignored' },
  { event: 'MessageBounced (a message came back to the return path)', type: 'soft', reason: 'unknown' },
  { event: 'MessageDelayed (Postal retries)', type: 'ignored' },
  {
    event: 'MessageSent, MessageHeld, MessageLinkClicked, MessageLoaded, DomainDNSError, ...',
    type: 'ignored',
  },
];

let cachedKey: { text: string; key: KeyObject } | undefined;

/**
 * The server's public key as the user pastes it: PEM, base64 DER (SPKI or PKCS#1), or the DKIM-style
 * record `postal default-dkim-record` prints (`v=DKIM1; t=s; h=sha256; p=<base64>`). RSA only.
 */
function publicKey(value: string): KeyObject {
  if (cachedKey?.text === value) return cachedKey.key;
  // A PEM pasted into a one-line field loses its line breaks, so its base64 is read as DER instead.
  const pem = /-----BEGIN [A-Z ]+-----([^-]*)-----END [A-Z ]+-----/.exec(value)?.[1];
  const base64 = (pem ?? /(?:^|;)\s*p=([^;]*)/.exec(value)?.[1] ?? value).replace(/\s+/g, '');
  const der = Buffer.from(base64, 'base64');
  let key: KeyObject | undefined;
  for (const type of ['spki', 'pkcs1'] as const) {
    try {
      key = createPublicKey({ key: der, format: 'der', type });
      break;
    } catch {
      key = undefined;
    }
  }
  if (!key) throw new UnauthenticatedError('postal.public_key is not a valid public key; paste it again');
  if (key.asymmetricKeyType !== 'rsa') throw new UnauthenticatedError('postal.public_key is not an RSA key');
  cachedKey = { text: value, key };
  return key;
}

/**
 * RSA PKCS#1 v1.5 over the raw body. Postal sends SHA-256 in `X-Postal-Signature-256` (the one to
 * verify) and SHA-1 in `X-Postal-Signature` (older releases send only that). When the SHA-256 header
 * is present it alone decides, so stripping it cannot downgrade a request to the SHA-1 check.
 */
function verify(request: ProviderRequest, keyText: string): void {
  const sha256 = request.headers[SIGNATURE_256]?.trim();
  const sha1 = request.headers[SIGNATURE_SHA1]?.trim();
  if (!sha256 && !sha1) throw new UnauthenticatedError('the X-Postal-Signature-256 header is missing');
  const key = publicKey(keyText);
  const [algorithm, signature] = sha256 ? ['sha256', sha256] : ['sha1', sha1 as string];
  let valid = false;
  try {
    valid = verifySignature(algorithm, request.rawBody, key, Buffer.from(signature, 'base64'));
  } catch {
    valid = false;
  }
  if (!valid) throw new UnauthenticatedError('invalid signature');
}

/** HardFail: Postal gave up. The SMTP answer decides the reason; without one, hard (Postal says permanent). */
function classifyFailure(payload: Json): { type: BounceType; reason: Reason } {
  const output = text(payload.output) ?? '';
  const details = text(payload.details) ?? '';
  const diagnostic = [output, details].filter(Boolean).join(' | ');
  const reason = reasonFromStatus(enhancedStatus(diagnostic) ?? output, diagnostic);
  return { type: reason === 'unknown' || isHardReason(reason) ? 'hard' : 'soft', reason };
}

function toBounce(
  envelope: Json,
  message: Json,
  mapped: { type: BounceType; reason: Reason },
  payload: Json,
): BounceInput {
  const email = normaliseEmail(typeof message.to === 'string' ? message.to : '', 'payload.message.to');
  const diagnostic = [text(payload.output), text(payload.details)]
    .filter(Boolean)
    .join(' | ')
    .slice(0, MAX_DIAGNOSTIC);
  const status = enhancedStatus(diagnostic);
  const event = text(envelope.event) as string;
  // The envelope's uuid is the same on every attempt (Postal's docs: use it to de-duplicate).
  const id =
    text(envelope.uuid) ??
    `${event}:${text(message.id) ?? text(message.token) ?? ''}:${text(envelope.timestamp) ?? ''}`;
  const meta = compactMeta({
    postal_event: event,
    message_id: message.message_id,
    postal_message_id: message.id,
    status: payload.status,
    tag: message.tag,
  });
  const out: BounceInput = {
    email,
    ...mapped,
    source: 'postal',
    // Postal echoes no headers or metadata: its message `tag` is the only thing to correlate by.
    ...correlate(message.tag, undefined, meta),
    resolve_by: 'email',
    event_key: `postal:${id}`,
  };
  const createdAt = epochSeconds(payload.timestamp) ?? epochSeconds(envelope.timestamp);
  return withDetails(out, { status, diagnostic, createdAt });
}

/**
 * Postal's webhooks, signed with the server's RSA key. A delivery that failed for good (HardFail) is
 * a bounce; a message that came back to the return path afterwards (MessageBounced) is recorded as
 * soft `unknown`: Postal does not read it, and delay notices and auto-replies come back the same way.
 */
export const postalProvider = defineProvider({
  name: 'postal',
  title: 'Postal',
  verification:
    'base64 RSA-SHA256 of the raw body in `X-Postal-Signature-256` (SHA-1 `X-Postal-Signature` only when it is absent).',
  settings: [
    {
      key: 'public_key',
      kind: 'secret',
      trim: true,
      maxLength: 10_000,
      description: "Postal server's webhook public key (PEM, base64 DER or the DKIM-style record)",
    },
  ],
  verifiesBeforeEnabledCheck: false,
  async handle(request, config): Promise<ProviderOutcome> {
    // Blank after trimming is no key: nothing may be admitted without one (DESIGN §9).
    if (!config.public_key.trim()) throw new UnauthenticatedError('postal.public_key is not configured');
    verify(request, config.public_key.trim());
    const envelope = parseJsonObject(request.rawBody, 'a Postal webhook with event and payload');
    const event = text(envelope.event);
    if (!event) throw new ValidationError('event', 'is required');
    const payload = asObject(envelope.payload);
    if (!payload) throw new ValidationError('payload', 'is required (an object)');
    if (event === 'MessageDeliveryFailed') {
      const message = asObject(payload.message);
      if (!message) throw new ValidationError('payload.message', 'is required (an object)');
      if (text(payload.status)?.toLowerCase() !== 'hardfail' || text(message.direction) === 'incoming')
        return IGNORED;
      return {
        kind: 'events',
        bounces: [toBounce(envelope, message, classifyFailure(payload), payload)],
        ignored: 0,
        skipped: 0,
      };
    }
    if (event === 'MessageBounced') {
      const message = asObject(payload.original_message);
      if (!message) throw new ValidationError('payload.original_message', 'is required (an object)');
      const bounce = asObject(payload.bounce) ?? {};
      return {
        kind: 'events',
        bounces: [
          toBounce(
            envelope,
            message,
            { type: 'soft', reason: 'unknown' },
            { timestamp: bounce.timestamp, details: bounce.subject },
          ),
        ],
        ignored: 0,
        skipped: 0,
      };
    }
    return IGNORED;
  },
});
