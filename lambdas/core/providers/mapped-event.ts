import type { BounceInput } from '../bounces/bounce.js';
import { ValidationError } from '../errors.js';
import { normaliseEmail } from '../subscribers/email.js';
import { isObject, type Json, text } from './payload-fields.js';
import type { ProviderOutcome } from './provider.js';

/**
 * What one provider event becomes. A skipped event keeps the error naming its field: a batch only
 * counts it (one bad element must not fail the others), a lone event is answered with it (400).
 */
export type MappedEvent =
  | { kind: 'bounce'; bounce: BounceInput }
  | { kind: 'ignored' }
  | { kind: 'skipped'; error: ValidationError };

export function skip(field: string, message: string): MappedEvent {
  return { kind: 'skipped', error: new ValidationError(field, message) };
}

/** The recipient normalised, or the skipped event naming `field`; other faults are bugs and propagate. */
export function recipientOrSkip(raw: string | undefined, field: string): string | MappedEvent {
  try {
    return normaliseEmail(raw ?? '', field);
  } catch (error) {
    if (error instanceof ValidationError) return { kind: 'skipped', error };
    throw error;
  }
}

/** A batch mapped element by element and counted. */
export function mapBatch(elements: readonly unknown[], map: (raw: unknown) => MappedEvent): ProviderOutcome {
  const bounces: BounceInput[] = [];
  let ignored = 0;
  let skipped = 0;
  for (const element of elements) {
    const mapped = map(element);
    if (mapped.kind === 'bounce') bounces.push(mapped.bounce);
    else if (mapped.kind === 'ignored') ignored++;
    else skipped++;
  }
  return { kind: 'events', bounces, ignored, skipped };
}

/**
 * A body that is one event or a batch of them: a lone event that cannot be used is a 400 naming its
 * field (the sender can fix it), while a batch skips and counts its bad elements.
 */
export function mapOneOrBatch(body: unknown, map: (raw: unknown) => MappedEvent): ProviderOutcome {
  if (Array.isArray(body)) return mapBatch(body, map);
  const mapped = map(body);
  if (mapped.kind === 'skipped') throw mapped.error;
  return mapped.kind === 'bounce'
    ? { kind: 'events', bounces: [mapped.bounce], ignored: 0, skipped: 0 }
    : { kind: 'events', bounces: [], ignored: 1, skipped: 0 };
}

/**
 * The start every flat event (type in `event`, recipient in `email`, as Brevo and Mailjet send them)
 * goes through: an object, a type, a classification, then an address; or what the event becomes when
 * one of them is missing. The address is checked only for events that count, so ignored events with
 * no recipient are never skipped.
 */
export function flatEvent<C>(
  raw: unknown,
  what: string,
  classify: (event: Json, name: string) => C | 'ignored',
): { event: Json; name: string; classified: C; email: string } | MappedEvent {
  if (!isObject(raw)) return skip('body', `must be a JSON object (${what})`);
  const name = text(raw.event)?.toLowerCase();
  if (!name) return skip('event', 'is required (the event type)');
  const classified = classify(raw, name);
  if (classified === 'ignored') return { kind: 'ignored' };
  const email = recipientOrSkip(text(raw.email), 'email');
  if (typeof email !== 'string') return email;
  return { event: raw, name, classified, email };
}
