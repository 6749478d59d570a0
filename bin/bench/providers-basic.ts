import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ProviderRequest } from '../../lambdas/core/providers/provider.js';

/** SparkPost, Mailjet and Brevo for `npm run bench -- providers`: settings and authenticated requests. */

type Json = Record<string, unknown>;
type Build = (i: number, run: string) => ProviderRequest;

const FIXTURES = join(resolve(import.meta.dirname, '../..'), 'test/fixtures');
const ADDRESSES = 1_000;

const SPARKPOST = { username: 'sparkpost-hook', password: 'sparkpost c0rrect horse battery' };
const MAILJET = { username: 'mailjet-hook', password: 'mailjet c0rrect horse battery' };
const BREVO = {
  username: 'brevo-hook',
  password: 'brevo c0rrect horse battery',
  token: 'brevo-bearer-0123456789abcdef',
};

function fixture(path: string): unknown {
  return JSON.parse(readFileSync(join(FIXTURES, path), 'utf8'));
}

const SPARKPOST_BATCH = fixture('providers/sparkpost/batch.json') as { msys: Record<string, Json> }[];
const MAILJET_GROUP = fixture('providers/mailjet/grouped.json') as Json[];
const BREVO_BATCH = fixture('providers/brevo/batch.json') as Json[];

export const BASIC_SETTINGS = {
  sparkpost: { enabled: true, ...SPARKPOST },
  mailjet: { enabled: true, ...MAILJET },
  brevo: { enabled: true, ...BREVO },
};

/** `local@domain` made the n-th of the run's pool: `local.run.n@domain`. */
function recipient(email: unknown, run: string, n: number): string {
  const [local, domain] = String(email).split('@');
  return `${local}.${run}${n}@${domain}`;
}

function basicAuth(c: { username: string; password: string }): string {
  return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
}

/** The i-th request of a run; event keys are unique per request, recipients cycle a pool. */
export function basicBuilders(): Record<string, Build> {
  return {
    sparkpost(i, run) {
      const batch = structuredClone(SPARKPOST_BATCH).map((element, j) => {
        for (const event of Object.values(element.msys)) {
          event.event_id = `${run}-${i}-${j}`;
          event.rcpt_to = recipient(event.rcpt_to, run, i % ADDRESSES);
        }
        return element;
      });
      return {
        rawBody: Buffer.from(JSON.stringify(batch)),
        headers: { 'content-type': 'application/json', authorization: basicAuth(SPARKPOST) },
      };
    },
    mailjet(i, run) {
      const group = structuredClone(MAILJET_GROUP).map((event, j) => ({
        ...event,
        Message_GUID: `${run}-${i}-${j}`,
        email: recipient(event.email, run, i % ADDRESSES),
      }));
      return {
        rawBody: Buffer.from(JSON.stringify(group)),
        headers: { 'content-type': 'application/json', authorization: basicAuth(MAILJET) },
      };
    },
    brevo(i, run) {
      const batch = structuredClone(BREVO_BATCH).map((event, j) => ({
        ...event,
        'message-id': `<${run}-${i}-${j}@smtp-relay.example>`,
        email: recipient(event.email, run, i % ADDRESSES),
      }));
      return {
        rawBody: Buffer.from(JSON.stringify(batch)),
        headers: { 'content-type': 'application/json', authorization: `Bearer ${BREVO.token}` },
      };
    },
  };
}

/**
 * Requests refused for a wrong credential, to show what verification alone costs a provider protected
 * only by a credential (the body is not read before it passes).
 */
export function basicRefusals(): Record<string, Build> {
  const build = basicBuilders();
  return {
    sparkpost: (i, run) =>
      withAuthorization(build.sparkpost?.(i, run), basicAuth({ ...SPARKPOST, password: 'wrong' })),
    mailjet: (i, run) =>
      withAuthorization(build.mailjet?.(i, run), basicAuth({ ...MAILJET, password: 'wrong' })),
    brevo: (i, run) => withAuthorization(build.brevo?.(i, run), 'Bearer wrong-token'),
  };
}

function withAuthorization(req: ProviderRequest | undefined, authorization: string): ProviderRequest {
  if (!req) throw new Error('no request builder');
  return { ...req, headers: { ...req.headers, authorization } };
}
