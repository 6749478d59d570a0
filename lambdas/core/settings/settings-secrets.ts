import { outboundSecretFields } from '../outbound/outbound-settings.js';
import type { AnyProvider } from '../providers/provider.js';
import { PROVIDERS } from '../providers/registry.js';
import { isMaskedOrBlank, MASK } from './masked.js';
import { providerSecretPaths } from './provider-settings.js';
import type { BounceSettings } from './settings.js';
import { listItems, listName, SETTINGS_LISTS, secretAt, setSecretAt } from './settings-lists.js';

export { isMaskedOrBlank, MASK } from './masked.js';

export type SecretValues = Record<string, string>;

/**
 * Secrets the service keeps for itself in the same store, beside the settings' own (the key that
 * signs list cursors): they are no setting, never shown, and a settings save keeps them.
 */
export const INTERNAL_SECRET_PREFIX = 'internal.';
export const CURSOR_KEY_SECRET = `${INTERNAL_SECRET_PREFIX}cursor_key`;

export function internalSecrets(values: SecretValues): SecretValues {
  return Object.fromEntries(Object.entries(values).filter(([key]) => key.startsWith(INTERNAL_SECRET_PREFIX)));
}

interface SecretField {
  key: string;
  read(s: BounceSettings): string;
  write(s: BounceSettings, value: string): void;
}

/** A provider's slice, created if the settings predate the provider. */
function slice(s: BounceSettings, provider: string): Record<string, unknown> {
  const slices = s as unknown as Record<string, Record<string, unknown>>;
  slices[provider] ??= {};
  return slices[provider];
}

/** The secret fields of the settings, each with its key in the secret store. */
function secretFields(s: BounceSettings, providers: readonly AnyProvider[]): SecretField[] {
  return [
    // Each provider's `secret` fields, keyed `<provider>.<field>` (e.g. `sendgrid.key`).
    ...providerSecretPaths(providers).map(({ provider, field, key }) => ({
      key,
      read: (x: BounceSettings) => String(slice(x, provider)[field] ?? ''),
      write: (x: BounceSettings, v: string) => {
        slice(x, provider)[field] = v;
      },
    })),
    // Per item of each list, keyed by the item's uuid and the secret's path in it (a mailbox's
    // `password`, `oauth2.client_secret`, `oauth2.refresh_token`): an item removed from its list takes
    // its secrets with it, since the secret store is written whole.
    ...SETTINGS_LISTS.flatMap((list) =>
      listItems(s, list).flatMap((item, i) =>
        list.secrets.map((secret) => ({
          key: `${listName(list)}.${item.uuid}.${secret}`,
          read: (x: BounceSettings) => String(secretAt(listItems(x, list)[i], secret) ?? ''),
          write: (x: BounceSettings, v: string) => setSecretAt(listItems(x, list)[i], secret, v),
        })),
      ),
    ),
    ...outboundSecretFields(s),
  ];
}

/** Where the secret store keeps one of a mailbox's OAuth2 secrets (as secretFields names it). */
export function oauth2SecretKey(uuid: string, name: 'client_secret' | 'refresh_token'): string {
  return `mailboxes.${uuid}.oauth2.${name}`;
}

/** Splits settings into what may be stored in DynamoDB (secrets blanked) and the secrets. */
export function splitSecrets(
  settings: BounceSettings,
  providers: readonly AnyProvider[] = PROVIDERS,
): { plain: BounceSettings; secrets: SecretValues } {
  const plain = structuredClone(settings);
  const secrets: SecretValues = {};
  for (const field of secretFields(plain, providers)) {
    const value = field.read(plain);
    if (value) secrets[field.key] = value;
    field.write(plain, '');
  }
  return { plain, secrets };
}

export function joinSecrets(
  plain: BounceSettings,
  secrets: SecretValues,
  providers: readonly AnyProvider[] = PROVIDERS,
): BounceSettings {
  const full = structuredClone(plain);
  for (const field of secretFields(full, providers)) field.write(full, secrets[field.key] ?? '');
  return full;
}

/** Settings as shown to API users: every set secret masked, unset ones blank. */
export function maskSecrets(
  settings: BounceSettings,
  providers: readonly AnyProvider[] = PROVIDERS,
): BounceSettings {
  const masked = structuredClone(settings);
  for (const field of secretFields(masked, providers)) field.write(masked, field.read(masked) ? MASK : '');
  return masked;
}

/** Restores the stored secret wherever the new settings carry a blank or masked one. */
export function keepUnchangedSecrets(
  next: BounceSettings,
  stored: SecretValues,
  providers: readonly AnyProvider[] = PROVIDERS,
): BounceSettings {
  const out = structuredClone(next);
  for (const field of secretFields(out, providers)) {
    if (isMaskedOrBlank(field.read(out))) field.write(out, stored[field.key] ?? '');
  }
  return out;
}
