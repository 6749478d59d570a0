import { createHash } from 'node:crypto';
import type { Clock } from '../ports.js';
import { oauth2SecretKey } from '../settings/settings-secrets.js';
import type { SecretStore } from '../settings/settings-service.js';
import { MailboxError } from './mailbox-error.js';
import type { MailboxConnection } from './ports.js';

/** The OAuth2 token endpoint, reached over HTTPS (or HTTP to loopback) with a timeout. */
export interface TokenEndpoint {
  /**
   * POSTs the form (`application/x-www-form-urlencoded`) and resolves with the status and the JSON
   * body (null when it is not JSON); rejects only when no answer came (network, timeout, refused URL).
   */
  post(url: string, form: Record<string, string>): Promise<{ status: number; body: unknown }>;
}

/** Where a refresh token that the endpoint rotated is kept (the secret store, no settings version). */
export interface RefreshTokenStore {
  save(mailboxUuid: string, refreshToken: string): Promise<void>;
}

export const MICROSOFT_SCOPE = 'https://outlook.office365.com/.default';
export const GOOGLE_SCOPE = 'https://mail.google.com/';
export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
export const microsoftTokenUrl = (tenant: string) =>
  `https://login.microsoftonline.com/${encodeURIComponent(tenant)}/oauth2/v2.0/token`;

/** Access tokens expire early by this much, so one is never used in its last minute. */
const EARLY_MS = 60_000;
const DEFAULT_EXPIRES_S = 3600;

type OAuthMailbox = MailboxConnection & Required<Pick<MailboxConnection, 'oauth2'>>;

/**
 * The token request of a mailbox. Microsoft: client-credentials grant, scope
 * `https://outlook.office365.com/.default`. Google and generic: refresh-token grant; the scope is
 * sent only when set, so the endpoint keeps what the refresh token was granted (for Google that must
 * include `https://mail.google.com/`).
 */
export function tokenRequest(
  mailbox: OAuthMailbox,
  refreshToken = mailbox.oauth2.refresh_token,
): { url: string; form: Record<string, string> } {
  const o = mailbox.oauth2;
  if (o.provider === 'microsoft') {
    return {
      url: o.token_url || microsoftTokenUrl(o.tenant_id),
      form: {
        grant_type: 'client_credentials',
        client_id: o.client_id,
        client_secret: o.client_secret,
        scope: o.scope || MICROSOFT_SCOPE,
      },
    };
  }
  const url = o.token_url || (o.provider === 'google' ? GOOGLE_TOKEN_URL : '');
  if (!url) throw new MailboxError('token', 'oauth2.token_url is required for provider generic');
  return {
    url,
    form: {
      grant_type: 'refresh_token',
      client_id: o.client_id,
      ...(o.client_secret ? { client_secret: o.client_secret } : {}),
      refresh_token: refreshToken,
      ...(o.scope ? { scope: o.scope } : {}),
    },
  };
}

const clip = (text: string, max = 200) => (text.length > max ? `${text.slice(0, max)}...` : text);

function field(body: unknown, name: string): string | undefined {
  const value = (body as Record<string, unknown> | null)?.[name];
  return typeof value === 'string' ? value : undefined;
}

/** A token endpoint's refusal as a `token` stage error; `invalid_grant` says what to do about it. */
function refusal(status: number, body: unknown): MailboxError {
  const error = field(body, 'error');
  const description = field(body, 'error_description');
  const detail = description ? `: ${clip(description)}` : '';
  if (error === 'invalid_grant') {
    return new MailboxError(
      'token',
      `the token endpoint refused the grant (invalid_grant${detail}); the refresh token or client secret is expired or revoked: get a new one and save it in the mailbox's oauth2 settings`,
    );
  }
  return new MailboxError(
    'token',
    `the token endpoint answered ${status}${error ? ` (${clip(error, 60)}${detail})` : ''}`,
  );
}

export interface AccessToken {
  token: string;
  /** Served from the cache rather than fetched just now. */
  cached: boolean;
}

/**
 * Access tokens for mailboxes that sign in with OAuth2, cached per process by mailbox uuid and a hash
 * of the credentials until `expires_in` minus 60 s. A refresh token the endpoint returns in place of
 * the one sent is saved to the secret store and used from then on. Tokens never appear in errors.
 */
export class OAuth2Tokens {
  private readonly cache = new Map<string, { token: string; until: number }>();
  /** Refresh tokens rotated by the endpoint, by the one they replace (settings may lag behind). */
  private readonly rotated = new Map<string, string>();

  constructor(
    private readonly endpoint: TokenEndpoint,
    private readonly clock: Clock,
    private readonly refreshTokens: RefreshTokenStore,
  ) {}

  async token(mailbox: OAuthMailbox): Promise<AccessToken> {
    const key = this.key(mailbox);
    const now = this.clock.now().getTime();
    const hit = this.cache.get(key);
    if (hit && hit.until > now) return { token: hit.token, cached: true };
    this.cache.delete(key);
    const sent = this.currentRefreshToken(mailbox.oauth2.refresh_token);
    const { url, form } = tokenRequest(mailbox, sent);
    let answer: { status: number; body: unknown };
    try {
      answer = await this.endpoint.post(url, form);
    } catch (error) {
      throw new MailboxError(
        'token',
        `the token endpoint could not be reached: ${clip((error as Error)?.message ?? 'failed')}`,
        { cause: error, code: 'connection' },
      );
    }
    const token = field(answer.body, 'access_token');
    if (answer.status !== 200 || !token) throw refusal(answer.status, answer.body);
    const seconds = Number((answer.body as Record<string, unknown>).expires_in ?? DEFAULT_EXPIRES_S);
    const lifetimeMs = (Number.isFinite(seconds) && seconds > 0 ? seconds : DEFAULT_EXPIRES_S) * 1000;
    if (lifetimeMs > EARLY_MS) this.cache.set(key, { token, until: now + lifetimeMs - EARLY_MS });
    const renewed = field(answer.body, 'refresh_token');
    if (form.grant_type === 'refresh_token' && renewed && renewed !== sent) {
      this.rotated.set(mailbox.oauth2.refresh_token, renewed);
      if (sent !== mailbox.oauth2.refresh_token) this.rotated.set(sent, renewed);
      // Kept in memory whatever happens: a failed save must not cost this sign-in.
      await this.refreshTokens.save(mailbox.uuid ?? '', renewed).catch(() => undefined);
    }
    return { token, cached: false };
  }

  /** Drops the cached token of the mailbox, after the server refused it. */
  forget(mailbox: OAuthMailbox): void {
    this.cache.delete(this.key(mailbox));
  }

  private currentRefreshToken(stored: string): string {
    let token = stored;
    for (let hops = 0; hops < 10 && this.rotated.has(token); hops++)
      token = this.rotated.get(token) as string;
    return token;
  }

  private key(mailbox: OAuthMailbox): string {
    const o = mailbox.oauth2;
    const credentials = [
      o.provider,
      o.tenant_id,
      o.client_id,
      o.client_secret,
      o.refresh_token,
      o.scope,
      o.token_url,
    ];
    return `${mailbox.uuid ?? ''}:${createHash('sha256').update(JSON.stringify(credentials)).digest('hex')}`;
  }
}

/** Saves a rotated refresh token into the settings' secret store, beside the mailbox's other secrets. */
export function secretStoreRefreshTokens(secrets: SecretStore): RefreshTokenStore {
  return {
    async save(uuid, refreshToken) {
      const values = await secrets.get();
      await secrets.put({ ...values, [oauth2SecretKey(uuid, 'refresh_token')]: refreshToken });
    },
  };
}
