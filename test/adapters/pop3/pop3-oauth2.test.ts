import { describe, expect, it } from 'vitest';
import { Pop3MailboxClient } from '../../../lambdas/adapters/pop3/pop3-mailbox-client.js';
import { chooseOAuthMechanism, oauthInitialResponse } from '../../../lambdas/adapters/pop3/sasl.js';
import { TEST_USER } from '../../support/fake-pop3-server.js';
import { fakePop3Servers } from '../../support/fake-pop3-servers.js';
import { popMailbox } from '../../support/pop-mailbox.js';

const TOKEN = 'ya29.test-access-token';

describe('SASL payloads', () => {
  it("builds XOAUTH2 exactly as Microsoft's documentation shows it", () => {
    // The example of "Authenticate an IMAP, POP or SMTP connection using OAuth" (Exchange docs).
    expect(
      oauthInitialResponse(
        'XOAUTH2',
        'test@contoso.onmicrosoft.com',
        'EwBAAl3BAAUFFpUAo7J3Ve0bjLBWZWCclRC3EoAA',
        'h',
        995,
      ),
    ).toBe(
      'dXNlcj10ZXN0QGNvbnRvc28ub25taWNyb3NvZnQuY29tAWF1dGg9QmVhcmVyIEV3QkFBbDNCQUFVRkZwVUFvN0ozVmUwYmpMQldaV0NjbFJDM0VvQUEBAQ==',
    );
  });

  it('builds OAUTHBEARER (RFC 7628) with the GS2 header, host and port, escaping the user', () => {
    const payload = Buffer.from(
      oauthInitialResponse('OAUTHBEARER', 'a,b=c@x', 'tok', 'pop.example.com', 995),
      'base64',
    );
    expect(payload.toString()).toBe(
      'n,a=a=2Cb=3Dc@x,\x01host=pop.example.com\x01port=995\x01auth=Bearer tok\x01\x01',
    );
  });

  it('refuses a user or token with a control character instead of sending it', () => {
    expect(() => oauthInitialResponse('XOAUTH2', 'u', 'tok\x01auth=Bearer other', 'h', 1)).toThrow(
      /control character/,
    );
  });

  it('picks OAUTHBEARER when CAPA offers it, else XOAUTH2 (also with no SASL line at all)', () => {
    expect(chooseOAuthMechanism(['USER', 'SASL PLAIN XOAUTH2 OAUTHBEARER'])).toBe('OAUTHBEARER');
    expect(chooseOAuthMechanism(['SASL PLAIN XOAUTH2'])).toBe('XOAUTH2');
    expect(chooseOAuthMechanism(['USER', 'UIDL'])).toBe('XOAUTH2');
  });
});

describe('Pop3MailboxClient with OAuth2', () => {
  const fakes = fakePop3Servers({
    tokens: { [TOKEN]: TEST_USER },
    messages: ['Subject: hi\r\n\r\nhello\r\n'],
  });
  const client = new Pop3MailboxClient({ timeoutMs: 2_000 });
  const oauthBox = (port: number, token = TOKEN) => ({
    ...popMailbox({ host: '127.0.0.1', port, auth_protocol: 'oauth2', password: '' }),
    access_token: token,
  });

  it.each([
    [['XOAUTH2'], 'XOAUTH2'],
    [['XOAUTH2', 'OAUTHBEARER'], 'OAUTHBEARER'],
  ])('signs in with the two-line AUTH form (offered %j, uses %s)', async (sasl, used) => {
    const server = await fakes.serve({ sasl });
    const session = await client.open(oauthBox(server.port));
    expect(await session.count()).toBe(1);
    await session.commit();
    const commands = server.sessions[0]?.commands ?? [];
    // AUTH alone on its line, the payload on the next one: Microsoft's POP3 requires this form.
    expect(commands).toContain(`AUTH ${used}`);
    expect(commands[commands.indexOf(`AUTH ${used}`) + 1]).toMatch(/^[A-Za-z0-9+/]+=*$/);
  });

  it('answers a JSON error challenge with an empty line and reports stage auth, without the token', async () => {
    const server = await fakes.serve({ sasl: ['XOAUTH2'] });
    const error = await client.open(oauthBox(server.port, 'ya29.revoked-token')).catch((e: unknown) => e);
    expect(error).toMatchObject({ stage: 'auth' });
    expect((error as Error).message).toContain('status 401');
    expect((error as Error).message).not.toContain('revoked-token');
    const commands = server.sessions[0]?.commands ?? [];
    expect(commands.at(-1)).toBe('');
  });

  it('says where a sign-in failed: connect, tls, greeting', async () => {
    const server = await fakes.serve({});
    const port = server.port;
    const stalled = await fakes.serve({ stallOn: 'greeting' });
    await expect(client.open(popMailbox({ host: '127.0.0.1', port: stalled.port }))).rejects.toMatchObject({
      stage: 'greeting',
    });
    const plain = await fakes.serve({});
    await expect(
      client.open(popMailbox({ host: '127.0.0.1', port: plain.port, tls: 'implicit' })),
    ).rejects.toMatchObject({
      stage: 'tls',
    });
    await server.close();
    fakes.forget(server);
    await expect(client.open(popMailbox({ host: '127.0.0.1', port }))).rejects.toMatchObject({
      stage: 'connect',
    });
  });
});
