import net from 'node:net';

export type Cut =
  /** Cut after `count` client commands matching `command`, halfway through the server's reply to it. */
  | { during: RegExp; count?: number }
  /** Let the matching client command reach the server, then cut before its reply reaches the client. */
  | { after: RegExp }
  /** Cut when the client sends the matching command, before the server sees it. */
  | { before: RegExp }
  /** Let the matching command reach the server, then hold back every reply from then on (a stall). */
  | { stall: RegExp };

/**
 * A TCP proxy on 127.0.0.1 in front of a real server that cuts the connection at a chosen command,
 * the way a network or a server crash would, or stalls it there, the way a hung server would.
 * Connections without a cut pass through untouched.
 */
export class CuttingProxy {
  cut: Cut | undefined;
  cuts = 0;
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    private readonly server: net.Server,
    private readonly target: { host: string; port: number },
  ) {}

  static async start(target: { host: string; port: number }): Promise<CuttingProxy> {
    const server = net.createServer();
    const proxy = new CuttingProxy(server, target);
    server.on('connection', (client) => proxy.relay(client));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: net.Socket): void {
    const upstream = net.connect(this.target);
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        this.sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    const cut = this.cut;
    let seen = 0;
    let cutNextReply: 'half' | 'all' | 'stall' | undefined;
    const drop = () => {
      this.cuts++;
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1');
      if (cut && 'before' in cut && cut.before.test(text)) return drop();
      upstream.write(chunk);
      if (cut && 'after' in cut && cut.after.test(text)) cutNextReply = 'all';
      if (cut && 'stall' in cut && cut.stall.test(text) && cutNextReply !== 'stall') {
        this.cuts++;
        cutNextReply = 'stall';
      }
      if (cut && 'during' in cut && cut.during.test(text) && ++seen === (cut.count ?? 1))
        cutNextReply = 'half';
    });
    upstream.on('data', (chunk: Buffer) => {
      if (cutNextReply === 'stall') return;
      if (cutNextReply === 'all') return drop();
      if (cutNextReply === 'half') {
        client.write(chunk.subarray(0, Math.max(1, Math.floor(chunk.length / 2))), () => drop());
        return;
      }
      client.write(chunk);
    });
  }
}
