import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { stringify } from 'csv-stringify/sync';
import { EXECUTE_API, signableRequest, signer } from '../../../bin/export/sigv4.js';

/** A bounce as `GET /api/bounces` returns it. */
export type Bounce = Record<string, unknown>;

// The real column list, so the fake cannot drift from the API it stands in for.
import { CSV_COLUMNS } from '../../../lambdas/handlers/api/bounce-csv.js';

export { CSV_COLUMNS };

/** What to do instead of answering one request: an HTTP status, a dropped connection, or a body cut short. */
export type Failure = number | 'drop' | 'truncate' | 'garbled';

export interface FakeApiOptions {
  /** The pages in order; an empty one in the middle is legal (a filtered scan can return one). */
  pages: Bounce[][];
  user?: string;
  token?: string;
  /** Per page index, failures served (in order) before that page is answered. */
  failures?: Record<number, Failure[]>;
  /** Every request answers this status and `{"message"}`. */
  always?: { status: number; message: string };
  /** IAM mode: every request must carry a valid SigV4 signature by these credentials (else 403). */
  sigv4?: {
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  };
}

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

/** `20261129T100000Z` → Date */
function amzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return m ? new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`) : undefined;
}

/**
 * API Gateway's check of an IAM-mode request, by recomputing the signature from what arrived (the
 * headers the client says it signed, the path, the query as the server decoded it) with the known
 * secret. Answers why a request is refused, or null.
 */
async function sigv4Refusal(
  req: IncomingMessage,
  url: URL,
  expected: NonNullable<FakeApiOptions['sigv4']>,
): Promise<string | null> {
  const header = req.headers.authorization;
  if (!header) return 'Missing Authentication Token';
  const m = AUTHORIZATION.exec(header);
  if (!m) return 'Authorization header is not AWS4-HMAC-SHA256';
  const [, keyId, day, region, service, signedHeaders = ''] = m;
  if (keyId !== expected.credentials.accessKeyId)
    return 'The security token included in the request is invalid';
  if (region !== expected.region || service !== EXECUTE_API)
    return `Credential should be scoped to ${expected.region}/${EXECUTE_API}`;
  const names = signedHeaders.split(';');
  const date = amzDate(String(req.headers['x-amz-date'] ?? ''));
  if (!names.includes('host') || !names.includes('x-amz-date') || !date)
    return 'host and x-amz-date must be signed';
  if (date.toISOString().slice(0, 10).replaceAll('-', '') !== day)
    return 'Date in Credential scope does not match';
  if (expected.credentials.sessionToken && !names.includes('x-amz-security-token'))
    return 'The security token must be signed';
  const headers: Record<string, string> = {};
  for (const name of names) {
    const value = req.headers[name];
    if (value === undefined) return `signed header ${name} is missing`;
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const wanted = await signer(expected.region, expected.credentials).sign(
    {
      ...signableRequest(new URL(url.pathname + url.search, `http://${headers.host}`), headers),
      method: req.method ?? 'GET',
    },
    { signingDate: date },
  );
  const a = Buffer.from(String(wanted.headers.authorization));
  const b = Buffer.from(header);
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    return 'The request signature we calculated does not match the signature you provided';
  }
  return null;
}

export interface FakeApi {
  url: string;
  requests: URL[];
  close(): Promise<void>;
}

const formulaStart = /^[=+\-@\t\r]/;

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return formulaStart.test(text) ? `'${text}` : text;
}

/** The contract's CSV for some bounces: header row, CRLF records, line breaks quoted. */
export function bouncesCsv(bounces: Bounce[]): string {
  return stringify(
    bounces.map((b) => CSV_COLUMNS.map((c) => cell(b[c]))),
    { header: true, columns: [...CSV_COLUMNS], record_delimiter: 'windows', quoted_match: /[\r\n]/ },
  );
}

// Opaque and full of characters that need URL encoding, so a client that does not encode it breaks.
const encodeCursor = (page: number) => Buffer.from(JSON.stringify({ page, pad: '?&+' })).toString('base64');
function decodeCursor(cursor: string): number | undefined {
  try {
    const page = (JSON.parse(Buffer.from(cursor, 'base64').toString()) as { page?: unknown }).page;
    return typeof page === 'number' ? page : undefined;
  } catch {
    return undefined;
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

export async function startFakeApi(opts: FakeApiOptions): Promise<FakeApi> {
  const user = opts.user ?? 'ops';
  const token = opts.token ?? 'secret-token-1';
  const requests: URL[] = [];
  const failures = structuredClone(opts.failures ?? {});

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    requests.push(url);
    if (url.pathname !== '/prod/api/bounces') return sendJson(res, 404, { message: 'no such route' });
    if (opts.sigv4) {
      const refusal = await sigv4Refusal(req, url, opts.sigv4);
      if (refusal) return sendJson(res, 403, { message: refusal });
    } else if (req.headers.authorization !== `Basic ${Buffer.from(`${user}:${token}`).toString('base64')}`) {
      return sendJson(res, 401, { message: 'invalid API credentials' });
    }
    if (opts.always) return sendJson(res, opts.always.status, { message: opts.always.message });
    const cursor = url.searchParams.get('cursor');
    const page = cursor === null ? 0 : decodeCursor(cursor);
    if (page === undefined || page >= opts.pages.length)
      return sendJson(res, 400, { message: 'cursor: is not valid' });

    const format = url.searchParams.get('format') ?? 'json';
    const results = opts.pages[page] as Bounce[];
    const next = page + 1 < opts.pages.length ? encodeCursor(page + 1) : null;
    const body =
      format === 'csv'
        ? bouncesCsv(results)
        : JSON.stringify({ data: { results, per_page: 1000, next_cursor: next } });

    const failure = failures[page]?.shift();
    if (failure === 'drop') return req.socket.destroy();
    if (failure === 'truncate') {
      res.writeHead(200, {
        'Content-Type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json',
        'Content-Length': String(Buffer.byteLength(body)),
      });
      res.write(body.slice(0, Math.floor(body.length / 2)));
      setTimeout(() => req.socket.destroy(), 10);
      return;
    }
    if (failure === 'garbled') {
      // complete as HTTP goes, but not a whole page: JSON cut off, or CSV ending inside a quoted field
      res.writeHead(200, { 'Content-Type': format === 'csv' ? 'text/csv' : 'application/json' });
      return res.end(body.slice(0, body.indexOf(format === 'csv' ? '"' : '[') + 2));
    }
    if (typeof failure === 'number') {
      res.writeHead(failure, {
        'Content-Type': 'application/json',
        ...(failure === 429 ? { 'Retry-After': '2' } : {}),
      });
      return res.end(JSON.stringify({ message: `failure ${failure} on page ${page}` }));
    }

    if (format === 'json') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return res.end(body);
    }
    const headers: Record<string, string> = { 'Content-Type': 'text/csv; charset=utf-8' };
    if (next) {
      headers['X-Next-Cursor'] = next;
      const link = new URLSearchParams(url.searchParams);
      link.set('cursor', next);
      headers.Link = `<${url.pathname}?${link.toString()}>; rel="next"`;
    }
    res.writeHead(200, headers);
    res.end(body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => sendJson(res, 500, { message: err.message }));
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/prod`,
    requests,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
