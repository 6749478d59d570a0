import type { HttpResult } from './types.js';

/**
 * What an API answer (JSON, CSV, the OpenAPI document, an error) may do in a browser: nothing. It
 * loads nothing, runs nothing and is never framed; the console sends its own, wider policy.
 */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/** Headers every response carries unless it sets its own (the console's pages set a wider CSP). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': API_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  // frame-ancestors for browsers that predate it.
  'X-Frame-Options': 'DENY',
};

/** The response with every security header it does not set itself (names compared case-insensitively). */
export function withSecurityHeaders(result: HttpResult): HttpResult {
  const headers: Record<string, string | number | boolean> = { ...(result.headers ?? {}) };
  const present = new Set(Object.keys(headers).map((name) => name.toLowerCase()));
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
    if (!present.has(name.toLowerCase())) headers[name] = value;
  }
  return { ...result, headers };
}
