import type { BounceType } from '../bounces/bounce.js';
import { withMailboxDefaults } from '../mailbox/mailbox-defaults.js';
import { defaultOutbound, type OutboundSettings } from '../outbound/outbound-settings.js';
import type { AnyProvider } from '../providers/provider.js';
import { PROVIDERS, type ProviderSettings } from '../providers/registry.js';
import { providerDefaults } from './provider-settings.js';

export const ACTIONS = ['none', 'unsubscribe', 'blocklist', 'delete'] as const;
export type Action = (typeof ACTIONS)[number];

export interface ActionRule {
  /** Bounces of the type within the window that trigger the action (1..1000). */
  count: number;
  action: Action;
  /** Look-back window in days; 0 counts every bounce ever recorded. */
  window_days: number;
}

/** How a mailbox signs in with OAuth2 (SASL XOAUTH2 / OAUTHBEARER); `client_secret` and `refresh_token` are secrets. */
export interface MailboxOAuth2 {
  /** `microsoft`: client-credentials grant; `google` and `generic`: refresh-token grant. */
  provider: 'microsoft' | 'google' | 'generic';
  tenant_id: string;
  client_id: string;
  client_secret: string;
  refresh_token: string;
  /** Blank: the provider's default scope. */
  scope: string;
  /** Blank: the provider's token endpoint (required for `generic`). */
  token_url: string;
}

export interface MailboxSettings {
  uuid: string;
  enabled: boolean;
  type: 'pop' | 'imap';
  host: string;
  port: number;
  auth_protocol: 'userpass' | 'none' | 'oauth2';
  username: string;
  password: string;
  oauth2: MailboxOAuth2;
  tls: 'implicit' | 'starttls' | 'none';
  tls_skip_verify: boolean;
  /** IMAP folder scanned; a POP3 mailbox has only INBOX. */
  folder: string;
  /** What happens to a processed message: removed, or (IMAP) moved to `move_to`. */
  after_processing: 'delete' | 'move';
  move_to: string;
  scan_interval: string;
  max_per_scan: number;
}

/**
 * Bounce settings (DESIGN §5). Secret fields hold values only inside the service, never in DynamoDB.
 * Each provider's slice (`ses`, `sendgrid`, ...) follows from its module's descriptors.
 */
export interface BounceSettings extends ProviderSettings {
  enabled: boolean;
  webhooks_enabled: boolean;
  actions: Record<BounceType, ActionRule>;
  mailboxes: MailboxSettings[];
  outbound: OutboundSettings;
}

/** listmonk's defaults: processing off until an operator turns it on; every provider off. */
export function defaultSettings(providers: readonly AnyProvider[] = PROVIDERS): BounceSettings {
  return {
    ...(providerDefaults(providers) as unknown as ProviderSettings),
    enabled: false,
    webhooks_enabled: false,
    actions: {
      soft: { count: 2, action: 'none', window_days: 0 },
      hard: { count: 1, action: 'blocklist', window_days: 0 },
      complaint: { count: 1, action: 'blocklist', window_days: 0 },
    },
    mailboxes: [],
    outbound: defaultOutbound(),
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Overlays `patch` on `base` key by key; objects merge, arrays and scalars replace. Used for the
 * deploy-time defaults and for the stored item, so a setting added in a later release keeps its
 * default for tables written before it existed.
 */
export function overlay<T>(base: T, patch: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(patch)) return (patch === undefined ? base : patch) as T;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    out[key] = key in base ? overlay(base[key], value) : value;
  }
  return out as T;
}

/**
 * What the deployment manages and keeps in force after any save: the SNS topics named in the
 * deploy-time defaults (the topic the stack creates with its SES option, and any given there). Anyone
 * can point a topic at the endpoint, so only allowed topics count; these stay allowed whether or not
 * the saved settings name them.
 */
export interface ManagedValues {
  ses: { topic_arns: string[] };
}

export function managedValues(deployDefaults: unknown): ManagedValues {
  const ses = isPlainObject(deployDefaults) ? deployDefaults.ses : undefined;
  const arns = isPlainObject(ses) && Array.isArray(ses.topic_arns) ? ses.topic_arns : [];
  return { ses: { topic_arns: arns.filter((arn): arn is string => typeof arn === 'string') } };
}

/** The settings with the managed values in force (saved topics ∪ managed topics). */
export function withManaged<T>(settings: T, managed: ManagedValues): T {
  if (managed.ses.topic_arns.length === 0 || !isPlainObject(settings)) return settings;
  const ses = settings.ses;
  if (!isPlainObject(ses) || !Array.isArray(ses.topic_arns)) return settings;
  const saved: unknown[] = ses.topic_arns;
  const topics = [...saved, ...managed.ses.topic_arns.filter((t) => !saved.includes(t))];
  return { ...settings, ses: { ...ses, topic_arns: topics } };
}

/** The settings to store: managed values left out, since the deployment keeps them in force. */
export function withoutManaged(settings: BounceSettings, managed: ManagedValues): BounceSettings {
  const managedTopics = new Set(managed.ses.topic_arns);
  return {
    ...settings,
    ses: { ...settings.ses, topic_arns: settings.ses.topic_arns.filter((t) => !managedTopics.has(t)) },
  };
}

/**
 * The settings in force: defaults, then deploy-time defaults, then what an operator saved, with the
 * values the deployment manages kept in force.
 */
export function effectiveSettings(deployDefaults: unknown, stored: unknown): BounceSettings {
  const settings = overlay(overlay(defaultSettings(), deployDefaults), stored);
  // Mailboxes stored before a field existed get its default (arrays replace, so overlay cannot).
  const mailboxes = settings.mailboxes.map((m) => withMailboxDefaults(m));
  return withManaged({ ...settings, mailboxes }, managedValues(deployDefaults));
}
