import net from 'node:net';
import tls from 'node:tls';
import { Pop3Error } from './errors.js';

export type Pop3Tls = 'implicit' | 'starttls' | 'none';

export interface TransportOptions {
  host: string;
  port: number;
  tls: Pop3Tls;
  /** Accept any certificate (listmonk's `tls_skip_verify`): encryption without authentication. */
  tlsSkipVerify?: boolean;
  /** Trusted CA certificates instead of Node's bundle, e.g. a test CA. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Name the certificate must carry; defaults to `host` unless that is an IP address. */
  servername?: string;
  timeoutMs: number;
}

/** A socket being opened; its handlers are attached at once, so no early error goes unheard. */
export interface PendingSocket {
  socket: net.Socket;
  /** Resolves once connected (and, with TLS, once the handshake and certificate check passed). */
  ready: Promise<void>;
}

function tlsOptions(options: TransportOptions): tls.ConnectionOptions {
  return {
    ca: options.ca,
    servername: options.servername ?? (net.isIP(options.host) ? undefined : options.host),
    rejectUnauthorized: !options.tlsSkipVerify,
    minVersion: 'TLSv1.2',
  };
}

/**
 * Waits for `event`, mapping every other outcome to a Pop3Error: failures before the TCP connection
 * are `connection`, failures after it and before `secureConnect` are `tls` (bad certificate, wrong
 * name, a server that is not speaking TLS).
 */
function settle(
  socket: net.Socket,
  event: 'connect' | 'secureConnect',
  options: TransportOptions,
): Promise<void> {
  const where = `${options.host}:${options.port}`;
  let tcpUp = event === 'secureConnect' && !socket.connecting;
  return new Promise<void>((resolve, reject) => {
    const fail = (error: Pop3Error) => {
      cleanup();
      socket.destroy();
      reject(error);
    };
    const onTcp = () => {
      tcpUp = true;
    };
    // `command` says which step failed (`CONNECT` or `TLS`), for the connection test's stage.
    const step = () => (tcpUp && event === 'secureConnect' ? 'TLS' : 'CONNECT');
    const onError = (cause: Error) => {
      const code = step() === 'TLS' ? 'tls' : 'connection';
      const what = code === 'tls' ? 'TLS handshake with' : 'cannot connect to';
      fail(new Pop3Error(code, `${what} ${where} failed: ${cause.message}`, { cause, command: step() }));
    };
    const onClose = () => onError(new Error('connection closed'));
    const timer = setTimeout(() => {
      const what = tcpUp ? 'TLS handshake with' : 'connecting to';
      fail(
        new Pop3Error('timeout', `${what} ${where} timed out after ${options.timeoutMs} ms`, {
          command: tcpUp ? 'TLS' : 'CONNECT',
        }),
      );
    }, options.timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    function cleanup() {
      clearTimeout(timer);
      socket.off('connect', onTcp).off(event, onReady).off('error', onError).off('close', onClose);
    }
    socket.on('connect', onTcp).once(event, onReady).on('error', onError).on('close', onClose);
  });
}

export function openSocket(options: TransportOptions): PendingSocket {
  const target = { host: options.host, port: options.port };
  if (options.tls === 'implicit') {
    const socket = tls.connect({ ...target, ...tlsOptions(options) });
    return { socket, ready: settle(socket, 'secureConnect', options) };
  }
  const socket = net.connect(target);
  socket.setNoDelay(true);
  return { socket, ready: settle(socket, 'connect', options) };
}

/** Starts TLS on a connected plain socket (STLS, RFC 2595). */
export function upgradeSocket(plain: net.Socket, options: TransportOptions): PendingSocket {
  const socket = tls.connect({ socket: plain, ...tlsOptions(options) });
  return { socket, ready: settle(socket, 'secureConnect', options) };
}
