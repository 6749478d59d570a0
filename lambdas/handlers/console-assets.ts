import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HttpResult } from './http/types.js';

/**
 * The console's own header: scripts and styles from this origin only (no inline script or style
 * element), calls to this origin only, never framed, no referrer, no type sniffing.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const CONSOLE_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONSOLE_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-cache',
};

const TYPES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
};

/** The console's request header: its 401s carry no challenge, so browsers show no login dialog. */
export const CONSOLE_REQUEST_HEADER = { name: 'x-requested-with', value: 'stmails-console' };

export function isConsoleRequest(headers: Record<string, string | string[] | undefined>): boolean {
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === CONSOLE_REQUEST_HEADER.name) return value === CONSOLE_REQUEST_HEADER.value;
  }
  return false;
}

/** A 401 for the console without `WWW-Authenticate`; any other answer as it is. */
export function withoutChallenge(result: HttpResult): HttpResult {
  if (result.statusCode !== 401 || !result.headers) return result;
  const headers = Object.fromEntries(
    Object.entries(result.headers).filter(([name]) => name.toLowerCase() !== 'www-authenticate'),
  );
  return { ...result, headers };
}

/**
 * Serves the built console from `dir` at `/console/`: `/console` redirects there, the three built
 * files are served with the console headers, anything else is a 404. Files are read once.
 */
export function consoleAssets(dir: string): (path: string) => HttpResult {
  const cache = new Map<string, string>();
  const read = (name: string) => {
    let body = cache.get(name);
    if (body === undefined) {
      body = readFileSync(join(dir, name), 'utf8');
      cache.set(name, body);
    }
    return body;
  };
  return (path) => {
    if (path === '/console') {
      // Relative, so it also holds below an API Gateway stage (`/v1/console` -> `/v1/console/`).
      return { statusCode: 308, headers: { ...CONSOLE_HEADERS, Location: 'console/' }, body: '' };
    }
    const name = path === '/console/' ? 'index.html' : path.slice('/console/'.length);
    const type = TYPES[name];
    if (!type) {
      return {
        statusCode: 404,
        headers: { ...CONSOLE_HEADERS, 'Content-Type': 'application/json' },
        body: JSON.stringify({ message: 'not found' }),
      };
    }
    return { statusCode: 200, headers: { ...CONSOLE_HEADERS, 'Content-Type': type }, body: read(name) };
  };
}
