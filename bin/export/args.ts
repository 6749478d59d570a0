import { parseArgs } from 'node:util';
import { regionOfUrl } from './sigv4.js';

export type ExportFormat = 'csv' | 'jsonl';

/** Basic auth with an API user (the default), or SigV4 for a stack deployed in IAM mode. */
export type ExportAuth = { kind: 'basic'; user: string; token: string } | { kind: 'iam'; region: string };

export interface ExportOptions {
  /** The list endpoint: the service's base URL plus `/api/bounces`. */
  endpoint: URL;
  auth: ExportAuth;
  format: ExportFormat;
  order: 'asc' | 'desc';
  /** API query parameters, already renamed from flags (`--campaign-uuid` -> `campaign_uuid`). */
  filters: Record<string, string>;
  out?: string;
}

export type ParsedArgs = { help: true } | { help: false; options: ExportOptions };

/** A mistake in the command line; the message names the flag. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE = `Usage: npm run export -- --url URL [options]

Exports bounces from an stmails service, following the API's cursor to the last page.

  --url URL             the service's base URL (http://127.0.0.1:9000, https://….amazonaws.com/prod)
  --auth basic|iam      basic (default): an API user and token; iam: sign every request with AWS SigV4,
                        for a stack deployed in IAM mode, with the AWS SDK's default credentials
                        (AWS_ACCESS_KEY_ID/..., AWS_PROFILE, SSO, a container or instance role)
  --region REGION       with --auth iam: the stack's region (default: from an execute-api URL,
                        else env AWS_REGION or AWS_DEFAULT_REGION)
  --user USER           API user (default: env STMAILS_API_USER)
  --token TOKEN         API token (default: env STMAILS_API_TOKEN; prefer the env, argv is visible to ps)
  --format csv|jsonl    csv (default): one header row, then every bounce; jsonl: one JSON object a line
  --out FILE            write FILE (via FILE.partial, renamed on success) instead of stdout
  --order asc|desc      asc (default, oldest first) or desc
  --campaign-uuid UUID  filters, combined with AND
  --source SOURCE
  --type hard|soft|complaint
  --email EMAIL
  --from TIME           RFC 3339 bounds on created_at, inclusive (2026-11-29T10:00:00Z)
  --to TIME
  -h, --help            print this help

Exit status: 0 done, 1 the export failed (API error, retries exhausted, output error), 2 bad arguments.
`;

const FILTER_FLAGS = {
  'campaign-uuid': 'campaign_uuid',
  source: 'source',
  type: 'type',
  email: 'email',
  from: 'from',
  to: 'to',
} as const;

// The same shapes the API accepts; checking them here lets the error name the flag instead of a query parameter.
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function parseEndpoint(raw: string): URL {
  let base: URL;
  try {
    base = new URL(raw);
  } catch {
    throw new UsageError(`--url: ${JSON.stringify(raw)} is not a URL`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:')
    throw new UsageError('--url: must be http or https');
  if (base.username || base.password) {
    throw new UsageError('--url: must not hold credentials; use --user and --token (or the env)');
  }
  if (base.search || base.hash) throw new UsageError('--url: must be the base URL, without ? or #');
  return new URL(`${base.pathname.replace(/\/+$/, '')}/api/bounces`, base);
}

function checkFilter(flag: string, value: string): void {
  if (value === '') throw new UsageError(`--${flag}: must not be empty`);
  if (flag === 'campaign-uuid' && !UUID.test(value)) throw new UsageError('--campaign-uuid: must be a UUID');
  if (flag === 'type' && !['hard', 'soft', 'complaint'].includes(value)) {
    throw new UsageError('--type: must be hard, soft or complaint');
  }
  if ((flag === 'from' || flag === 'to') && !RFC3339.test(value)) {
    throw new UsageError(`--${flag}: must be an RFC 3339 timestamp such as 2026-11-29T10:00:00Z`);
  }
}

function oneOf<T extends string>(
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`--${flag}: must be ${allowed.join(' or ')}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}

function parseFlags(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        url: { type: 'string' },
        auth: { type: 'string' },
        region: { type: 'string' },
        user: { type: 'string' },
        token: { type: 'string' },
        format: { type: 'string' },
        order: { type: 'string' },
        out: { type: 'string' },
        'campaign-uuid': { type: 'string' },
        source: { type: 'string' },
        type: { type: 'string' },
        email: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (err) {
    // parseArgs already names the flag ("Unknown option '--foo'", "Option '--url <value>' argument missing").
    throw new UsageError((err as Error).message);
  }
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

function parseAuth(flags: ReturnType<typeof parseFlags>, env: NodeJS.ProcessEnv, endpoint: URL): ExportAuth {
  const kind = oneOf('auth', flags.auth, ['basic', 'iam'], 'basic');
  if (kind === 'iam') {
    // Credentials come from the AWS chain: an API user given as well would be a mix-up, not a fallback.
    if (flags.user !== undefined) throw new UsageError('--user: is not used with --auth iam');
    if (flags.token !== undefined) throw new UsageError('--token: is not used with --auth iam');
    const region = flags.region ?? regionOfUrl(endpoint) ?? (env.AWS_REGION || env.AWS_DEFAULT_REGION);
    if (!region) {
      throw new UsageError(
        '--region: is required with --auth iam when the URL is not an execute-api URL (or set AWS_REGION)',
      );
    }
    if (!REGION.test(region))
      throw new UsageError(`--region: ${JSON.stringify(region)} is not an AWS region`);
    return { kind, region };
  }
  if (flags.region !== undefined) throw new UsageError('--region: is only used with --auth iam');
  const user = flags.user ?? env.STMAILS_API_USER;
  const token = flags.token ?? env.STMAILS_API_TOKEN;
  if (!user) throw new UsageError('--user: is required (or set STMAILS_API_USER), or use --auth iam');
  if (!token) throw new UsageError('--token: is required (or set STMAILS_API_TOKEN)');
  if (user.includes(':')) throw new UsageError('--user: must not contain ":"');
  return { kind, user, token };
}

export function parseExportArgs(argv: string[], env: NodeJS.ProcessEnv): ParsedArgs {
  const flags = parseFlags(argv);
  if (flags.help) return { help: true };

  if (flags.url === undefined) throw new UsageError('--url: is required');
  const endpoint = parseEndpoint(flags.url);
  const auth = parseAuth(flags, env, endpoint);
  if (flags.out === '') throw new UsageError('--out: must not be empty');

  const filters: Record<string, string> = {};
  for (const [flag, param] of Object.entries(FILTER_FLAGS)) {
    const value = flags[flag as keyof typeof FILTER_FLAGS];
    if (value === undefined) continue;
    checkFilter(flag, value);
    filters[param] = value;
  }

  return {
    help: false,
    options: {
      endpoint,
      auth,
      format: oneOf('format', flags.format, ['csv', 'jsonl'], 'csv'),
      order: oneOf('order', flags.order, ['asc', 'desc'], 'asc'),
      filters,
      ...(flags.out !== undefined ? { out: flags.out } : {}),
    },
  };
}
