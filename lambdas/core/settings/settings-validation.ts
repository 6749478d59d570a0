import { ValidationError } from '../errors.js';
import { validateOutbound } from '../outbound/outbound-settings.js';
import type { AnyProvider } from '../providers/provider.js';
import { PROVIDERS, type ProviderSettings } from '../providers/registry.js';
import { isLdhLabel } from '../subscribers/email.js';
import { isUuid } from '../uuid.js';
import { validateProviders } from './provider-settings.js';
import { ACTIONS, type BounceSettings, type MailboxSettings } from './settings.js';

export { isSendgridKey } from '../providers/sendgrid.js';

type Obj = Record<string, unknown>;

const DURATION = /^(\d+h)?(\d+m)?(\d+s)?$/;
const MAX_MAILBOXES = 20;

function obj(value: unknown, path: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ValidationError(path, 'must be an object');
  return value as Obj;
}

function only(o: Obj, path: string, allowed: readonly string[]): void {
  for (const key of Object.keys(o)) {
    if (!allowed.includes(key))
      throw new ValidationError(path ? `${path}.${key}` : key, 'is not a known setting');
  }
}

function bool(o: Obj, key: string, path: string): boolean {
  if (typeof o[key] !== 'boolean') throw new ValidationError(`${path}${key}`, 'must be true or false');
  return o[key] as boolean;
}

function int(o: Obj, key: string, path: string, min: number, max: number): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new ValidationError(`${path}${key}`, `must be a whole number from ${min} to ${max}`);
  }
  return v;
}

function str(o: Obj, key: string, path: string, max = 1000): string {
  const v = o[key];
  if (typeof v !== 'string' || v.length > max)
    throw new ValidationError(`${path}${key}`, `must be a string of at most ${max} characters`);
  return v;
}

function oneOf<T extends string>(o: Obj, key: string, path: string, values: readonly T[]): T {
  const v = o[key];
  if (!values.includes(v as T))
    throw new ValidationError(`${path}${key}`, `must be one of ${values.join(', ')}`);
  return v as T;
}

/** Go-style duration ("15m", "1h30m") in seconds; listmonk's scan_interval format. */
export function durationSeconds(value: string): number | null {
  const m = DURATION.exec(value);
  if (!m || value === '') return null;
  const part = (s: string | undefined) => (s ? Number(s.slice(0, -1)) : 0);
  return part(m[1]) * 3600 + part(m[2]) * 60 + part(m[3]);
}

function mailbox(raw: unknown, path: string): MailboxSettings {
  const m = obj(raw, path.slice(0, -1));
  only(m, path.slice(0, -1), [
    'uuid',
    'enabled',
    'type',
    'host',
    'port',
    'auth_protocol',
    'username',
    'password',
    'oauth2',
    'tls',
    'tls_skip_verify',
    'folder',
    'after_processing',
    'move_to',
    'scan_interval',
    'max_per_scan',
  ]);
  const uuid = str(m, 'uuid', path, 64);
  if (!isUuid(uuid)) throw new ValidationError(`${path}uuid`, 'must be a UUID');
  const host = str(m, 'host', path, 253).trim();
  const hostname = host.length <= 253 && host.split('.').every(isLdhLabel);
  if (!hostname && !/^\d{1,3}(\.\d{1,3}){3}$/.test(host))
    throw new ValidationError(`${path}host`, 'must be a host name or IPv4 address');
  const interval = str(m, 'scan_interval', path, 20);
  const seconds = durationSeconds(interval);
  if (seconds === null)
    throw new ValidationError(`${path}scan_interval`, 'must be a duration such as 15m or 1h30m');
  if (seconds < 60) throw new ValidationError(`${path}scan_interval`, 'must be at least 1m');
  const out: MailboxSettings = {
    uuid,
    enabled: bool(m, 'enabled', path),
    type: oneOf(m, 'type', path, ['pop', 'imap'] as const),
    host,
    port: int(m, 'port', path, 1, 65535),
    auth_protocol: oneOf(m, 'auth_protocol', path, ['userpass', 'none', 'oauth2'] as const),
    username: str(m, 'username', path, 320),
    password: str(m, 'password', path, 1000),
    oauth2: mailboxOAuth2(m.oauth2, `${path}oauth2.`),
    tls: oneOf(m, 'tls', path, ['implicit', 'starttls', 'none'] as const),
    tls_skip_verify: bool(m, 'tls_skip_verify', path),
    folder: folderName(m, 'folder', path),
    after_processing: oneOf(m, 'after_processing', path, ['delete', 'move'] as const),
    move_to: str(m, 'move_to', path, 1000).trim(),
    scan_interval: interval,
    max_per_scan: int(m, 'max_per_scan', path, 1, 10_000),
  };
  checkMailboxRules(out, path);
  return out;
}

/** IMAP folder names: any text but control characters, which no command line can carry. */
function folderName(o: Obj, key: string, path: string): string {
  const name = str(o, key, path, 1000).trim();
  if (!name) throw new ValidationError(`${path}${key}`, 'must name a folder, such as INBOX');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them is the point
  if (/[\x00-\x1f\x7f]/.test(name))
    throw new ValidationError(`${path}${key}`, 'must not contain control characters');
  return name;
}

const sameFolder = (a: string, b: string) =>
  a === b || (a.toUpperCase() === 'INBOX' && b.toUpperCase() === 'INBOX');

/** `token_url` must be https, or http to this machine (a local test server); never anything else. */
export function isAllowedTokenUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  if (url.protocol === 'https:') return true;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return (
    url.protocol === 'http:' && (host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host))
  );
}

function mailboxOAuth2(raw: unknown, path: string): MailboxSettings['oauth2'] {
  const o = obj(raw, path.slice(0, -1));
  only(o, path.slice(0, -1), [
    'provider',
    'tenant_id',
    'client_id',
    'client_secret',
    'refresh_token',
    'scope',
    'token_url',
  ]);
  const out = {
    provider: oneOf(o, 'provider', path, ['microsoft', 'google', 'generic'] as const),
    tenant_id: str(o, 'tenant_id', path, 200).trim(),
    client_id: str(o, 'client_id', path, 500).trim(),
    client_secret: str(o, 'client_secret', path, 2000),
    refresh_token: str(o, 'refresh_token', path, 4000),
    scope: str(o, 'scope', path, 1000).trim(),
    token_url: str(o, 'token_url', path, 1000).trim(),
  };
  // The tenant becomes part of the token URL's path.
  if (out.tenant_id && !/^[A-Za-z0-9][A-Za-z0-9.-]{0,199}$/.test(out.tenant_id))
    throw new ValidationError(`${path}tenant_id`, 'must be a tenant ID (a GUID) or a domain name');
  if (out.token_url && !isAllowedTokenUrl(out.token_url))
    throw new ValidationError(
      `${path}token_url`,
      'must be an https URL (http only to 127.0.0.1 or localhost)',
    );
  return out;
}

/** Rules across fields: what a POP3 mailbox cannot do, and what each sign-in needs while enabled. */
function checkMailboxRules(m: MailboxSettings, path: string): void {
  if (m.type === 'pop' && m.folder.toUpperCase() !== 'INBOX')
    throw new ValidationError(
      `${path}folder`,
      'must be INBOX for a pop mailbox (POP3 has no folders); use type imap',
    );
  if (m.type === 'pop' && m.after_processing === 'move')
    throw new ValidationError(`${path}after_processing`, 'move needs type imap (POP3 can only delete)');
  if (m.after_processing === 'move' && !m.move_to)
    throw new ValidationError(`${path}move_to`, 'is required with after_processing move');
  if (m.after_processing === 'move' && sameFolder(m.move_to, m.folder))
    throw new ValidationError(`${path}move_to`, 'must be a folder other than folder');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them is the point
  if (/[\x00-\x1f\x7f]/.test(m.move_to))
    throw new ValidationError(`${path}move_to`, 'must not contain control characters');
  if (!m.enabled) return;
  const blank = (v: string) => v.trim() === '';
  if (m.auth_protocol === 'userpass' && (blank(m.username) || blank(m.password))) {
    throw new ValidationError(
      `${path}${blank(m.password) ? 'password' : 'username'}`,
      'is required (not blank) for auth_protocol userpass',
    );
  }
  if (m.auth_protocol !== 'oauth2') return;
  const o = m.oauth2;
  const need = (field: keyof typeof o | 'username', value: string, why: string) => {
    if (blank(value))
      throw new ValidationError(field === 'username' ? `${path}username` : `${path}oauth2.${field}`, why);
  };
  need('username', m.username, 'is required for auth_protocol oauth2 (the mailbox address to sign in as)');
  need('client_id', o.client_id, 'is required for auth_protocol oauth2');
  if (o.provider === 'microsoft') {
    need('tenant_id', o.tenant_id, 'is required for provider microsoft');
    need('client_secret', o.client_secret, "is required for provider microsoft (the client secret's Value)");
  } else {
    if (o.provider === 'google') need('client_secret', o.client_secret, 'is required for provider google');
    if (o.provider === 'generic') need('token_url', o.token_url, 'is required for provider generic');
    need('refresh_token', o.refresh_token, `is required for provider ${o.provider}`);
  }
}

/**
 * Checks a whole settings document (DESIGN §5), naming the first field at fault by its path. The
 * providers' slices are checked from their descriptors (`providers`: the registry's, unless a test
 * passes its own).
 */
export function validateSettings(
  raw: unknown,
  providers: readonly AnyProvider[] = PROVIDERS,
): BounceSettings {
  const s = obj(raw, 'settings');
  only(s, '', [
    'enabled',
    'webhooks_enabled',
    'actions',
    ...providers.map((p) => p.name),
    'mailboxes',
    'outbound',
  ]);
  const actions = obj(s.actions, 'actions');
  only(actions, 'actions', ['soft', 'hard', 'complaint']);
  const rule = (type: 'soft' | 'hard' | 'complaint') => {
    const r = obj(actions[type], `actions.${type}`);
    only(r, `actions.${type}`, ['count', 'action', 'window_days']);
    const p = `actions.${type}.`;
    return {
      count: int(r, 'count', p, 1, 1000),
      action: oneOf(r, 'action', p, ACTIONS),
      window_days: int(r, 'window_days', p, 0, 3650),
    };
  };
  if (!Array.isArray(s.mailboxes) || s.mailboxes.length > MAX_MAILBOXES) {
    throw new ValidationError('mailboxes', `must be a list of at most ${MAX_MAILBOXES} mailboxes`);
  }
  const out: BounceSettings = {
    enabled: bool(s, 'enabled', ''),
    webhooks_enabled: bool(s, 'webhooks_enabled', ''),
    actions: { soft: rule('soft'), hard: rule('hard'), complaint: rule('complaint') },
    ...(validateProviders(s, providers) as unknown as ProviderSettings),
    mailboxes: s.mailboxes.map((m, i) => mailbox(m, `mailboxes[${i}].`)),
    outbound: validateOutbound(s.outbound),
  };
  const uuids = new Set<string>();
  out.mailboxes.forEach((m, i) => {
    if (uuids.has(m.uuid)) throw new ValidationError(`mailboxes[${i}].uuid`, 'appears twice');
    uuids.add(m.uuid);
  });
  return out;
}
