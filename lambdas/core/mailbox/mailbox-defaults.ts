import type { MailboxOAuth2, MailboxSettings } from '../settings/settings.js';

type Given = Partial<Omit<MailboxSettings, 'oauth2'>> & { oauth2?: Partial<MailboxOAuth2> };

/** The well-known port of the protocol: implicit TLS has its own (995, 993), plain and STARTTLS share one. */
export function defaultPort(type: MailboxSettings['type'], tls: MailboxSettings['tls']): number {
  if (type === 'imap') return tls === 'implicit' ? 993 : 143;
  return tls === 'implicit' ? 995 : 110;
}

export function defaultOAuth2(): MailboxOAuth2 {
  return {
    provider: 'microsoft',
    tenant_id: '',
    client_id: '',
    client_secret: '',
    refresh_token: '',
    scope: '',
    token_url: '',
  };
}

/**
 * A mailbox with every field it does not give filled in: listmonk's defaults (POP3, implicit TLS,
 * every 15 minutes), INBOX, delete after processing, and the port that follows the type and TLS.
 */
export function withMailboxDefaults(
  given: Given & { uuid?: string },
  uuid = given.uuid ?? '',
): MailboxSettings {
  const type = given.type ?? 'pop';
  const tls = given.tls ?? 'implicit';
  return {
    enabled: false,
    host: '',
    auth_protocol: 'userpass',
    username: '',
    password: '',
    tls_skip_verify: false,
    folder: 'INBOX',
    after_processing: 'delete',
    move_to: '',
    scan_interval: '15m',
    max_per_scan: 100,
    ...(given as Partial<MailboxSettings>),
    uuid,
    type,
    tls,
    port: given.port ?? defaultPort(type, tls),
    // Anything but an object is kept as given, for validation to refuse by name.
    oauth2: (isObject(given.oauth2)
      ? { ...defaultOAuth2(), ...given.oauth2 }
      : (given.oauth2 ?? defaultOAuth2())) as MailboxOAuth2,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
