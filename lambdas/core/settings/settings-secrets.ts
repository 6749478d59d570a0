import { outboundSecretFields } from '../outbound/outbound-settings.js';
import { isMaskedOrBlank, MASK } from './masked.js';
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

/** The secret fields of the settings, each with its key in the secret store. */
function secretFields(s: BounceSettings): SecretField[] {
  return [
    {
      key: 'sendgrid.key',
      read: (x) => x.sendgrid.key,
      write: (x, v) => {
        x.sendgrid.key = v;
      },
    },
    {
      key: 'postmark.password',
      read: (x) => x.postmark.password,
      write: (x, v) => {
        x.postmark.password = v;
      },
    },
    {
      key: 'forwardemail.key',
      read: (x) => x.forwardemail.key,
      write: (x, v) => {
        x.forwardemail.key = v;
      },
    },
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
export function splitSecrets(settings: BounceSettings): { plain: BounceSettings; secrets: SecretValues } {
  const plain = structuredClone(settings);
  const secrets: SecretValues = {};
  for (const field of secretFields(plain)) {
    const value = field.read(plain);
    if (value) secrets[field.key] = value;
    field.write(plain, '');
  }
  return { plain, secrets };
}

export function joinSecrets(plain: BounceSettings, secrets: SecretValues): BounceSettings {
  const full = structuredClone(plain);
  for (const field of secretFields(full)) field.write(full, secrets[field.key] ?? '');
  return full;
}

/** Settings as shown to API users: every set secret masked, unset ones blank. */
export function maskSecrets(settings: BounceSettings): BounceSettings {
  const masked = structuredClone(settings);
  for (const field of secretFields(masked)) field.write(masked, field.read(masked) ? MASK : '');
  return masked;
}

/** Restores the stored secret wherever the new settings carry a blank or masked one. */
export function keepUnchangedSecrets(next: BounceSettings, stored: SecretValues): BounceSettings {
  const out = structuredClone(next);
  for (const field of secretFields(out)) {
    if (isMaskedOrBlank(field.read(out))) field.write(out, stored[field.key] ?? '');
  }
  return out;
}
