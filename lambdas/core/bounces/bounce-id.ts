import { createHash } from 'node:crypto';
import type { Bounce } from './bounce.js';

/** Crockford's base32, as ULIDs use it. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TIME_CHARS = 10;
const REST_CHARS = 16;

function encodeTime(timeMs: number): string {
  let rest = Math.max(0, Math.floor(timeMs));
  let out = '';
  for (let i = 0; i < TIME_CHARS; i++) {
    out = ALPHABET[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

function encodeBits(bytes: Buffer): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < REST_CHARS) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return out;
}

/**
 * The id of a bounce that carries an event key: ULID-shaped (its time part is `created_at`, so ids
 * still sort by time) with the other 80 bits taken from the SHA-256 of the address and the key. Every
 * delivery of one event therefore names the same item, and storing it with a conditional put is the
 * idempotency claim itself: no separate claim item, no second write.
 */
export function bounceIdFor(createdAt: string, email: string, eventKey: string): string {
  const digest = createHash('sha256').update(`${email}\n${eventKey}`).digest();
  return encodeTime(Date.parse(createdAt)) + encodeBits(digest);
}

/**
 * Whether the bounce's own item claims its event key (its id derives from the key). A bounce keyed
 * by an event whose source gave no time gets a fresh id instead, since a redelivery would bring
 * another "now": its key is claimed by an event item of its own.
 */
export function claimsOwnKey(bounce: Pick<Bounce, 'id' | 'email' | 'created_at' | 'event_key'>): boolean {
  return (
    bounce.event_key !== undefined &&
    bounce.id === bounceIdFor(bounce.created_at, bounce.email, bounce.event_key)
  );
}
