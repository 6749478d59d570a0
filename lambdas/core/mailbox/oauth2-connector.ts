import { stageOf } from './mailbox-error.js';
import type { OAuth2Tokens } from './oauth2-tokens.js';
import type { MailboxConnection, MailboxConnector, MailboxSession } from './ports.js';

/**
 * Signs in with an OAuth2 access token where the mailbox says `auth_protocol: oauth2`. A refusal of
 * a cached token (revoked early, or the server's clock is ahead) costs one fresh token and one retry.
 */
export class OAuth2Connector implements MailboxConnector {
  constructor(
    private readonly inner: MailboxConnector,
    private readonly tokens: OAuth2Tokens,
  ) {}

  async open(mailbox: MailboxConnection): Promise<MailboxSession> {
    const oauth2 = mailbox.oauth2;
    if (mailbox.auth_protocol !== 'oauth2' || !oauth2) return this.inner.open(mailbox);
    const box = { ...mailbox, oauth2 };
    const first = await this.tokens.token(box);
    try {
      return await this.inner.open({ ...box, access_token: first.token });
    } catch (error) {
      if (stageOf(error) !== 'auth' || !first.cached) throw error;
      this.tokens.forget(box);
      const fresh = await this.tokens.token(box);
      return this.inner.open({ ...box, access_token: fresh.token });
    }
  }
}

/** One connector per mailbox type (POP3, IMAP), behind the one port the scan uses. */
export function connectorByType(connectors: {
  pop: MailboxConnector;
  imap: MailboxConnector;
}): MailboxConnector {
  return { open: (mailbox) => (mailbox.type === 'imap' ? connectors.imap : connectors.pop).open(mailbox) };
}
