import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { parseExportArgs, UsageError } from '../../bin/export/args.js';
import { type ExportDeps, main } from '../../bin/export/cli.js';
import { splitCsvPage } from '../../bin/export/csv-page.js';
import { BadPageError } from '../../bin/export/errors.js';
import { csvNextCursor } from '../../bin/export/formats.js';
import { Progress } from '../../bin/export/progress.js';
import { makeBounces, paginate } from './export/bounces.js';
import {
  type Bounce,
  bouncesCsv,
  CSV_COLUMNS,
  type FakeApi,
  type FakeApiOptions,
  startFakeApi,
} from './export/fake-api.js';

const ROOT = resolve(import.meta.dirname, '../..');
const USER = 'ops';
const TOKEN = 'secret-token-1';
const ROWS = makeBounces(23);
const PAGES = paginate(ROWS, [5, 5, 0, 5, 5, 3]);

const servers: FakeApi[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function fakeApi(opts: Partial<FakeApiOptions> = {}): Promise<FakeApi> {
  const api = await startFakeApi({ pages: PAGES, user: USER, token: TOKEN, ...opts });
  servers.push(api);
  return api;
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'stmails-export-'));
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  sleeps: number[];
}

/** The CLI in-process, with instant sleeps and captured output. */
async function runCli(
  args: string[],
  extra: Partial<ExportDeps> & { env?: NodeJS.ProcessEnv } = {},
): Promise<Run> {
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on('data', (c: Buffer) => chunks.push(c));
  let stderr = '';
  const sleeps: number[] = [];
  const { env = {}, ...deps } = extra;
  const code = await main(args, env, {
    stdout,
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...deps,
  });
  return { code, stdout: Buffer.concat(chunks).toString('utf8'), stderr, sleeps };
}

const creds = ['--user', USER, '--token', TOKEN];
const cursorsOf = (api: FakeApi) => api.requests.map((u) => u.searchParams.get('cursor'));
const jsonl = (rows: Bounce[]) => rows.map((r) => `${JSON.stringify(r)}\n`).join('');

describe('export: paging and formats', () => {
  it('follows the cursor to the last page in order and writes the CSV header once', async () => {
    const api = await fakeApi();
    const run = await runCli(['--url', api.url, ...creds]);

    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(api.requests).toHaveLength(PAGES.length);
    const cursors = cursorsOf(api);
    expect(cursors[0]).toBeNull();
    expect(new Set(cursors).size).toBe(PAGES.length);
    // byte for byte what one page holding every row would be: one header, the API's quoting kept
    expect(run.stdout).toBe(bouncesCsv(ROWS));
    expect(run.stdout.match(/^id,created_at,/gm)).toHaveLength(1);

    const records = parse(run.stdout, { columns: true }) as Record<string, string>[];
    expect(records.map((r) => r.id)).toEqual(ROWS.map((r) => r.id));
    expect(Object.keys(records[0] as object)).toEqual([...CSV_COLUMNS]);
    const diagnostics = records.map((r) => r.diagnostic);
    expect(diagnostics).toContain('line one\r\nline two\nline three');
    expect(diagnostics).toContain('Zürich — 東京 — emoji 📬');
    expect(diagnostics).toContain('he said "no"');
    expect(diagnostics).toContain('\'=HYPERLINK("http://evil")');
    expect(diagnostics).toContain("'=1+2");
  });

  it('writes one JSON object a line with --format jsonl', async () => {
    const api = await fakeApi();
    const run = await runCli(['--url', `${api.url}/`, ...creds, '--format', 'jsonl']);

    expect(run.code).toBe(0);
    expect(run.stdout).toBe(jsonl(ROWS));
    expect(api.requests.every((u) => !u.searchParams.has('format'))).toBe(true);
    expect(api.requests).toHaveLength(PAGES.length);
  });

  it('passes the filters through as query parameters on every page', async () => {
    const api = await fakeApi();
    const filters = {
      campaign_uuid: '9f86b50d-5711-41c8-ab03-bc91c43d711b',
      source: 'my script',
      type: 'hard',
      email: 'a+b@mail.com',
      from: '2026-11-01T00:00:00Z',
      to: '2026-11-30T23:59:59.999+01:00',
    };
    const run = await runCli([
      '--url',
      api.url,
      ...creds,
      '--campaign-uuid',
      filters.campaign_uuid,
      '--source',
      filters.source,
      '--type',
      filters.type,
      '--email',
      filters.email,
      '--from',
      filters.from,
      '--to',
      filters.to,
      '--order',
      'desc',
    ]);

    expect(run.code).toBe(0);
    for (const url of api.requests) {
      const params = Object.fromEntries(url.searchParams);
      expect(params).toMatchObject({ ...filters, order: 'desc', per_page: '1000', format: 'csv' });
    }
  });

  it('takes credentials from STMAILS_API_USER / STMAILS_API_TOKEN and asks in ascending order by default', async () => {
    const api = await fakeApi();
    const run = await runCli(['--url', api.url], {
      env: { STMAILS_API_USER: USER, STMAILS_API_TOKEN: TOKEN },
    });
    expect(run.code).toBe(0);
    expect(api.requests[0]?.searchParams.get('order')).toBe('asc');
  });
});

describe('export: retries', () => {
  it('retries a page that fails once with 503 and writes it exactly once', async () => {
    const api = await fakeApi({ failures: { 1: [503] } });
    const run = await runCli(['--url', api.url, ...creds]);

    expect(run.code).toBe(0);
    expect(run.stdout).toBe(bouncesCsv(ROWS));
    expect(api.requests).toHaveLength(PAGES.length + 1);
    // the retry asks for the very same cursor
    expect(cursorsOf(api)[1]).toBe(cursorsOf(api)[2]);
    expect(run.sleeps).toHaveLength(1);
    expect(run.stderr).toContain('page 2: HTTP 503');
    expect(run.stderr).toContain('failure 503 on page 1');
    expect(run.stderr).toContain('attempt 2 of 6');
  });

  it('retries dropped connections, cut-short bodies, 429 and garbled pages without duplicating a row', async () => {
    const api = await fakeApi({
      failures: { 0: ['drop', 'truncate'], 3: [429, 'garbled'], 5: [500, 'truncate'] },
    });
    const csv = await runCli(['--url', api.url, ...creds]);
    expect(csv.code).toBe(0);
    expect(csv.stdout).toBe(bouncesCsv(ROWS));
    expect(csv.sleeps).toHaveLength(6);

    const api2 = await fakeApi({ failures: { 0: ['truncate'], 4: ['garbled', 502] } });
    const json = await runCli(['--url', api2.url, ...creds, '--format', 'jsonl']);
    expect(json.code).toBe(0);
    expect(json.stdout).toBe(jsonl(ROWS));
    expect(json.sleeps).toHaveLength(3);
  });

  it('backs off exponentially with jitter, capped, and honours Retry-After', async () => {
    const api = await fakeApi({ always: { status: 503, message: 'busy' } });
    const low = await runCli(['--url', api.url, ...creds], { random: () => 0 });
    expect(low.sleeps).toEqual([250, 500, 1000, 2000, 4000]);
    const high = await runCli(['--url', api.url, ...creds], {
      random: () => 1,
      retry: { maxAttempts: 9, maxDelayMs: 30_000 },
    });
    expect(high.sleeps).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000]);

    const api429 = await fakeApi({ failures: { 0: [429] } });
    const r = await runCli(['--url', api429.url, ...creds], { random: () => 0 });
    expect(r.sleeps).toEqual([2000]);
  });

  it('gives up after 6 attempts: non-zero exit, the reason, and no final file', async () => {
    const api = await fakeApi({ failures: { 2: [503, 503, 503, 503, 503, 503] } });
    const out = join(tempDir(), 'bounces.csv');
    const run = await runCli(['--url', api.url, ...creds, '--out', out]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error: page 3: gave up after 6 attempts; last: HTTP 503');
    expect(run.stderr).toContain(`${out}.partial`);
    expect(run.sleeps).toHaveLength(5);
    expect(existsSync(out)).toBe(false);
    // what was fetched before the failure is kept, clearly marked incomplete
    expect(readFileSync(`${out}.partial`, 'utf8')).toBe(bouncesCsv(ROWS.slice(0, 10)));
  });
});

describe('export: failures', () => {
  it('stops on 401 with the API message, exit 1, no file and no token in the output', async () => {
    const api = await fakeApi();
    const out = join(tempDir(), 'bounces.csv');
    const run = await runCli(['--url', api.url, '--user', USER, '--token', 'wrong-token-9', '--out', out]);

    expect(run.code).toBe(1);
    expect(run.stderr).toBe('error: HTTP 401 Unauthorized: invalid API credentials\n');
    expect(run.stderr).not.toContain('wrong-token-9');
    expect(run.sleeps).toEqual([]);
    expect(api.requests).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });

  it('stops on 400 and 404 without retrying', async () => {
    const api = await fakeApi({ always: { status: 400, message: 'email: is not an e-mail address' } });
    const run = await runCli(['--url', api.url, ...creds]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('HTTP 400 Bad Request: email: is not an e-mail address');

    const wrongBase = await runCli(['--url', api.url.replace('/prod', '/stage'), ...creds]);
    expect(wrongBase.code).toBe(1);
    expect(wrongBase.stderr).toContain('HTTP 404 Not Found: no such route');
  });

  it('refuses a CSV page that is not CSV, and a cursor that does not move', async () => {
    const notCsv: typeof fetch = async () =>
      new Response('{"data":{}}', { headers: { 'Content-Type': 'application/json' } });
    const a = await runCli(['--url', 'http://127.0.0.1:9', ...creds], { fetch: notCsv });
    expect(a.code).toBe(1);
    expect(a.stderr).toContain('asked for CSV but the API answered application/json');

    const stuck: typeof fetch = async () =>
      new Response('{"data":{"results":[{"id":1}],"next_cursor":"same"}}', {
        headers: { 'Content-Type': 'application/json' },
      });
    const b = await runCli(['--url', 'http://127.0.0.1:9', ...creds, '--format', 'jsonl'], { fetch: stuck });
    expect(b.code).toBe(1);
    expect(b.stderr).toContain('page 2: the API returned the same cursor again');
  });

  it('reports an unreachable service after retrying', async () => {
    const closed = await fakeApi();
    await closed.close();
    const run = await runCli(['--url', closed.url, ...creds], { retry: { maxAttempts: 2 } });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/page 1: gave up after 2 attempts; last: fetch failed \(.*ECONNREFUSED/);
  });
});

describe('export: --out', () => {
  it('writes FILE.partial while running and renames it to FILE only on success', async () => {
    const api = await fakeApi();
    const out = join(tempDir(), 'bounces.jsonl');
    const seen: Array<[boolean, boolean]> = [];
    const watching: typeof fetch = (input, init) => {
      seen.push([existsSync(out), existsSync(`${out}.partial`)]);
      return fetch(input, init);
    };
    const run = await runCli(['--url', api.url, ...creds, '--format', 'jsonl', '--out', out], {
      fetch: watching,
    });

    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(seen).toHaveLength(PAGES.length);
    expect(seen.every(([final, partial]) => !final && partial)).toBe(true);
    expect(readFileSync(out, 'utf8')).toBe(jsonl(ROWS));
    expect(existsSync(`${out}.partial`)).toBe(false);
  });

  it('fails before any request when the output cannot be written', async () => {
    const api = await fakeApi();
    const run = await runCli(['--url', api.url, ...creds, '--out', join(tempDir(), 'missing', 'x.csv')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/cannot write .*x\.csv\.partial: ENOENT/);
    expect(api.requests).toHaveLength(0);
  });
});

describe('export: arguments', () => {
  const base = ['--url', 'http://127.0.0.1:9000', ...creds];
  it.each([
    [['--url', 'http://127.0.0.1:9000', ...creds, '--bogus'], "'--bogus'"],
    [['--user', USER, '--token', TOKEN], '--url: is required'],
    [['--url'], "'--url"],
    [['--url', 'not a url', ...creds], '--url: "not a url" is not a URL'],
    [['--url', 'ftp://host', ...creds], '--url: must be http or https'],
    [['--url', 'http://u:p@host', ...creds], '--url: must not hold credentials'],
    [['--url', 'http://127.0.0.1:9000', '--token', TOKEN], '--user: is required'],
    [['--url', 'http://127.0.0.1:9000', '--user', USER], '--token: is required'],
    [[...base, '--format', 'xml'], '--format: must be csv or jsonl'],
    [[...base, '--order', 'up'], '--order: must be asc or desc'],
    [[...base, '--type', 'bogus'], '--type: must be hard, soft or complaint'],
    [[...base, '--campaign-uuid', 'nope'], '--campaign-uuid: must be a UUID'],
    [[...base, '--from', 'yesterday'], '--from: must be an RFC 3339 timestamp'],
    [[...base, '--to', '2026-11-01'], '--to: must be an RFC 3339 timestamp'],
    [[...base, '--source', ''], '--source: must not be empty'],
    [[...base, 'extra'], "'extra'"],
    [['--url', 'http://127.0.0.1:9000', '--auth', 'oauth'], '--auth: must be basic or iam'],
    [['--url', 'http://127.0.0.1:9000', '--auth', 'iam', ...creds], '--user: is not used with --auth iam'],
    [['--url', 'http://127.0.0.1:9000', '--auth', 'iam'], '--region: is required with --auth iam'],
    [
      ['--url', 'http://127.0.0.1:9000', '--auth', 'iam', '--region', 'mars'],
      '--region: "mars" is not an AWS region',
    ],
    [[...base, '--region', 'eu-west-1'], '--region: is only used with --auth iam'],
  ])('%j names the flag and exits 2', async (args, message) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain('--help');
    expect(run.stderr).not.toContain(TOKEN);
  });

  it('--help prints the usage and exits 0', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: npm run export -- --url URL');
    for (const flag of [
      '--auth',
      '--region',
      '--user',
      '--token',
      '--format',
      '--out',
      '--campaign-uuid',
      '--source',
      '--type',
      '--email',
      '--from',
      '--to',
    ]) {
      expect(run.stdout).toContain(flag);
    }
  });

  it('builds the endpoint under a stage path', () => {
    const parsed = parseExportArgs(['--url', 'https://abc.execute-api.eu-west-1.amazonaws.com/prod/'], {
      STMAILS_API_USER: 'u',
      STMAILS_API_TOKEN: 't',
    });
    expect(parsed.help || parsed.options.endpoint.href).toBe(
      'https://abc.execute-api.eu-west-1.amazonaws.com/prod/api/bounces',
    );
    expect(() => parseExportArgs(['--url', 'http://h?x=1'], {})).toThrow(UsageError);
  });

  it('--auth iam takes the region from --region, else an execute-api URL, else AWS_REGION', () => {
    const region = (args: string[], env: NodeJS.ProcessEnv = {}) => {
      const parsed = parseExportArgs(['--auth', 'iam', ...args], env);
      return parsed.help || (parsed.options.auth.kind === 'iam' && parsed.options.auth.region);
    };
    const gateway = 'https://abc123.execute-api.ap-southeast-2.amazonaws.com/prod';
    expect(region(['--url', gateway])).toBe('ap-southeast-2');
    expect(region(['--url', gateway, '--region', 'us-east-1'])).toBe('us-east-1');
    expect(region(['--url', 'https://bounces.example.com'], { AWS_REGION: 'eu-central-1' })).toBe(
      'eu-central-1',
    );
  });
});

describe('export: --auth iam (SigV4)', () => {
  const REGION = 'eu-west-1';
  // TEST-ONLY credentials: the fake API knows the secret and recomputes every signature.
  const KEYS = {
    accessKeyId: 'AKIDTESTONLY000EXAMPLE',
    secretAccessKey: 'test-only-secret-key/0123456789abcdefEXAMPLE',
  };
  const iam = ['--auth', 'iam', '--region', REGION];
  const signedApi = (opts: Partial<FakeApiOptions> = {}) =>
    fakeApi({ sigv4: { region: REGION, credentials: KEYS }, ...opts });

  it('signs every request, retries included, so the whole export passes the signature check', async () => {
    const api = await signedApi({ failures: { 1: [503] } });
    const run = await runCli(['--url', api.url, ...iam, '--format', 'jsonl'], { credentials: KEYS });
    expect(run.stderr).not.toContain('403');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(jsonl(ROWS));
    expect(api.requests.length).toBe(PAGES.length + 1);
  });

  it('signs filters with spaces and characters that need encoding exactly as the server decodes them', async () => {
    const api = await signedApi({ pages: [ROWS.slice(0, 2)] });
    const run = await runCli(
      ['--url', api.url, ...iam, '--source', 'pop3:a b+c@example.com', '--email', "o'neil+x@example.com"],
      { credentials: KEYS },
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(api.requests[0]?.searchParams.get('source')).toBe('pop3:a b+c@example.com');
  });

  it('signs with a session token (temporary credentials), which the signature covers', async () => {
    const temporary = { ...KEYS, sessionToken: 'test-only-session-token' };
    const api = await signedApi({ sigv4: { region: REGION, credentials: temporary } });
    const run = await runCli(['--url', api.url, ...iam], { credentials: temporary });
    expect(run.code).toBe(0);
  });

  it('the fake API refuses unsigned requests and wrong signatures, as the gateway does', async () => {
    const api = await signedApi();
    const unsigned = await fetch(`${api.url}/api/bounces`);
    expect(unsigned.status).toBe(403);
    expect(await unsigned.json()).toEqual({ message: 'Missing Authentication Token' });

    const basic = await runCli(['--url', api.url, ...creds]);
    expect(basic.code).toBe(1);
    expect(basic.stderr).toContain('HTTP 403');

    const wrongSecret = await runCli(['--url', api.url, ...iam], {
      credentials: { ...KEYS, secretAccessKey: 'another-secret' },
    });
    expect(wrongSecret.code).toBe(1);
    expect(wrongSecret.stderr).toContain('signature we calculated does not match');

    const wrongRegion = await runCli(['--url', api.url, '--auth', 'iam', '--region', 'us-east-1'], {
      credentials: KEYS,
    });
    expect(wrongRegion.code).toBe(1);
  });

  it('fails at once, without retrying, when no credentials can be found', async () => {
    const api = await signedApi();
    const run = await runCli(['--url', api.url, ...iam], {
      credentials: async () => {
        throw new Error('Could not load credentials from any providers');
      },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('cannot sign the request (--auth iam): Could not load credentials');
    expect(run.sleeps).toEqual([]);
    expect(api.requests).toHaveLength(0);
  });
});

describe('export: pieces', () => {
  it('splits a CSV page at the first record end outside quotes', () => {
    const page = splitCsvPage('a,b\r\n"x\r\ny",1\r\n"q""\n",2\r\n');
    expect(page).toEqual({ header: 'a,b\r\n', rows: '"x\r\ny",1\r\n"q""\n",2\r\n', count: 2 });
    expect(splitCsvPage('')).toEqual({ header: '', rows: '', count: 0 });
    expect(splitCsvPage('a,b\r\n')).toEqual({ header: 'a,b\r\n', rows: '', count: 0 });
    expect(splitCsvPage('a,b\r\n1,2')).toEqual({ header: 'a,b\r\n', rows: '1,2\r\n', count: 1 });
    expect(() => splitCsvPage('a,b\r\n"cut off\r\n')).toThrow(BadPageError);
  });

  it('reads the next cursor from the Link header when X-Next-Cursor is absent', () => {
    const res = new Response('', {
      headers: { Link: '</prod/api/bounces?format=csv&cursor=abc%2B%2F%3D>; rel="next"' },
    });
    expect(csvNextCursor(res)).toBe('abc+/=');
    expect(csvNextCursor(new Response(''))).toBeNull();
  });

  it('draws one updating progress line on a terminal and nothing otherwise', () => {
    let t = 0;
    let tty = '';
    const live = new Progress({ write: (s: string) => (tty += s), isTTY: true }, () => t);
    for (let i = 0; i < 5; i++) {
      t += 1000;
      live.page(1000);
    }
    live.notice('page 6: HTTP 503; retrying');
    live.finish('out.csv');
    expect(tty).not.toMatch(/\n.*\n.*\n.*\n/);
    expect(tty).toContain('\r\x1b[Kexporting');
    expect(tty).toContain('exporting: pages 5, rows 5,000, 1,000 rows/s');
    expect(tty).toContain('page 6: HTTP 503; retrying\n');
    expect(tty.endsWith('exported: pages 5, rows 5,000, 1,000 rows/s, 5.0 s, to out.csv\n')).toBe(true);

    let pipe = '';
    const quiet = new Progress({ write: (s: string) => (pipe += s), isTTY: false });
    quiet.page(1000);
    quiet.finish('out.csv');
    expect(pipe).toBe('');
  });
});

describe('export: the command (child process)', () => {
  function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
    return new Promise<{ code: number | null; stdout: string; stderr: string }>((done, fail) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'bin/export.ts', ...args], {
        cwd: ROOT,
        env: { ...process.env, STMAILS_API_USER: '', STMAILS_API_TOKEN: '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => (stdout += c));
      child.stderr.on('data', (c) => (stderr += c));
      child.on('error', fail);
      child.on('close', (code) => done({ code, stdout, stderr }));
    });
  }

  it('exports to a file with env credentials, retrying a 503, and exits 0', async () => {
    const api = await fakeApi({ failures: { 1: [503] } });
    const out = join(tempDir(), 'bounces.csv');
    const run = await cli(['--url', api.url, '--out', out], {
      STMAILS_API_USER: USER,
      STMAILS_API_TOKEN: TOKEN,
    });

    expect(run.stderr).toContain('page 2: HTTP 503');
    expect(run.stderr).not.toContain(TOKEN);
    expect(run.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(bouncesCsv(ROWS));
    expect(existsSync(`${out}.partial`)).toBe(false);
  });

  it('streams JSON lines to stdout', async () => {
    const api = await fakeApi();
    const run = await cli(['--url', api.url, ...creds, '--format', 'jsonl']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(jsonl(ROWS));
  });

  it('--auth iam signs with the default AWS credential chain (here: the environment)', async () => {
    const keys = {
      accessKeyId: 'AKIDTESTONLY000EXAMPLE',
      secretAccessKey: 'test-only-secret-key/0123456789abcdefEXAMPLE',
    };
    const api = await fakeApi({ sigv4: { region: 'eu-west-1', credentials: keys } });
    const none = join(tempDir(), 'none');
    const run = await cli(['--url', api.url, '--auth', 'iam', '--format', 'jsonl'], {
      AWS_ACCESS_KEY_ID: keys.accessKeyId,
      AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
      AWS_SESSION_TOKEN: '',
      AWS_PROFILE: '',
      AWS_REGION: 'eu-west-1',
      // Nothing but the environment may answer: no files of this machine, no instance metadata.
      AWS_CONFIG_FILE: none,
      AWS_SHARED_CREDENTIALS_FILE: none,
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(jsonl(ROWS));
    expect(run.stderr + run.stdout).not.toContain(keys.secretAccessKey);
  });

  it('exits 1 with the API message on 401 and 2 on a bad flag', async () => {
    const api = await fakeApi();
    const denied = await cli(['--url', api.url, '--user', USER, '--token', 'nope-nope']);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toBe('error: HTTP 401 Unauthorized: invalid API credentials\n');
    expect(denied.stdout).toBe('');

    const bad = await cli(['--url', api.url, ...creds, '--format', 'xlsx']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--format: must be csv or jsonl');
  });
});
