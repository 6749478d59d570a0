import type { Clock } from '../ports.js';
import { stageOf } from './mailbox-error.js';
import type { OAuth2Tokens } from './oauth2-tokens.js';
import type { MailboxConnection, MailboxConnector, MailboxSession, SessionLimits } from './ports.js';

/**
 * Signs in with an OAuth2 access token where the mailbox says `auth_protocol: oauth2`. A refusal of
 * a cached token (revoked early, or the server's clock is ahead) costs one fresh token and one retry.
 * The time spent getting tokens comes out of the session's time limit, so the session still ends when
 * the scan must finish.
 */
export class OAuth2Connector implements MailboxConnector {
  constructor(
    private readonly inner: MailboxConnector,
    private readonly tokens: OAuth2Tokens,
    private readonly clock?: Clock,
  ) {}

  async open(mailbox: MailboxConnection, limits?: SessionLimits): Promise<MailboxSession> {
    const oauth2 = mailbox.oauth2;
    if (mailbox.auth_protocol !== 'oauth2' || !oauth2) return this.inner.open(mailbox, limits);
    const started = this.clock?.now().getTime();
    const rest = (): SessionLimits | undefined => {
      if (limits?.timeLimitMs === undefined || started === undefined || !this.clock) return limits;
      const spent = this.clock.now().getTime() - started;
      return { ...limits, timeLimitMs: Math.max(0, limits.timeLimitMs - spent) };
    };
    const box = { ...mailbox, oauth2 };
    const first = await this.tokens.token(box);
    try {
      return await this.inner.open({ ...box, access_token: first.token }, rest());
    } catch (error) {
      if (stageOf(error) !== 'auth' || !first.cached) throw error;
      this.tokens.forget(box);
      const fresh = await this.tokens.token(box);
      return this.inner.open({ ...box, access_token: fresh.token }, rest());
    }
  }
}

/** One connector per mailbox type (POP3, IMAP), behind the one port the scan uses. */
export function connectorByType(connectors: {
  pop: MailboxConnector;
  imap: MailboxConnector;
}): MailboxConnector {
  return {
    open: (mailbox, limits) =>
      (mailbox.type === 'imap' ? connectors.imap : connectors.pop).open(mailbox, limits),
  };
}
