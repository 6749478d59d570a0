import { constantTimeEqual, parseAuthorization } from '../access/authenticate.js';
import { UnauthenticatedError } from '../errors.js';

type Headers = Readonly<Record<string, string | undefined>>;

/** A user name and password pair; usable only when neither is blank after trimming. */
export interface BasicCredentials {
  username: string;
  password: string;
}

export function basicConfigured(c: BasicCredentials): boolean {
  return c.username.trim() !== '' && c.password.trim() !== '';
}

/**
 * True when the request's `Authorization: Basic` (or listmonk's `token user:pass`) carries exactly
 * these credentials. Both halves are always compared, so which one was wrong does not show in the
 * timing; digests are compared, so neither does the length of the secret.
 */
function basicMatches(headers: Headers, expected: BasicCredentials): boolean {
  let given: { user: string; token: string };
  try {
    given = parseAuthorization(headers.authorization);
  } catch {
    return false;
  }
  const userOk = constantTimeEqual(given.user, expected.username);
  const passwordOk = constantTimeEqual(given.token, expected.password);
  return userOk && passwordOk;
}

/** The token of `Authorization: Bearer <token>`, if that is the header's scheme. */
function bearerToken(headers: Headers): string | undefined {
  const header = headers.authorization?.trim();
  if (!header) return undefined;
  const space = header.indexOf(' ');
  if (space <= 0 || header.slice(0, space).toLowerCase() !== 'bearer') return undefined;
  return header.slice(space + 1).trim() || undefined;
}

/**
 * Basic-auth webhooks (the provider sends the credentials put in the webhook URL). Blank settings
 * never admit a request; a missing or wrong header is a 401 that never echoes it.
 */
export function requireBasicAuth(headers: Headers, expected: BasicCredentials, provider: string): void {
  if (!basicConfigured(expected))
    throw new UnauthenticatedError(`${provider}.username and password are not configured`);
  if (!basicMatches(headers, expected)) throw new UnauthenticatedError('invalid webhook credentials');
}

/**
 * Basic auth or a bearer token, whichever is configured; with both configured either one admits.
 * The header's scheme picks the comparison, so a token is never compared with a password.
 */
export function requireBasicOrBearer(
  headers: Headers,
  expected: BasicCredentials & { token: string },
  provider: string,
): void {
  const basicSet = basicConfigured(expected);
  const tokenSet = expected.token.trim() !== '';
  if (!basicSet && !tokenSet)
    throw new UnauthenticatedError(`${provider}: neither username and password nor token is configured`);
  const token = bearerToken(headers);
  if (token !== undefined) {
    // Compared whether or not a token is configured, so the answer costs the same either way.
    const ok = constantTimeEqual(token, expected.token);
    if (tokenSet && ok) return;
    throw new UnauthenticatedError('invalid webhook credentials');
  }
  if (basicSet && basicMatches(headers, expected)) return;
  throw new UnauthenticatedError('invalid webhook credentials');
}
