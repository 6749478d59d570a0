import type { Bounce, BounceType } from '../bounces/bounce.js';
import { ValidationError } from '../errors.js';
import type { OutboundEvent } from '../ports.js';
import type { Subscriber } from '../subscribers/subscriber.js';
import { isUuid } from '../uuid.js';
import { ACTION_EVENT_TYPES, type EventType, isEventType } from './event-document.js';

export interface WebhookSink {
  uuid: string;
  enabled: boolean;
  url: string;
  /** `whsec_` + base64 of the key (Standard Webhooks); a secret, masked on read. */
  secret: string;
  events: EventType[];
}

export type StmailsMode = 'apply_actions' | 'forward_bounces';

export interface StmailsSink {
  enabled: boolean;
  url: string;
  username: string;
  /** A secret, masked on read. */
  token: string;
  mode: StmailsMode;
}

/** Where decisions go (DESIGN §10): signed webhooks, the sending app's API, the SES suppression list. */
export interface OutboundSettings {
  webhooks: WebhookSink[];
  stmails: StmailsSink;
  ses_suppression: { enabled: boolean };
}

export function defaultOutbound(): OutboundSettings {
  return {
    webhooks: [],
    stmails: { enabled: false, url: '', username: '', token: '', mode: 'apply_actions' },
    ses_suppression: { enabled: false },
  };
}

export const MAX_WEBHOOKS = 20;
export const STMAILS_SINK = 'stmails';
export const SES_SINK = 'ses_suppression';
export const webhookSinkKey = (uuid: string) => `webhook:${uuid}`;

const STMAILS_ACTIONS: readonly EventType[] = [
  'subscriber.blocklisted',
  'subscriber.unsubscribed',
  'subscriber.deleted',
];

/** The sinks that take an event of this type (for `bounce.recorded`, of this bounce type). */
export function sinksFor(
  outbound: OutboundSettings,
  type: EventType,
  bounceType: BounceType | null,
): string[] {
  const sinks = outbound.webhooks
    .filter((w) => w.enabled && w.events.includes(type))
    .map((w) => webhookSinkKey(w.uuid));
  const { stmails, ses_suppression } = outbound;
  if (stmails.enabled) {
    const wants =
      stmails.mode === 'forward_bounces' ? type === 'bounce.recorded' : STMAILS_ACTIONS.includes(type);
    if (wants) sinks.push(STMAILS_SINK);
  }
  if (ses_suppression.enabled) {
    const dead = type === 'bounce.recorded' && (bounceType === 'hard' || bounceType === 'complaint');
    if (dead || type === 'subscriber.reenabled') sinks.push(SES_SINK);
  }
  return sinks;
}

/** True when some sink takes every recorded bounce of this type; otherwise recording writes no event. */
export function wantsEveryBounce(settings: { outbound?: OutboundSettings }, type: BounceType): boolean {
  return settings.outbound ? sinksFor(settings.outbound, 'bounce.recorded', type).length > 0 : false;
}

export function bounceRecordedEvent(subscriber: Subscriber, bounce: Bounce, at: string): OutboundEvent {
  return {
    type: 'bounce.recorded',
    email: subscriber.email,
    ...(subscriber.uuid ? { subscriber_uuid: subscriber.uuid } : {}),
    bounce_id: bounce.id,
    bounce_type: bounce.type,
    at,
    bounce,
  };
}

/**
 * Array saves (DESIGN §5): items match by uuid, one without uuid is new and gets one; omitted items
 * are dropped by replacing the array. Kept apart so a shared helper can take its place.
 */
export function withUuids(items: unknown[], newUuid: () => string): Record<string, unknown>[] {
  return items.map((item) => {
    const o = typeof item === 'object' && item !== null ? (item as Record<string, unknown>) : {};
    const uuid = typeof o.uuid === 'string' && o.uuid ? o.uuid : newUuid();
    return { enabled: true, events: [...ACTION_EVENT_TYPES], ...o, uuid };
  });
}

/** The secret fields of `outbound`, keyed for the secret store (shape of settings-secrets' fields). */
export function outboundSecretFields<S extends { outbound: OutboundSettings }>(s: S) {
  return [
    {
      key: 'outbound.stmails.token',
      read: (x: S) => x.outbound.stmails.token,
      write: (x: S, v: string) => {
        x.outbound.stmails.token = v;
      },
    },
    ...s.outbound.webhooks.map((w, i) => ({
      key: `outbound.webhooks.${w.uuid}.secret`,
      read: (x: S) => x.outbound.webhooks[i]?.secret ?? '',
      write: (x: S, v: string) => {
        const hook = x.outbound.webhooks[i];
        if (hook) hook.secret = v;
      },
    })),
  ];
}

type Obj = Record<string, unknown>;

function obj(value: unknown, path: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ValidationError(path, 'must be an object');
  return value as Obj;
}

function only(o: Obj, path: string, allowed: readonly string[]): void {
  for (const key of Object.keys(o))
    if (!allowed.includes(key)) throw new ValidationError(`${path}.${key}`, 'is not a known setting');
}

function bool(o: Obj, key: string, path: string): boolean {
  if (typeof o[key] !== 'boolean') throw new ValidationError(`${path}.${key}`, 'must be true or false');
  return o[key] as boolean;
}

function str(o: Obj, key: string, path: string, max: number): string {
  const v = o[key];
  if (typeof v !== 'string' || v.length > max)
    throw new ValidationError(`${path}.${key}`, `must be a string of at most ${max} characters`);
  return v.trim();
}

/**
 * A sink URL: http(s), no credentials in it, no fragment. Whether the host may be reached (https only
 * in AWS, never private addresses) is decided at send time, after DNS resolution.
 */
function sinkUrl(value: string, field: string, required: boolean): string {
  if (!value) {
    if (required) throw new ValidationError(field, 'is required while the sink is enabled');
    return value;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ValidationError(field, 'must be an absolute http(s) URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new ValidationError(field, 'must be an https URL (http only to localhost with npm start)');
  if (url.username || url.password)
    throw new ValidationError(field, 'must not carry credentials (use the username and token fields)');
  if (url.hash) throw new ValidationError(field, 'must not have a #fragment');
  return value;
}

const WHSEC = /^whsec_[A-Za-z0-9+/]+={0,2}$/;

function webhookSecret(value: string, field: string): string {
  if (!value) throw new ValidationError(field, 'is required (a new webhook must bring its secret)');
  const bytes = WHSEC.test(value) ? Buffer.from(value.slice(6), 'base64').length : 0;
  if (bytes < 24 || bytes > 64)
    throw new ValidationError(field, 'must be whsec_ followed by base64 of 24 to 64 random bytes');
  return value;
}

function webhook(raw: unknown, path: string): WebhookSink {
  const w = obj(raw, path);
  only(w, path, ['uuid', 'enabled', 'url', 'secret', 'events']);
  const uuid = str(w, 'uuid', path, 64);
  if (!isUuid(uuid)) throw new ValidationError(`${path}.uuid`, 'must be a UUID');
  const enabled = bool(w, 'enabled', path);
  if (!Array.isArray(w.events) || w.events.length === 0)
    throw new ValidationError(`${path}.events`, 'must be a non-empty list of event types');
  const events = w.events.map((e, i) => {
    if (!isEventType(e)) throw new ValidationError(`${path}.events[${i}]`, 'is not a known event type');
    return e;
  });
  return {
    uuid,
    enabled,
    url: sinkUrl(str(w, 'url', path, 2000), `${path}.url`, true),
    secret: webhookSecret(str(w, 'secret', path, 200), `${path}.secret`),
    events: [...new Set(events)],
  };
}

/** Checks `outbound`, naming the first field at fault by its path. */
export function validateOutbound(raw: unknown): OutboundSettings {
  const o = obj(raw, 'outbound');
  only(o, 'outbound', ['webhooks', 'stmails', 'ses_suppression']);
  if (!Array.isArray(o.webhooks) || o.webhooks.length > MAX_WEBHOOKS)
    throw new ValidationError('outbound.webhooks', `must be a list of at most ${MAX_WEBHOOKS} webhooks`);
  const webhooks = o.webhooks.map((w, i) => webhook(w, `outbound.webhooks[${i}]`));
  const uuids = new Set<string>();
  webhooks.forEach((w, i) => {
    if (uuids.has(w.uuid)) throw new ValidationError(`outbound.webhooks[${i}].uuid`, 'appears twice');
    uuids.add(w.uuid);
  });
  const s = obj(o.stmails, 'outbound.stmails');
  only(s, 'outbound.stmails', ['enabled', 'url', 'username', 'token', 'mode']);
  const enabled = bool(s, 'enabled', 'outbound.stmails');
  const mode = s.mode;
  if (mode !== 'apply_actions' && mode !== 'forward_bounces')
    throw new ValidationError('outbound.stmails.mode', 'must be one of apply_actions, forward_bounces');
  const stmails: StmailsSink = {
    enabled,
    url: sinkUrl(str(s, 'url', 'outbound.stmails', 2000), 'outbound.stmails.url', enabled),
    username: str(s, 'username', 'outbound.stmails', 200),
    token: str(s, 'token', 'outbound.stmails', 1000),
    mode,
  };
  if (enabled && (!stmails.username || !stmails.token))
    throw new ValidationError(
      'outbound.stmails.token',
      'and outbound.stmails.username are required while outbound.stmails.enabled',
    );
  const ses = obj(o.ses_suppression, 'outbound.ses_suppression');
  only(ses, 'outbound.ses_suppression', ['enabled']);
  return {
    webhooks,
    stmails,
    ses_suppression: { enabled: bool(ses, 'enabled', 'outbound.ses_suppression') },
  };
}
