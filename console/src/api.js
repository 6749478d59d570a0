// Every call goes through the documented API with the signed-in user's credentials, kept in this
// tab's sessionStorage only (gone when the tab closes; never in a URL, a cookie or localStorage).
const KEY = 'stmails-console-credentials';
const BASE = new URL('../', document.baseURI);

export function credentials() {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? JSON.parse(raw) : null;
  } catch {
    return null;
  }
}

export function saveCredentials(user, token) {
  sessionStorage.setItem(KEY, JSON.stringify({ user, token }));
}

export function clearCredentials() {
  sessionStorage.removeItem(KEY);
}

function urlFor(path, query) {
  const url = new URL(path.replace(/^\//, ''), BASE);
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(name, v);
  }
  return url;
}

/** Thrown for any answer that is not 2xx; `status` and the API's own message are kept. */
export class ApiError extends Error {
  constructor(status, message, headers) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
  get permission() {
    const m = /^permission denied: (\S+)/.exec(this.message);
    return m ? m[1] : null;
  }
}

let onSignedOut = () => {};
export function whenSignedOut(fn) {
  onSignedOut = fn;
}

/** One API call. Answers `{ data, headers, text }`; throws ApiError. */
export async function api(method, path, { query, body, headers, raw, creds } = {}) {
  const c = creds ?? credentials();
  if (!c) throw new ApiError(401, 'not signed in');
  const res = await fetch(urlFor(path, query), {
    method,
    headers: {
      Authorization: `token ${c.user}:${c.token}`,
      // Tells the service not to answer 401 with a challenge, so the browser shows no login dialog.
      'X-Requested-With': 'stmails-console',
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    cache: 'no-store',
    credentials: 'omit',
    referrerPolicy: 'no-referrer',
  });
  const text = await res.text();
  if (!res.ok) {
    let message = `HTTP ${res.status}`;
    try {
      message = JSON.parse(text).message ?? message;
    } catch {}
    if (res.status === 401 && !creds) onSignedOut(message);
    throw new ApiError(res.status, message, res.headers);
  }
  if (raw) return { text, headers: res.headers };
  return { data: text ? JSON.parse(text).data : null, headers: res.headers };
}
