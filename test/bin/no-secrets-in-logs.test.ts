import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startLocalService } from '../../bin/local/local-service.js';
import { CURSOR_KEY_SECRET } from '../../lambdas/core/settings/settings-secrets.js';
import { OAuth2TestServer } from '../support/oauth2-server.js';

const SENDGRID_KEY = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  .publicKey.export({ type: 'spki', format: 'der' })
  .toString('base64');
const SECRETS = [
  'postmark-password-XYZ123',
  'forward-email-key-ABC987',
  'mailbox-password-QQQ555',
  'oauth2-client-secret-RRR777',
  'oauth2-refresh-token-SSS888',
  'oauth2-refresh-token-TTT999',
  SENDGRID_KEY,
];
const TOKEN = 'api-token-SECRET-4242';

describe('secrets never reach responses or logs', () => {
  const written: string[] = [];
  afterEach(() => vi.restoreAllMocks());

  it('a full settings round trip, with a failing request and the webhook, logs and answers no secret', async () => {
    for (const stream of [process.stdout, process.stderr]) {
      const write = stream.write.bind(stream);
      vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
        written.push(String(chunk));
        return (write as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
      });
    }
    // A token endpoint that hands out access tokens and rotates the refresh token: every token it
    // issues is a secret too.
    const tokens = await OAuth2TestServer.start();
    tokens.rotate = true;
    tokens.refreshTokens.set(SECRETS[5] as string, 'bounces@example.com');
    const issued: string[] = [];
    const issue = tokens.issue.bind(tokens);
    tokens.issue = (login) => {
      const token = issue(login);
      issued.push(token);
      return token;
    };
    const dataDir = mkdtempSync(join(tmpdir(), 'stmails-secrets-'));
    const service = await startLocalService({
      port: 0,
      dataDir,
      user: 'ops',
      token: TOKEN,
      logger: new Logger({ logLevel: 'DEBUG' }),
    });
    const auth = { Authorization: `token ops:${TOKEN}` };
    const bodies: string[] = [];
    const call = async (
      method: string,
      path: string,
      body?: object,
      headers: Record<string, string> = {},
    ) => {
      const res = await fetch(`${service.url}${path}`, {
        method,
        headers: { ...auth, ...headers },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      bodies.push(await res.text());
      return res;
    };
    let issuingUuid = '';
    try {
      const saved = await call(
        'PUT',
        '/api/settings/bounce',
        {
          sendgrid: { enabled: true, key: SENDGRID_KEY },
          postmark: { enabled: true, username: 'pm', password: SECRETS[0] },
          forwardemail: { enabled: true, key: SECRETS[1] },
          mailboxes: [
            { host: 'pop.example.com', username: 'bounces', password: SECRETS[2] },
            {
              type: 'imap',
              host: '127.0.0.1',
              port: 1,
              auth_protocol: 'oauth2',
              username: 'bounces@example.com',
              oauth2: {
                provider: 'google',
                client_id: 'app',
                client_secret: SECRETS[3],
                refresh_token: SECRETS[4],
                token_url: 'http://127.0.0.1:1/token',
              },
            },
            {
              type: 'imap',
              host: '127.0.0.1',
              port: 1,
              auth_protocol: 'oauth2',
              username: 'bounces@example.com',
              oauth2: {
                provider: 'generic',
                client_id: 'app',
                refresh_token: SECRETS[5],
                token_url: tokens.tokenUrl,
              },
            },
          ],
        },
        { 'If-Match': '"0"' },
      );
      expect(saved.status).toBe(200);
      // New mailboxes (no uuid): the service assigns their uuids.
      const [, unreachableToken, issuing] = JSON.parse(bodies.at(-1) as string).data.mailboxes.map(
        (m: { uuid: string }) => m.uuid,
      );
      issuingUuid = issuing;
      expect((await call('GET', '/api/settings/bounce')).status).toBe(200);
      // A refused save that carries a secret: its error names the field, never the value.
      const refused = await call(
        'PUT',
        '/api/settings/bounce',
        { postmark: { password: SECRETS[0], enabled: 'x' } },
        { 'If-Match': '"1"' },
      );
      expect(refused.status).toBe(400);
      await call('POST', '/webhooks/bounce', { email: 'a@example.com', source: 'api', type: 'soft' });
      await call('POST', '/webhooks/bounce', { email: 'b@example.com', source: 'api', type: 'soft' });
      // Pages sealed with the cursor key, and a forged one refused: none of it shows the key.
      await call('GET', '/api/bounces?per_page=1');
      const cursor = JSON.parse(bodies.at(-1) as string).data.next_cursor as string;
      expect((await call('GET', `/api/bounces?per_page=1&cursor=${cursor}`)).status).toBe(200);
      expect((await call('GET', `/api/bounces?per_page=1&cursor=${cursor.slice(0, -3)}AAA`)).status).toBe(
        400,
      );
      // The connection test of the OAuth2 mailbox fails at its (unreachable, loopback) token endpoint.
      const tested = await call('POST', `/api/mailboxes/${unreachableToken}/test`);
      expect(await new Response(bodies.at(-1)).json()).toMatchObject({ data: { ok: false, stage: 'token' } });
      expect(tested.status).toBe(200);
      // With an access token issued (and the refresh token rotated), signing in fails at the server:
      // the test and a scan answer and log that failure, never a token.
      await call('POST', `/api/mailboxes/${issuing}/test`);
      expect(JSON.parse(bodies.at(-1) as string)).toMatchObject({ data: { ok: false, stage: 'connect' } });
      await call('POST', `/api/mailboxes/${issuing}/scan`);
      expect(JSON.parse(bodies.at(-1) as string).data.failure).toBe('connection');
      expect(issued.length).toBeGreaterThan(0);
      expect(await call('GET', '/api/settings/bounce')).toMatchObject({ status: 200 });
      expect(
        (
          await fetch(`${service.url}/api/bounces`, {
            headers: { Authorization: `token ops:wrong-${TOKEN}` },
          })
        ).status,
      ).toBe(401);
    } finally {
      await service.close();
      await tokens.close();
    }
    const stored = JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8'));
    const cursorKey = Buffer.from(stored[CURSOR_KEY_SECRET] as string, 'base64');
    rmSync(dataDir, { recursive: true, force: true });
    const everything = [...written, ...bodies].join('\n');
    expect(written.join('').length).toBeGreaterThan(0);
    const keyForms = ['base64', 'base64url', 'hex'].map((f) => cursorKey.toString(f as BufferEncoding));
    // The rotated refresh token was saved, and is no more shown than the one it replaced.
    const rotated = stored[`mailboxes.${issuingUuid}.oauth2.refresh_token`] as string;
    expect(rotated).not.toBe(SECRETS[5]);
    expect([...tokens.refreshTokens.keys()]).toContain(rotated);
    for (const secret of [...SECRETS, TOKEN, ...keyForms, ...issued, rotated])
      expect(everything).not.toContain(secret);
  });
});
