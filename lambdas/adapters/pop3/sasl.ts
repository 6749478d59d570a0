import { Pop3Error } from './errors.js';

export type OAuthMechanism = 'XOAUTH2' | 'OAUTHBEARER';

// biome-ignore lint/suspicious/noControlCharactersInRegex: a control character would end a SASL field early
const CONTROL = /[\x00-\x1f\x7f]/;

/**
 * The initial client response of an OAuth SASL mechanism, base64: XOAUTH2 (Google's and Microsoft's
 * documented form, `user=...^Aauth=Bearer ...^A^A`) or OAUTHBEARER (RFC 7628, with a GS2 header and
 * the host and port in use). Fields are framed by \x01, so a control character in the user or the
 * token is refused rather than sent.
 */
export function oauthInitialResponse(
  mechanism: OAuthMechanism,
  user: string,
  token: string,
  host: string,
  port: number,
): string {
  if (CONTROL.test(user) || CONTROL.test(token))
    throw new Pop3Error('auth', 'the user name or access token contains a control character');
  const fields =
    mechanism === 'XOAUTH2'
      ? [`user=${user}`, `auth=Bearer ${token}`, '', '']
      : [
          `n,a=${user.replace(/=/g, '=3D').replace(/,/g, '=2C')},`,
          `host=${host}`,
          `port=${port}`,
          `auth=Bearer ${token}`,
          '',
          '',
        ];
  return Buffer.from(fields.join('\x01')).toString('base64');
}

/**
 * Which mechanism to use, from the `SASL` line of CAPA (RFC 2449): OAUTHBEARER (the standard, RFC
 * 7628) when offered, as the IMAP client does, else XOAUTH2, also when CAPA lists no SASL line at all
 * (the form Microsoft's and Google's POP3 servers document).
 */
export function chooseOAuthMechanism(capabilities: readonly string[]): OAuthMechanism {
  const sasl = capabilities
    .find((line) => /^SASL\b/i.test(line))
    ?.split(/\s+/)
    .slice(1)
    .map((m) => m.toUpperCase());
  return sasl?.includes('OAUTHBEARER') ? 'OAUTHBEARER' : 'XOAUTH2';
}

/** The `status` of a server's base64 JSON error challenge (`{"status":"401",...}`), if it has one. */
export function challengeStatus(base64: string): string | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(base64, 'base64').toString('utf8')) as { status?: unknown };
    return typeof parsed?.status === 'string' || typeof parsed?.status === 'number'
      ? String(parsed.status).slice(0, 40)
      : undefined;
  } catch {
    return undefined;
  }
}
