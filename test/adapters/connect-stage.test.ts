import type { ImapFlow } from 'imapflow';
import { describe, expect, it } from 'vitest';
import { imapConnectStage } from '../../lambdas/adapters/imap/imap-stage.js';
import { Pop3Error } from '../../lambdas/adapters/pop3/errors.js';
import { pop3ConnectStage } from '../../lambdas/adapters/pop3/pop3-mailbox-client.js';

// A host name that does not resolve cannot be tried here without asking a DNS server off this
// machine, so the name failure is shown with the error node gives for it.
const notFound = Object.assign(new Error('getaddrinfo ENOTFOUND pop.example.invalid'), { code: 'ENOTFOUND' });

describe('the stage a failed connection reports', () => {
  it('POP3: a name that does not resolve is dns, a refused connection connect, a handshake tls', () => {
    expect(pop3ConnectStage(new Pop3Error('connection', 'x', { cause: notFound, command: 'CONNECT' }))).toBe(
      'dns',
    );
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(pop3ConnectStage(new Pop3Error('connection', 'x', { cause: refused, command: 'CONNECT' }))).toBe(
      'connect',
    );
    expect(pop3ConnectStage(new Pop3Error('timeout', 'x', { command: 'TLS' }))).toBe('tls');
    expect(pop3ConnectStage(new Pop3Error('timeout', 'no reply to greeting'))).toBe('greeting');
  });

  it('IMAP: the codes of node and imapflow, then how far the session got', () => {
    const fresh = { connectedAt: null } as unknown as ImapFlow;
    const greeted = { connectedAt: 1, greetingReceived: true } as unknown as ImapFlow;
    expect(imapConnectStage(notFound, fresh)).toBe('dns');
    expect(imapConnectStage({ code: 'ECONNREFUSED' }, fresh)).toBe('connect');
    expect(imapConnectStage({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }, fresh)).toBe('tls');
    expect(imapConnectStage({ code: 'GREETING_TIMEOUT' }, { connectedAt: 1 } as unknown as ImapFlow)).toBe(
      'greeting',
    );
    expect(imapConnectStage({ authenticationFailed: true }, greeted)).toBe('auth');
    expect(imapConnectStage(new Error('Unsupported authentication mechanism'), greeted)).toBe('auth');
  });
});
