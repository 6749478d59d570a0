import { BadPageError, ExportError } from './errors.js';
import type { RequestHeaders } from './sigv4.js';

/** How one output format asks for and reads a page. */
export interface PageFormat<P> {
  /** Query parameters the format adds (`format=csv`). */
  params: Record<string, string>;
  accept: string;
  /** Reads a 200 response; throws BadPageError for a body that is not a page, ExportError for a wrong one. */
  decode(res: Response): Promise<{ page: P; nextCursor: string | null }>;
}

export interface RetryInfo {
  page: number;
  attempt: number;
  maxAttempts: number;
  delayMs: number;
  reason: string;
}

export interface FetchPagesOptions<P> {
  endpoint: URL;
  /** Filters and order; the cursor and page size are added here. */
  params: Record<string, string>;
  /** Authorization headers, made per attempt (a SigV4 signature carries its time). */
  auth: RequestHeaders;
  format: PageFormat<P>;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Per attempt, body included: a connection that hangs must turn into a retry, not a stuck export. */
  timeoutMs?: number;
  onRetry?: (info: RetryInfo) => void;
}

export const PER_PAGE = 1000;

const defaultSleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** `HTTP 401 Unauthorized: <the API's message>`, falling back to the start of a non-JSON body. */
async function describeResponse(res: Response): Promise<string> {
  const status = `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
  let text: string;
  try {
    text = await res.text();
  } catch {
    return status;
  }
  try {
    const body = JSON.parse(text) as unknown;
    if (body && typeof body === 'object' && typeof (body as { message?: unknown }).message === 'string') {
      return `${status}: ${(body as { message: string }).message}`;
    }
  } catch {
    // not JSON: an HTML error page from a proxy, say; its start is still the best clue
  }
  const snippet = text.replace(/\s+/g, ' ').trim().slice(0, 200);
  return snippet ? `${status}: ${snippet}` : status;
}

function describeFailure(err: unknown): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return 'timed out';
  if (err instanceof BadPageError) return err.message;
  const cause = err instanceof Error ? (err.cause as { message?: string } | undefined) : undefined;
  const message = err instanceof Error ? err.message : String(err);
  return cause?.message ? `${message} (${cause.message})` : message;
}

/** Retry-After in seconds or as an HTTP date; undefined when absent or unreadable. */
function retryAfterMs(res: Response): number | undefined {
  const raw = res.headers.get('retry-after');
  if (!raw) return undefined;
  if (/^\d+$/.test(raw.trim())) return Number(raw.trim()) * 1000;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

type Attempt<P> = { ok: { page: P; nextCursor: string | null } } | { reason: string; waitAtLeastMs?: number };

/**
 * Every page from the first to the one without a next cursor, in order. A page is yielded only once it
 * is whole and decoded, and the next request carries that page's cursor; a failed attempt asks for the
 * same cursor again, so no page is skipped or handed out twice.
 */
export async function* fetchPages<P>(opts: FetchPagesOptions<P>): AsyncGenerator<P> {
  const fetchImpl = opts.fetch ?? fetch;
  const sleep = opts.sleep ?? defaultSleep;
  const random = opts.random ?? Math.random;
  const maxAttempts = opts.maxAttempts ?? 6;
  const baseDelayMs = opts.baseDelayMs ?? 500;
  const maxDelayMs = opts.maxDelayMs ?? 30_000;
  const timeoutMs = opts.timeoutMs ?? 120_000;

  const attempt = async (url: URL): Promise<Attempt<P>> => {
    try {
      const headers = { ...(await opts.auth(url)), Accept: opts.format.accept };
      const res = await fetchImpl(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
      if (res.ok) return { ok: await opts.format.decode(res) };
      const reason = await describeResponse(res);
      if (res.status === 429 || res.status >= 500) {
        const wait = retryAfterMs(res);
        return wait === undefined ? { reason } : { reason, waitAtLeastMs: wait };
      }
      throw new ExportError(reason);
    } catch (err) {
      if (err instanceof ExportError) throw err;
      return { reason: describeFailure(err) };
    }
  };

  let cursor: string | null = null;
  for (let page = 1; ; page++) {
    const url = new URL(opts.endpoint);
    for (const [name, value] of Object.entries({ ...opts.params, ...opts.format.params })) {
      url.searchParams.set(name, value);
    }
    url.searchParams.set('per_page', String(PER_PAGE));
    if (cursor !== null) url.searchParams.set('cursor', cursor);
    // Form encoding writes a space as `+`, which a server may read as a plus sign (and a SigV4
    // verifier then signs a different value); %20 means a space to everyone.
    url.search = url.search.replace(/\+/g, '%20');

    let result: { page: P; nextCursor: string | null } | undefined;
    for (let n = 1; result === undefined; n++) {
      const outcome = await attempt(url);
      if ('ok' in outcome) {
        result = outcome.ok;
        break;
      }
      if (n >= maxAttempts) {
        throw new ExportError(`page ${page}: gave up after ${maxAttempts} attempts; last: ${outcome.reason}`);
      }
      // Half fixed, half random: spreads many clients out yet never retries at once.
      const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (n - 1));
      let delayMs = Math.round(ceiling / 2 + (random() * ceiling) / 2);
      if (outcome.waitAtLeastMs !== undefined)
        delayMs = Math.max(delayMs, Math.min(outcome.waitAtLeastMs, maxDelayMs));
      opts.onRetry?.({ page, attempt: n, maxAttempts, delayMs, reason: outcome.reason });
      await sleep(delayMs);
    }

    yield result.page;
    if (result.nextCursor === null) return;
    // A cursor that does not move would export the same page forever.
    if (result.nextCursor === cursor)
      throw new ExportError(`page ${page}: the API returned the same cursor again`);
    cursor = result.nextCursor;
  }
}
