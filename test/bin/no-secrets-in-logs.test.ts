import { generateKeyPairSync } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startLocalService } from '../../bin/local/local-service.js';

const SENDGRID_KEY = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  .publicKey.export({ type: 'spki', format: 'der' })
  .toString('base64');
const SECRETS = [
  'postmark-password-XYZ123',
  'forward-email-key-ABC987',
  'mailbox-password-QQQ555',
  'oauth2-client-secret-RRR777',
  'oauth2-refresh-token-SSS888',
  SENDGRID_KEY,
];
const OAUTH_BOX = '0a0a0a0a-0a0a-4a0a-8a0a-0a0a0a0a0a0a';
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
    const service = await startLocalService({
      port: 0,
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
              uuid: OAUTH_BOX,
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
          ],
        },
        { 'If-Match': '"0"' },
      );
      expect(saved.status).toBe(200);
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
      // The connection test of the OAuth2 mailbox fails at its (unreachable, loopback) token endpoint.
      const tested = await call('POST', `/api/mailboxes/${OAUTH_BOX}/test`);
      expect(await new Response(bodies.at(-1)).json()).toMatchObject({ data: { ok: false, stage: 'token' } });
      expect(tested.status).toBe(200);
      expect(
        (
          await fetch(`${service.url}/api/bounces`, {
            headers: { Authorization: `token ops:wrong-${TOKEN}` },
          })
        ).status,
      ).toBe(401);
    } finally {
      await service.close();
    }
    const everything = [...written, ...bodies].join('\n');
    expect(written.join('').length).toBeGreaterThan(0);
    for (const secret of [...SECRETS, TOKEN]) expect(everything).not.toContain(secret);
  });
});
