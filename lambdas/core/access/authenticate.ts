import { createHash, timingSafeEqual } from 'node:crypto';
import { UnauthenticatedError } from '../errors.js';
import type { ApiUser, UserStore } from '../ports.js';

export interface Credentials {
  user: string;
  token: string;
}

/**
 * Reads `Authorization: Basic base64(user:token)` or listmonk's `Authorization: token user:token`.
 * Anything else, or no header, is unauthenticated; the message never echoes the header.
 */
export function parseAuthorization(header: string | undefined): Credentials {
  if (!header) throw new UnauthenticatedError('credentials are required (Authorization: Basic or token)');
  const space = header.indexOf(' ');
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  let pair: string;
  if (scheme === 'basic') {
    pair = Buffer.from(value, 'base64').toString('utf8');
  } else if (scheme === 'token') {
    pair = value;
  } else {
    throw new UnauthenticatedError('unsupported Authorization scheme: use Basic or token');
  }
  const colon = pair.indexOf(':');
  if (colon <= 0 || colon === pair.length - 1)
    throw new UnauthenticatedError('credentials must be user:token');
  return { user: pair.slice(0, colon), token: pair.slice(colon + 1) };
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** Compares digests so neither the length nor the content of the secret leaks through timing. */
export function constantTimeEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db);
}

const NO_USER_DIGEST = sha256Hex('no-such-user');

export async function authenticate(users: UserStore, header: string | undefined): Promise<ApiUser> {
  const { user, token } = parseAuthorization(header);
  const found = await users.find(user);
  // Compare even for an unknown user so that an unknown name costs the same as a wrong token.
  const match = constantTimeEqual(sha256Hex(token), found?.tokenSha256 ?? NO_USER_DIGEST);
  // A token blank after trimming is no secret, whatever a user store was given (DESIGN §9).
  if (!match || !found || !token.trim()) throw new UnauthenticatedError('invalid API credentials');
  return found;
}
