import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbMailboxState } from '../../lambdas/adapters/dynamodb/dynamodb-mailbox-state.js';
import { MemorySecretStore } from '../../lambdas/adapters/memory-secret-store.js';
import { FetchTokenEndpoint } from '../../lambdas/adapters/oauth2/fetch-token-endpoint.js';
import { parseBounce } from '../../lambdas/core/mail/parse-bounce.js';
import { scanMailbox } from '../../lambdas/core/mailbox/scan-mailbox.js';
import { testMailboxConnection } from '../../lambdas/core/mailbox/test-connection.js';
import { effectiveSettings, type MailboxSettings } from '../../lambdas/core/settings/settings.js';
import { oauth2SecretKey } from '../../lambdas/core/settings/settings-secrets.js';
import { mailboxConnector } from '../../lambdas/handlers/mailbox-deps.js';
import { Dovecot } from '../support/dovecot.js';
import { recordDepsOver, testTable } from '../support/dynamodb.js';
import { TEST_CERT, TEST_USER } from '../support/fake-pop3-server.js';
import { FakeClock } from '../support/fakes.js';
import { OAuth2TestServer } from '../support/oauth2-server.js';
import { imapMailbox, popMailbox } from '../support/pop-mailbox.js';

const MAIL = join(import.meta.dirname, '../fixtures/mail');
const eml = (name: string) => readFileSync(join(MAIL, name));
const CLIENT = { ca: TEST_CERT, servername: 'localhost', timeoutMs: 10_000 };

/**
 * SASL XOAUTH2 and OAUTHBEARER end to end on loopback: dovecot's oauth2 passdb asks our small token
 * server whether a bearer token is live. One dovecot offers XOAUTH2 only, one offers both (where both
 * clients pick OAUTHBEARER). Refused sign-ins come last: dovecot makes the next login wait after one.
 */
describe('OAuth2 sign-in against dovecot', () => {
  let tokens: OAuth2TestServer;
  let xoauth2Only: Dovecot;
  let both: Dovecot;
  let secrets: MemorySecretStore;
  let refresh: string;

  beforeAll(async () => {
    tokens = await OAuth2TestServer.start();
    xoauth2Only = await Dovecot.start({
      oauth2: { introspectionUrl: tokens.introspectionUrl, mechanisms: ['xoauth2'] },
    });
    both = await Dovecot.start({
      oauth2: { introspectionUrl: tokens.introspectionUrl, mechanisms: ['xoauth2', 'oauthbearer'] },
    });
  });
  afterAll(async () => {
    await xoauth2Only?.stop();
    await both?.stop();
    await tokens?.close();
  });
  beforeEach(() => {
    secrets = new MemorySecretStore();
    refresh = `rt-${Math.random().toString(36).slice(2)}`;
    tokens.refreshTokens.set(refresh, TEST_USER);
    tokens.rotate = false;
  });

  const connector = () =>
    mailboxConnector({ secrets, tokenEndpoint: new FetchTokenEndpoint(), client: CLIENT });
  const oauth2 = (extra: Partial<MailboxSettings['oauth2']> = {}): MailboxSettings['oauth2'] => ({
    provider: 'generic',
    tenant_id: '',
    client_id: 'stmails-test',
    client_secret: '',
    refresh_token: refresh,
    scope: '',
    token_url: tokens.tokenUrl,
    ...extra,
  });
  const boxes = (d: Dovecot, extra: Partial<MailboxSettings> = {}) => ({
    pop3: popMailbox({
      host: d.host,
      port: d.pop3sPort,
      tls: 'implicit',
      auth_protocol: 'oauth2',
      password: '',
      oauth2: oauth2(),
      ...extra,
    }),
    imap: imapMailbox({
      host: d.host,
      port: d.imapsPort,
      tls: 'implicit',
      auth_protocol: 'oauth2',
      password: '',
      oauth2: oauth2(),
      ...extra,
    }),
  });
  const servers = () => ({ 'XOAUTH2 only': xoauth2Only, 'XOAUTH2 and OAUTHBEARER': both });

  for (const server of ['XOAUTH2 only', 'XOAUTH2 and OAUTHBEARER'] as const) {
    for (const protocol of ['pop3', 'imap'] as const) {
      it(`signs in over ${protocol} with a refresh-token grant (${server})`, async () => {
        const mailbox = boxes(servers()[server])[protocol];
        const result = await testMailboxConnection(connector(), mailbox);
        expect(result).toMatchObject({ ok: true, stage: null });
        expect(tokens.requests.at(-1)?.form).toMatchObject({
          grant_type: 'refresh_token',
          refresh_token: refresh,
        });
        // The mechanism offered is the one used: OAUTHBEARER where both are offered.
        const logins = servers()
          [server].log()
          .split('\n')
          .filter((l) => l.includes(`${protocol}-login: Info: Login:`));
        const method = server === 'XOAUTH2 only' ? 'XOAUTH2' : 'OAUTHBEARER';
        expect(logins.at(-1)).toContain(`method=${method}`);
      });
    }
  }

  it('scans a mailbox over both protocols with tokens, caching the token between scans', async () => {
    const table = await testTable();
    const clock = new FakeClock();
    const deps = {
      record: recordDepsOver(table, clock),
      connector: connector(),
      parse: parseBounce,
      state: new DynamoDbMailboxState(table.db, table.tableName),
    };
    const settings = effectiveSettings({ enabled: true }, { actions: { hard: { action: 'none' } } });
    const options = { owner: 'it', deadline: new Date(clock.now().getTime() + 60_000), leaseMs: 60_000 };
    both.seed([eml('qmail.eml')]);
    const before = tokens.requests.length;
    const imap = await scanMailbox(deps, settings, boxes(both).imap, options);
    expect(imap).toMatchObject({ deleted: 1, recorded: 1 });
    both.seed([eml('exim.eml')]);
    const pop3 = await scanMailbox(deps, settings, boxes(both).pop3, options);
    expect(pop3).toMatchObject({ deleted: 1, recorded: 1 });
    // One token for the mailbox uuid and credentials of each box, reused within its lifetime.
    expect(tokens.requests.length - before).toBe(2);
  });

  it('uses the Microsoft client-credentials form (tenant, client secret, .default scope)', async () => {
    tokens.clients.set('ms-app', { secret: 'ms-secret-Value', login: TEST_USER });
    const mailbox = boxes(xoauth2Only).imap;
    mailbox.oauth2 = oauth2({
      provider: 'microsoft',
      tenant_id: 'contoso.onmicrosoft.com',
      client_id: 'ms-app',
      client_secret: 'ms-secret-Value',
      refresh_token: '',
    });
    expect(await testMailboxConnection(connector(), mailbox)).toMatchObject({ ok: true });
    expect(tokens.requests.at(-1)?.form).toEqual({
      grant_type: 'client_credentials',
      client_id: 'ms-app',
      client_secret: 'ms-secret-Value',
      scope: 'https://outlook.office365.com/.default',
    });
  });

  it('saves a rotated refresh token in the secret store and signs in with it next time', async () => {
    tokens.rotate = true;
    const mailbox = boxes(both).pop3;
    const c = connector();
    expect(await testMailboxConnection(c, mailbox)).toMatchObject({ ok: true });
    const saved = (await secrets.get())[oauth2SecretKey(mailbox.uuid, 'refresh_token')];
    expect(saved).toBeDefined();
    expect(saved).not.toBe(refresh);
    expect(tokens.refreshTokens.has(refresh)).toBe(false);
    // The settings (and the old refresh token in them) are unchanged; the new one is used anyway.
    tokens.revokeAccessTokens();
    const again = await testMailboxConnection(connector(), {
      ...mailbox,
      oauth2: { ...mailbox.oauth2, refresh_token: saved as string },
    });
    expect(again).toMatchObject({ ok: true });
  });

  it('answers invalid_grant as stage token, without trying to sign in', async () => {
    const mailbox = boxes(both).imap;
    mailbox.oauth2 = oauth2({ refresh_token: 'rt-revoked' });
    const result = await testMailboxConnection(connector(), mailbox);
    expect(result).toMatchObject({ ok: false, stage: 'token' });
    expect(result.message).toContain('invalid_grant');
  });

  describe('refused sign-ins (dovecot delays the next login after each)', () => {
    for (const server of ['XOAUTH2 only', 'XOAUTH2 and OAUTHBEARER'] as const) {
      for (const protocol of ['pop3', 'imap'] as const) {
        it(`a cached token the server refuses costs one fresh token and one retry (${protocol}, ${server})`, async () => {
          const c = connector();
          const mailbox = boxes(servers()[server])[protocol];
          expect(await testMailboxConnection(c, mailbox)).toMatchObject({ ok: true });
          tokens.revokeAccessTokens();
          const before = tokens.requests.length;
          const result = await testMailboxConnection(c, mailbox);
          expect(result).toMatchObject({ ok: true });
          expect(tokens.requests.length - before).toBe(1);
        });
      }
    }

    it('a token refused again after the retry is stage auth, and the token is not in the message', async () => {
      const c = connector();
      const mailbox = boxes(xoauth2Only).pop3;
      expect(await testMailboxConnection(c, mailbox)).toMatchObject({ ok: true });
      // Every token is dead on arrival: the introspection answers inactive.
      const issue = tokens.issue.bind(tokens);
      const handedOut: string[] = [];
      tokens.issue = (login) => {
        const token = issue(login);
        handedOut.push(token);
        tokens.revokeAccessTokens();
        return token;
      };
      tokens.revokeAccessTokens();
      try {
        const result = await testMailboxConnection(c, mailbox);
        expect(result).toMatchObject({ ok: false, stage: 'auth' });
        for (const token of handedOut) expect(result.message).not.toContain(token);
      } finally {
        tokens.issue = issue;
      }
    });
  });
});
