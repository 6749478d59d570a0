import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { vi } from 'vitest';

export interface Received {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  /** Parsed only when the signature verified. */
  payload: unknown;
  verified: boolean;
  /** The status the receiver answered. */
  answered: number;
}

export type Behaviour = 'ok' | 'down' | 'hang' | number;

/**
 * A Standard Webhooks receiver on loopback: verifies each request with the `standardwebhooks` library
 * (as a real receiver would, its clock set to the signing time the test's fake clock chose), dedupes by
 * webhook-id like the README tells receivers to, and answers as told.
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  /** Answers in turn; the last one repeats. */
  plan: Behaviour[] = ['ok'];
  private server!: Server;
  private hanging: ServerResponse[] = [];
  url = '';

  constructor(private readonly secret: string) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
    return this;
  }

  /** Deliveries that verified and were acknowledged (2xx), first copy per webhook-id. */
  get delivered(): Received[] {
    const seen = new Set<string>();
    return this.received.filter((r) => r.verified && r.answered < 300 && !seen.has(r.id) && seen.add(r.id));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const behaviour = this.plan.length > 1 ? (this.plan.shift() as Behaviour) : (this.plan[0] as Behaviour);
    if (behaviour === 'down') {
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    if (behaviour === 'hang') {
      this.hanging.push(res);
      return;
    }
    const headers = {
      'webhook-id': String(req.headers['webhook-id'] ?? ''),
      'webhook-timestamp': String(req.headers['webhook-timestamp'] ?? ''),
      'webhook-signature': String(req.headers['webhook-signature'] ?? ''),
    };
    let payload: unknown;
    let verified = false;
    vi.useFakeTimers({ toFake: ['Date'], now: Number(headers['webhook-timestamp']) * 1000 });
    try {
      payload = new Webhook(this.secret).verify(body, headers);
      verified = true;
    } catch {
      verified = false;
    } finally {
      vi.useRealTimers();
    }
    const status = !verified ? 401 : behaviour === 'ok' ? 204 : behaviour;
    this.received.push({
      answered: status,
      id: headers['webhook-id'],
      timestamp: headers['webhook-timestamp'],
      signature: headers['webhook-signature'],
      body,
      payload,
      verified,
    });
    res.writeHead(status).end();
  }

  async close(): Promise<void> {
    for (const r of this.hanging) r.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
