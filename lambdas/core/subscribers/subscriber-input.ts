import type { SubscriberStatus } from '../bounces/bounce.js';
import { ValidationError } from '../errors.js';
import { isUuid, normaliseUuid } from '../uuid.js';
import { normaliseEmail } from './email.js';
import type { ListStatus } from './subscriber.js';

export const MAX_UPSERT = 1000;
const LIST_STATUSES: readonly ListStatus[] = ['confirmed', 'unconfirmed', 'unsubscribed'];
const MAX_LISTS = 1000;

export interface SubscriberUpsert {
  uuid: string;
  email: string;
  name?: string;
  status?: SubscriberStatus;
  lists?: Record<string, ListStatus>;
}

function prefixed(path: string, error: unknown): never {
  if (error instanceof ValidationError) {
    throw new ValidationError(`${path}.${error.field}`, error.message.slice((error.field?.length ?? 0) + 2));
  }
  throw error;
}

/** Validates one item of a bulk upsert; `path` names it in errors (`[3].email`). */
export function parseSubscriberUpsert(raw: unknown, path: string): SubscriberUpsert {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new ValidationError(path, 'must be an object');
  const item = raw as Record<string, unknown>;
  for (const key of Object.keys(item)) {
    if (!['uuid', 'email', 'name', 'status', 'lists'].includes(key))
      throw new ValidationError(`${path}.${key}`, 'is not a known field');
  }
  if (typeof item.uuid !== 'string' || !isUuid(item.uuid))
    throw new ValidationError(`${path}.uuid`, 'must be a UUID');
  if (typeof item.email !== 'string') throw new ValidationError(`${path}.email`, 'is required');
  let email: string;
  try {
    email = normaliseEmail(item.email);
  } catch (error) {
    prefixed(path, error);
  }
  const out: SubscriberUpsert = { uuid: normaliseUuid(item.uuid), email };
  if (item.name !== undefined) {
    if (typeof item.name !== 'string' || item.name.length > 500)
      throw new ValidationError(`${path}.name`, 'must be a string of at most 500 characters');
    out.name = item.name;
  }
  if (item.status !== undefined) {
    if (item.status !== 'enabled' && item.status !== 'blocklisted') {
      throw new ValidationError(`${path}.status`, 'must be enabled or blocklisted');
    }
    out.status = item.status;
  }
  if (item.lists !== undefined) {
    if (typeof item.lists !== 'object' || item.lists === null || Array.isArray(item.lists)) {
      throw new ValidationError(
        `${path}.lists`,
        'must be an object of list id -> confirmed|unconfirmed|unsubscribed',
      );
    }
    const entries = Object.entries(item.lists);
    if (entries.length > MAX_LISTS)
      throw new ValidationError(`${path}.lists`, `has more than ${MAX_LISTS} lists`);
    for (const [list, status] of entries) {
      if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(list))
        throw new ValidationError(`${path}.lists`, `${JSON.stringify(list.slice(0, 70))} is not a list id`);
      if (!LIST_STATUSES.includes(status as ListStatus)) {
        throw new ValidationError(`${path}.lists.${list}`, 'must be confirmed, unconfirmed or unsubscribed');
      }
    }
    out.lists = item.lists as Record<string, ListStatus>;
  }
  return out;
}
