import { createHash } from 'node:crypto';
import { InternalError, NotFoundError, UnauthenticatedError } from '../errors.js';
import { bounceRecordedEvent, wantsEveryBounce } from '../outbound/outbound-settings.js';
import type {
  BounceStore,
  Clock,
  EventClaim,
  EventPublisher,
  IdGenerator,
  OutboundEvent,
  PutResult,
  SubscriberStore,
} from '../ports.js';
import type { Action, BounceSettings } from '../settings/settings.js';
import type { StatsStore } from '../stats/ports.js';
import { type ActionHistoryEntry, bareSubscriber, type Subscriber } from '../subscribers/subscriber.js';
import { daysBefore } from '../timestamp.js';
import type { Bounce, BounceInput } from './bounce.js';
import { bounceIdFor } from './bounce-id.js';

export interface RecordDeps {
  subscribers: SubscriberStore;
  bounces: BounceStore;
  events: EventPublisher;
  clock: Clock;
  ids: IdGenerator;
  /** Per-day statistics; counted once, when a bounce is stored as new. */
  stats?: StatsStore;
}

export interface RecordResult {
  /** Null when nothing was stored: the address was deleted by an earlier `delete` action. */
  id: string | null;
  duplicate: boolean;
  /** The action this bounce fired, or `none`. */
  action: Action;
  tombstoned: boolean;
}

export function emailHash(email: string): string {
  return createHash('sha256').update(email).digest('hex');
}

const EVENT_TYPE: Record<Exclude<Action, 'none'>, OutboundEvent['type']> = {
  unsubscribe: 'subscriber.unsubscribed',
  blocklist: 'subscriber.blocklisted',
  delete: 'subscriber.deleted',
};

interface Resolved {
  /** The address the bounce is stored under. */
  email: string;
  subscriber: Subscriber | null;
  tombstoned: boolean;
  claimed?: EventClaim;
  /** The uuid a bare record gets when there is none. */
  uuid?: string;
}

async function byEmail(
  deps: RecordDeps,
  input: BounceInput,
  email: string,
  uuid: string | undefined,
): Promise<Resolved> {
  const found = await deps.subscribers.findByEmail(email, input.event_key);
  return { email, ...found, ...(uuid ? { uuid } : {}) };
}

async function resolve(deps: RecordDeps, input: BounceInput): Promise<Resolved> {
  if (input.resolve_by === 'email' && input.email) return byEmail(deps, input, input.email, undefined);
  if (input.subscriber_uuid) {
    const byUuid = await deps.subscribers.findByUuid(input.subscriber_uuid);
    if (byUuid) return { email: byUuid.email, subscriber: byUuid, tombstoned: false };
    if (!input.email) throw new NotFoundError(`subscriber_uuid ${input.subscriber_uuid} not found`);
  }
  return byEmail(deps, input, input.email as string, input.subscriber_uuid);
}

function toBounce(deps: RecordDeps, input: BounceInput, subscriber: Subscriber, now: string): Bounce {
  const createdAt = input.created_at ?? now;
  const { email: _email, subscriber_uuid: _uuid, created_at: _at, resolve_by: _by, ...rest } = input;
  // Only a time the event itself carries makes every delivery name the same item; a bounce timed by
  // our clock would get another id on a redelivery, so its key is claimed by an event item instead.
  // So is a token key (one with a fingerprint): a forged event under a used token may name any
  // address and time, and must still meet the token's claim.
  const id =
    input.event_key && input.created_at && input.event_fingerprint === undefined
      ? bounceIdFor(createdAt, subscriber.email, input.event_key)
      : deps.ids.next(Date.parse(createdAt));
  return {
    ...rest,
    id,
    email: subscriber.email,
    ...(subscriber.uuid ? { subscriber_uuid: subscriber.uuid } : {}),
    created_at: createdAt,
  };
}

/** A key claimed with another fingerprint is a used token carrying another event: not a duplicate. */
function assertSameEvent(input: BounceInput, claimed: string | undefined): void {
  if (input.event_fingerprint !== undefined && claimed !== input.event_fingerprint)
    throw new UnauthenticatedError('this signature was already used for another event (replayed token)');
}

interface Stored extends PutResult {
  subscriber: Subscriber;
  /** This call created the subscriber's record. */
  created: boolean;
}

/**
 * Step 2: stores the bounce, creating a bare record for an unknown address beside it (the only two
 * writes that run at once: neither needs the other, and the bounce's put is its own idempotency
 * claim). A record another request created first is read back and used.
 */
async function store(
  deps: RecordDeps,
  found: Resolved,
  input: BounceInput,
  now: string,
): Promise<Stored | 'tombstoned'> {
  if (found.claimed) assertSameEvent(input, found.claimed.bounce.event_fingerprint);
  const creating = found.subscriber === null;
  const subscriber = found.subscriber ?? bareSubscriber(found.email, found.uuid, now);
  const create = creating ? deps.subscribers.create(subscriber) : Promise.resolve(false);
  let put: Promise<PutResult>;
  if (found.claimed) {
    const { bounce, deleted } = found.claimed;
    // An earlier delivery claimed the key and may have stopped before storing the bounce itself.
    put = (deleted ? Promise.resolve() : deps.bounces.restore(bounce)).then(() => ({
      bounce,
      duplicate: true,
    }));
  } else {
    put = deps.bounces.put(toBounce(deps, input, subscriber, now));
  }
  const [created, stored] = await Promise.all([create, put]);
  // Another request claimed the key between our read and our write.
  if (stored.duplicate && !found.claimed) assertSameEvent(input, stored.bounce.event_fingerprint);
  if (!creating || created) return { ...stored, subscriber, created };
  const again = await deps.subscribers.findByEmail(subscriber.email);
  // A `delete` action erased the address meanwhile, maybe before this bounce landed.
  if (again.tombstoned) return 'tombstoned';
  if (!again.subscriber) throw new InternalError(`subscriber ${subscriber.email} vanished while recording`);
  return { ...stored, subscriber: again.subscriber, created: false };
}

async function emit(
  deps: RecordDeps,
  subscriber: Subscriber,
  entry: ActionHistoryEntry,
  bounce: Bounce,
): Promise<void> {
  if (entry.action === 'none') return;
  await deps.events.publish({
    type: EVENT_TYPE[entry.action],
    email: subscriber.email,
    ...(subscriber.uuid ? { subscriber_uuid: subscriber.uuid } : {}),
    bounce_id: entry.bounce_id,
    bounce_type: entry.type,
    count: entry.count,
    at: entry.at,
    bounce,
  });
}

const TOMBSTONED: RecordResult = { id: null, duplicate: false, action: 'none', tombstoned: true };

/** Emits the event and, for `delete`, erases the subscriber; every step is safe to repeat. */
async function finish(
  deps: RecordDeps,
  subscriber: Subscriber,
  entry: ActionHistoryEntry,
  bounce: Bounce,
): Promise<void> {
  await emit(deps, subscriber, entry, bounce);
  if (entry.action === 'delete') await deps.subscribers.erase(subscriber.email);
  else await deps.subscribers.markEmitted(subscriber.email, entry.type, entry.bounce_id);
}

/**
 * Records one bounce from any source (DESIGN §3): resolve the subscriber, store the bounce once per
 * event key, count the type within its window, fire the action once when the count reaches the
 * threshold, and emit it. A repeat of the same event stores nothing new but still completes steps a
 * crash may have cut short.
 */
export async function recordBounce(
  deps: RecordDeps,
  settings: BounceSettings,
  input: BounceInput,
): Promise<RecordResult> {
  const nowDate = deps.clock.now();
  const now = nowDate.toISOString();
  const found = await resolve(deps, input);

  if (found.tombstoned) {
    // A delete action was cut short after its tombstone was written: finish it, store nothing.
    if (found.subscriber) await deps.subscribers.erase(found.email);
    return { ...TOMBSTONED };
  }
  const stored = await store(deps, found, input, now);
  if (stored === 'tombstoned') {
    // The erase may have run before this bounce landed: run it again (it repeats safely).
    await deps.subscribers.erase(found.email);
    return { ...TOMBSTONED };
  }
  // The statistics counter needs nothing of steps 3-4 nor they of it: it runs beside them, so it adds
  // a request but no round trip. Both are awaited, and an error of step 3 comes first.
  const counting = stored.duplicate ? undefined : deps.stats?.increment(stored.bounce);
  const [reacted, counted] = await Promise.allSettled([react(deps, settings, stored, nowDate), counting]);
  if (reacted.status === 'rejected') throw reacted.reason;
  if (counted.status === 'rejected') throw counted.reason;
  return reacted.value;
}

/** Steps 3 and 4 for a stored bounce: publish it where a sink wants it, count, fire, emit. */
async function react(
  deps: RecordDeps,
  settings: BounceSettings,
  stored: Stored,
  nowDate: Date,
): Promise<RecordResult> {
  const now = nowDate.toISOString();
  const { bounce, duplicate, subscriber: sub, created } = stored;
  const result: RecordResult = { id: bounce.id, duplicate, action: 'none', tombstoned: false };
  // Only when a sink wants every bounce (DESIGN §10); a repeat re-publishes the same event id.
  if (wantsEveryBounce(settings, bounce.type))
    await deps.events.publish(bounceRecordedEvent(sub, bounce, now));
  const rule = settings.actions[bounce.type];
  // With no action to fire there is nothing to count (the default for soft bounces).
  if (rule.action === 'none') return result;
  const windowStart = rule.window_days > 0 ? daysBefore(nowDate, rule.window_days) : undefined;
  // Bounces before a re-enable no longer count: the next action needs `count` new ones.
  const since =
    sub.rearmed_at && (!windowStart || sub.rearmed_at > windowStart) ? sub.rearmed_at : windowStart;
  const inWindow = !since || bounce.created_at >= since;
  // Once per threshold crossing: an action that fired inside the window needs no count. Only a firing
  // this very bounce started and a crash cut short is finished.
  const fired = sub.fired[bounce.type];
  if (fired && (!windowStart || fired.at >= windowStart)) {
    const resumable = fired.bounce_id === bounce.id && !fired.emitted;
    if (resumable) {
      const entry = sub.history.find(
        (h): h is ActionHistoryEntry =>
          h.action !== 'reenabled' && h.bounce_id === bounce.id && h.type === bounce.type,
      );
      if (entry) await finish(deps, sub, entry, bounce);
    }
    return result;
  }
  // A record this call created held no bounce before this one. Bounces stored at the same moment by
  // other requests may still be there, so the shortcut is taken only where it cannot change the
  // verdict: a threshold of 1 that this bounce reaches on its own. The other requests count for real.
  const count =
    created && !duplicate && inWindow && rule.count <= 1
      ? 1
      : await deps.bounces.count(sub.email, bounce.type, since);
  if (count < rule.count) return result;

  const entry: ActionHistoryEntry = {
    action: rule.action,
    type: bounce.type,
    bounce_id: bounce.id,
    count,
    at: now,
  };
  const claimed = await deps.subscribers.applyAction({
    subscriber: sub,
    entry,
    ...(windowStart ? { windowStart } : {}),
  });
  if (!claimed) return result;
  await finish(deps, sub, entry, bounce);
  return { ...result, action: rule.action };
}
