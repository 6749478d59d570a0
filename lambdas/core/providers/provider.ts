import type { BounceInput } from '../bounces/bounce.js';
import type { Clock } from '../ports.js';
import type { BounceSettings } from '../settings/settings.js';

export const PROVIDERS = ['ses', 'sendgrid', 'postmark', 'forwardemail'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

export function isProviderName(value: string): value is ProviderName {
  return (PROVIDERS as readonly string[]).includes(value);
}

/** What a provider webhook receives: the raw bytes (signatures are over them) and lower-cased headers. */
export interface ProviderRequest {
  rawBody: Buffer;
  headers: Readonly<Record<string, string | undefined>>;
}

/**
 * What a provider made of a request, after verifying it:
 * - `events`: bounces and complaints to record (each with its provider's `event_key`), plus counts of
 *   events deliberately ignored (deliveries, deferrals, opens, ...) and of unusable ones skipped;
 * - `confirm`: an SNS SubscriptionConfirmation to confirm by GET of `subscribeUrl`;
 * - `ack`: nothing to do (an UnsubscribeConfirmation, an informational record).
 */
export type ProviderOutcome =
  | { kind: 'events'; bounces: BounceInput[]; ignored: number; skipped: number }
  | { kind: 'confirm'; subscribeUrl: string; topicArn: string }
  | { kind: 'ack'; note: string };

/**
 * Fetches the SNS signing certificate (PEM) of a topic's message. The adapter enforces the host rule
 * (SNS's own host in the topic's region), timeout, size cap and cache.
 */
export interface CertificateLoader {
  load(url: string, topicArn: string): Promise<string>;
}

/** Confirms an SNS subscription (GET of its SubscribeURL, already checked to be the topic's SNS endpoint). */
export interface SubscriptionConfirmer {
  confirm(subscribeUrl: string, topicArn: string): Promise<void>;
}

export interface ProviderDeps {
  clock: Clock;
  certificates: CertificateLoader;
}

/**
 * One provider: verifies the request with its own scheme and maps it to bounces. Throws
 * UnauthenticatedError (401) for a failed verification, ForbiddenError (403) for an SNS topic not
 * allowed, ValidationError (400) for a malformed payload. Never records anything itself.
 */
export interface Provider {
  name: ProviderName;
  /** SES confirms a verified SubscriptionConfirmation even while processing is disabled. */
  verifiesBeforeEnabledCheck: boolean;
  handle(request: ProviderRequest, settings: BounceSettings, deps: ProviderDeps): Promise<ProviderOutcome>;
}

/** `X-Stmails-Campaign` / `X-Stmails-Subscriber` values (DESIGN §6): used only when they are UUIDs. */
export const CAMPAIGN_HEADER = 'x-stmails-campaign';
export const SUBSCRIBER_HEADER = 'x-stmails-subscriber';
