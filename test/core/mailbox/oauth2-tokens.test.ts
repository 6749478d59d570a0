import { describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../../../lambdas/adapters/memory-secret-store.js';
import { MailboxError } from '../../../lambdas/core/mailbox/mailbox-error.js';
import { OAuth2Connector } from '../../../lambdas/core/mailbox/oauth2-connector.js';
import {
  OAuth2Tokens,
  secretStoreRefreshTokens,
  type TokenEndpoint,
  tokenRequest,
} from '../../../lambdas/core/mailbox/oauth2-tokens.js';
import type { MailboxConnection, MailboxSession } from '../../../lambdas/core/mailbox/ports.js';
import type { MailboxOAuth2 } from '../../../lambdas/core/settings/settings.js';
import { oauth2SecretKey } from '../../../lambdas/core/settings/settings-secrets.js';
import { FakeClock } from '../../support/fakes.js';
import { popMailbox } from '../../support/pop-mailbox.js';

const UUID = '5e1f0000-0000-4000-8000-000000000001';

function box(oauth2: Partial<MailboxOAuth2>) {
  const m = popMailbox({ host: 'pop.example.com', port: 995, auth_protocol: 'oauth2' });
  return {
    ...m,
    oauth2: { ...m.oauth2, client_id: 'app', client_secret: 'shh-secret', refresh_token: 'rt-1', ...oauth2 },
  };
}

/** A token endpoint that answers from a script and keeps what it was sent. */
class ScriptedEndpoint implements TokenEndpoint {
  readonly calls: { url: string; form: Record<string, string> }[] = [];
  constructor(private readonly answer: (n: number) => { status: number; body: unknown }) {}
  async post(url: string, form: Record<string, string>) {
    this.calls.push({ url, form });
    return this.answer(this.calls.length);
  }
}

const granted = (n: number, extra: object = {}) => ({
  status: 200,
  body: { access_token: `at-${n}`, token_type: 'Bearer', expires_in: 3600, ...extra },
});

describe('tokenRequest', () => {
  it('Microsoft: client-credentials grant at the tenant token URL with the .default scope', () => {
    expect(tokenRequest(box({ provider: 'microsoft', tenant_id: 'contoso.onmicrosoft.com' }))).toEqual({
      url: 'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token',
      form: {
        grant_type: 'client_credentials',
        client_id: 'app',
        client_secret: 'shh-secret',
        scope: 'https://outlook.office365.com/.default',
      },
    });
  });

  it("Google: refresh-token grant at Google's token URL", () => {
    expect(tokenRequest(box({ provider: 'google' }))).toEqual({
      url: 'https://oauth2.googleapis.com/token',
      form: {
        grant_type: 'refresh_token',
        client_id: 'app',
        client_secret: 'shh-secret',
        refresh_token: 'rt-1',
      },
    });
  });

  it('generic: refresh-token grant at token_url, with the scope when one is set, and no secret when none is', () => {
    expect(
      tokenRequest(
        box({
          provider: 'generic',
          client_secret: '',
          token_url: 'https://idp.example/token',
          scope: 'mail',
        }),
      ),
    ).toEqual({
      url: 'https://idp.example/token',
      form: { grant_type: 'refresh_token', client_id: 'app', refresh_token: 'rt-1', scope: 'mail' },
    });
  });

  it('a given token_url wins over the provider default', () => {
    expect(
      tokenRequest(box({ provider: 'microsoft', tenant_id: 't', token_url: 'http://127.0.0.1:9/t' })).url,
    ).toBe('http://127.0.0.1:9/t');
  });
});

describe('OAuth2Tokens', () => {
  const tokens = (endpoint: TokenEndpoint, clock = new FakeClock(), secrets = new MemorySecretStore()) =>
    new OAuth2Tokens(endpoint, clock, secretStoreRefreshTokens(secrets));

  it('caches a token until expires_in minus 60 s, per mailbox and credentials', async () => {
    const endpoint = new ScriptedEndpoint((n) => granted(n, { expires_in: 600 }));
    const clock = new FakeClock();
    const t = tokens(endpoint, clock);
    const mailbox = box({ provider: 'google' });
    expect(await t.token(mailbox)).toEqual({ token: 'at-1', cached: false });
    clock.advance(539_000);
    expect(await t.token(mailbox)).toEqual({ token: 'at-1', cached: true });
    // Changed credentials are another cache entry.
    expect(await t.token(box({ provider: 'google', client_secret: 'new-secret' }))).toEqual({
      token: 'at-2',
      cached: false,
    });
    clock.advance(2_000);
    expect(await t.token(mailbox)).toEqual({ token: 'at-3', cached: false });
  });

  it('saves a rotated refresh token to the secret store and sends it from then on', async () => {
    const endpoint = new ScriptedEndpoint((n) =>
      granted(n, { expires_in: 30, refresh_token: `rt-${n + 1}` }),
    );
    const secrets = new MemorySecretStore();
    await secrets.put({ 'sendgrid.key': 'kept' });
    const t = tokens(endpoint, new FakeClock(), secrets);
    const mailbox = box({ provider: 'google' });
    await t.token(mailbox);
    expect(await secrets.get()).toEqual({
      'sendgrid.key': 'kept',
      [oauth2SecretKey(UUID, 'refresh_token')]: 'rt-2',
    });
    // The settings still say rt-1 (a cached read); the endpoint is sent rt-2.
    await t.token(mailbox);
    expect(endpoint.calls.map((c) => c.form.refresh_token)).toEqual(['rt-1', 'rt-2']);
  });

  it('a refused grant is stage token and names invalid_grant, never the secrets', async () => {
    const endpoint = new ScriptedEndpoint(() => ({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' },
    }));
    const error = await tokens(endpoint)
      .token(box({ provider: 'google' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailboxError);
    expect(error).toMatchObject({ stage: 'token' });
    expect((error as Error).message).toContain('invalid_grant');
    expect((error as Error).message).not.toMatch(/shh-secret|rt-1/);
  });

  it('an unreachable endpoint or an answer without a token is stage token', async () => {
    const down: TokenEndpoint = { post: async () => Promise.reject(new Error('connect ECONNREFUSED')) };
    await expect(tokens(down).token(box({ provider: 'google' }))).rejects.toMatchObject({ stage: 'token' });
    const odd = new ScriptedEndpoint(() => ({ status: 200, body: { token_type: 'Bearer' } }));
    await expect(tokens(odd).token(box({ provider: 'google' }))).rejects.toMatchObject({ stage: 'token' });
  });
});

describe('OAuth2Connector', () => {
  const session = { close() {} } as unknown as MailboxSession;
  const refusal = () => Object.assign(new Error('login refused'), { stage: 'auth' });

  it('passes the access token to the protocol client', async () => {
    const seen: MailboxConnection[] = [];
    const c = new OAuth2Connector(
      {
        open: async (m) => {
          seen.push(m);
          return session;
        },
      },
      new OAuth2Tokens(new ScriptedEndpoint(granted), new FakeClock(), { save: async () => undefined }),
    );
    await c.open(box({ provider: 'google' }));
    expect(seen[0]?.access_token).toBe('at-1');
  });

  it('after a refusal of a cached token: one fresh token, one retry', async () => {
    const endpoint = new ScriptedEndpoint(granted);
    const t = new OAuth2Tokens(endpoint, new FakeClock(), { save: async () => undefined });
    const accepted = new Set(['at-1']);
    const c = new OAuth2Connector(
      {
        open: async (m) => {
          if (!accepted.has(m.access_token ?? '')) throw refusal();
          return session;
        },
      },
      t,
    );
    const mailbox = box({ provider: 'google' });
    await c.open(mailbox);
    accepted.clear();
    accepted.add('at-2');
    await c.open(mailbox);
    expect(endpoint.calls).toHaveLength(2);
    // A fresh token that is refused is not retried again.
    accepted.clear();
    await expect(c.open(mailbox)).rejects.toMatchObject({ stage: 'auth' });
    expect(endpoint.calls).toHaveLength(3);
  });
});
