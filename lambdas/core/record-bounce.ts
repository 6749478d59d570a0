import { createHash } from 'node:crypto';
import type { Bounce, BounceInput } from './bounce.js';
import { NotFoundError } from './errors.js';
import { bounceRecordedEvent, wantsEveryBounce } from './outbound/outbound-settings.js';
import type {
  BounceStore,
  Clock,
  EventPublisher,
  IdGenerator,
  OutboundEvent,
  SubscriberStore,
} from './ports.js';
import type { Action, BounceSettings } from './settings.js';
import type { StatsStore } from './stats/ports.js';
import { type ActionHistoryEntry, bareSubscriber, type Subscriber } from './subscriber.js';
import { daysBefore } from './timestamp.js';

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
  subscriber: Subscriber | null;
  tombstoned: boolean;
  created: boolean;
}

/** The record of an address, created bare when there is none (nothing is lost for an unknown address). */
async function byEmail(
  deps: RecordDeps,
  email: string,
  uuid: string | undefined,
  now: string,
): Promise<Resolved> {
  const found = await deps.subscribers.findByEmail(email);
  if (found.subscriber || found.tombstoned) return { ...found, created: false };
  const bare = bareSubscriber(email, uuid, now);
  if (await deps.subscribers.create(bare)) return { subscriber: bare, tombstoned: false, created: true };
  // Another request created it between our read and write: use theirs.
  return { ...(await deps.subscribers.findByEmail(email)), created: false };
}

async function resolve(deps: RecordDeps, input: BounceInput, now: string): Promise<Resolved> {
  if (input.resolve_by === 'email' && input.email) return byEmail(deps, input.email, undefined, now);
  if (input.subscriber_uuid) {
    const byUuid = await deps.subscribers.findByUuid(input.subscriber_uuid);
    if (byUuid) return { subscriber: byUuid, tombstoned: false, created: false };
    if (!input.email) throw new NotFoundError(`subscriber_uuid ${input.subscriber_uuid} not found`);
  }
  return byEmail(deps, input.email as string, input.subscriber_uuid, now);
}

function toBounce(deps: RecordDeps, input: BounceInput, subscriber: Subscriber, now: string): Bounce {
  const createdAt = input.created_at ?? now;
  const { email: _email, subscriber_uuid: _uuid, created_at: _at, resolve_by: _by, ...rest } = input;
  return {
    ...rest,
    id: deps.ids.next(Date.parse(createdAt)),
    email: subscriber.email,
    ...(subscriber.uuid ? { subscriber_uuid: subscriber.uuid } : {}),
    created_at: createdAt,
  };
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
  const { subscriber, tombstoned, created } = await resolve(deps, input, now);

  if (tombstoned) {
    // A delete action was cut short after its tombstone was written: finish it, store nothing.
    if (subscriber) await deps.subscribers.erase(subscriber.email);
    return { id: null, duplicate: false, action: 'none', tombstoned: true };
  }
  const sub = subscriber as Subscriber;
  const { bounce, duplicate } = await deps.bounces.put(toBounce(deps, input, sub, now));
  if (!duplicate) await deps.stats?.increment(bounce);

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
  // A record created just now holds no other bounce, so this one is the count.
  const fresh = created && !duplicate;
  const count = fresh ? Number(inWindow) : await deps.bounces.count(sub.email, bounce.type, since);
  if (count < rule.count) return result;

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
