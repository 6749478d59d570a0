import { NotFoundError, ValidationError } from '../errors.js';
import type { SubscriberStore } from '../ports.js';
import { isUuid, normaliseUuid } from '../uuid.js';
import { normaliseEmail } from './email.js';
import type { Subscriber } from './subscriber.js';

/**
 * The record of an address (normalised first), also a bare one a bounce created. An address a
 * `delete` action erased is a 404 that says so: only its hash is kept.
 */
export async function findSubscriberByEmail(
  store: SubscriberStore,
  raw: string,
  field = 'email',
): Promise<Subscriber> {
  const email = normaliseEmail(raw, field);
  const { subscriber, tombstoned } = await store.findByEmail(email);
  if (subscriber && !tombstoned) return subscriber;
  if (tombstoned)
    throw new NotFoundError(`subscriber ${email} was deleted by a bounce action; only its hash is kept`);
  throw new NotFoundError(`subscriber ${email} not found`);
}

/** A subscriber by uuid or, when the reference holds an `@`, by e-mail address. */
export async function findSubscriber(
  store: SubscriberStore,
  ref: string,
  field: string,
): Promise<Subscriber> {
  if (ref.includes('@')) return findSubscriberByEmail(store, ref, field);
  if (!isUuid(ref)) throw new ValidationError(field, "must be a subscriber's UUID or e-mail address");
  const uuid = normaliseUuid(ref);
  const subscriber = await store.findByUuid(uuid);
  if (!subscriber) throw new NotFoundError(`subscriber ${uuid} not found`);
  return subscriber;
}
