import type { BounceInput } from '../bounces/bounce.js';
import type { Clock } from '../ports.js';

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
 * One setting of a provider, besides `enabled` (which every provider has, default false). The
 * settings defaults, validation, secret masking and storage, the OpenAPI schema and the console's form
 * all follow from these descriptors.
 * - `secret`: a string, default '', kept in the secret store, masked on read; any non-blank string is
 *   accepted, and one is required while the provider is enabled (unless `optional`).
 * - `text`: a string, default ''; required (not blank) while enabled unless `optional`.
 * - `string-list`: a list of strings with a default; `item` checks each entry.
 * - `boolean`: true or false with a default.
 * `check` adds a rule of the provider's own for a non-blank value: it returns what is wrong, or null.
 */
export type SettingField = SecretField | TextField | StringListField | BooleanField;

interface FieldBase {
  /** The key inside the provider's settings, e.g. `signing_key`: snake_case, as in the API. */
  key: string;
  /** Shown in the console, the OpenAPI schema and the docs. */
  description: string;
}

export interface SecretField extends FieldBase {
  kind: 'secret';
  /** Not required while enabled (e.g. one of two ways to authenticate; the provider checks the pair). */
  optional?: boolean;
  /** Longest value accepted (default 4000). */
  maxLength?: number;
  /** Stored without surrounding whitespace (a pasted key). */
  trim?: boolean;
  check?: (value: string) => string | null;
}

export interface TextField extends FieldBase {
  kind: 'text';
  optional?: boolean;
  /** Longest value accepted (default 1000). */
  maxLength?: number;
  trim?: boolean;
  check?: (value: string) => string | null;
}

export interface StringListField extends FieldBase {
  kind: 'string-list';
  default: readonly string[];
  /** Most entries accepted (default 20). */
  maxItems?: number;
  /** Checks one entry: returns what is wrong with it, or null. */
  item?: (value: string) => string | null;
  /** What every entry must match (also published in the OpenAPI schema). */
  itemPattern?: RegExp;
}

export interface BooleanField extends FieldBase {
  kind: 'boolean';
  default: boolean;
}

/** The value type of one setting. */
export type SettingValue<F extends SettingField> = F extends { kind: 'string-list' }
  ? string[]
  : F extends { kind: 'boolean' }
    ? boolean
    : string;

/** A provider's settings slice: `enabled` plus one value per descriptor. */
export type ProviderConfig<F extends readonly SettingField[] = readonly SettingField[]> = {
  enabled: boolean;
} & { [K in F[number] as K['key']]: SettingValue<K> };

/**
 * One provider: verifies the request with its own scheme and maps it to bounces. Throws
 * UnauthenticatedError (401) for a failed verification (a blank secret never admits a request),
 * ForbiddenError (403) for an SNS topic not allowed, ValidationError (400) for a malformed payload.
 * Never records anything itself: the ingestion use case does (`core/ingestion/ingest-provider-request`).
 */
export interface Provider<
  N extends string = string,
  F extends readonly SettingField[] = readonly SettingField[],
> {
  /** The route segment (`/webhooks/service/<name>`) and the settings key. */
  readonly name: N;
  /** Shown in the console and docs. */
  readonly title: string;
  /**
   * How a request is verified and what it carries, for the API's documentation (one Markdown line,
   * listed under `POST /webhooks/service/{provider}` in the OpenAPI document).
   */
  readonly verification?: string;
  readonly settings: F;
  /**
   * Verify before the enabled checks: SES confirms a verified SubscriptionConfirmation even while
   * processing is disabled, so a subscription made at deploy time does not expire unconfirmed.
   */
  readonly verifiesBeforeEnabledCheck: boolean;
  /**
   * The answer to a temporary failure (a switch off, storage down) that makes this provider deliver
   * again. Unset: 503 while something is disabled, 500 for our own fault. `429` for a provider whose
   * retries stop on every 5xx (Brevo discards the event on any 4xx but 429 and on any 5xx).
   */
  readonly retryAnswer?: 429;
  /**
   * Rules across fields of the slice (e.g. "one of token or username/password", "a topic while
   * enabled"), run after each field is valid; returns the field at fault and what is wrong, or null.
   */
  checkSettings?(config: ProviderConfig<F>): { field: string; message: string } | null;
  // Method syntax on purpose: a provider typed by its own slice still fits the registry's list.
  handle(request: ProviderRequest, config: ProviderConfig<F>, deps: ProviderDeps): Promise<ProviderOutcome>;
}

/** Any provider, as the registry and the use cases see it. */
export type AnyProvider = Provider<string, readonly SettingField[]>;

/**
 * Declares a provider with its slice type inferred from its descriptors (so `handle` and
 * `checkSettings` get `config.signing_key` typed), e.g. `export const x = defineProvider({...})`.
 */
export function defineProvider<const N extends string, const F extends readonly SettingField[]>(
  provider: Provider<N, F>,
): Provider<N, F> {
  return provider;
}

/** `X-Stmails-Campaign` / `X-Stmails-Subscriber` values (DESIGN §6): used only when they are UUIDs. */
export const CAMPAIGN_HEADER = 'x-stmails-campaign';
export const SUBSCRIBER_HEADER = 'x-stmails-subscriber';
