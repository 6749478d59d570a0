import type { BounceSettings } from './settings.js';

/** What a masked secret reads as; sending it back (or a blank) keeps the stored secret. */
export const MASK = '••••••••';

export type SecretValues = Record<string, string>;

export function isMaskedOrBlank(value: unknown): boolean {
  return (
    value === undefined || value === null || value === '' || (typeof value === 'string' && /^•+$/.test(value))
  );
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
    ...s.mailboxes.map((m, i) => ({
      key: `mailboxes.${m.uuid}.password`,
      read: (x: BounceSettings) => x.mailboxes[i]?.password ?? '',
      write: (x: BounceSettings, v: string) => {
        const box = x.mailboxes[i];
        if (box) box.password = v;
      },
    })),
    ...s.mailboxes.flatMap((m, i) => oauth2SecretFields(m.uuid, i)),
  ];
}

/** A mailbox's OAuth2 client secret and refresh token, under `mailboxes.<uuid>.oauth2.<field>`. */
function oauth2SecretFields(uuid: string, i: number): SecretField[] {
  return (['client_secret', 'refresh_token'] as const).map((name) => ({
    key: oauth2SecretKey(uuid, name),
    read: (x: BounceSettings) => x.mailboxes[i]?.oauth2?.[name] ?? '',
    write: (x: BounceSettings, v: string) => {
      const oauth2 = x.mailboxes[i]?.oauth2;
      if (oauth2) oauth2[name] = v;
    },
  }));
}

/** Where the secret store keeps one of a mailbox's OAuth2 secrets. */
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
