import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AppSubscriber {
  id: number;
  uuid: string;
  email: string;
  status: 'enabled' | 'blocklisted';
  lists: { id: number; subscription_status: string }[];
}

export interface Call {
  method: string;
  path: string;
  query: string | null;
  authorization: string | undefined;
  body: unknown;
}

/**
 * A listmonk stand-in that answers like its documented API (GET /api/subscribers?query=, PUT
 * /api/subscribers/blocklist, PUT /api/subscribers/lists, DELETE /api/subscribers/{id}, POST
 * /webhooks/bounce) and records the calls. Its `query` evaluator accepts only the two expressions the
 * sink may send, parsing the quoted literal the way PostgreSQL does: anything else is a 400, so an
 * address that escaped its quotes would show up as a refused (or different) query.
 */
export class FakeListmonk {
  readonly calls: Call[] = [];
  subscribers: AppSubscriber[] = [];
  private server!: Server;
  url = '';

  constructor(private readonly token = 'token api:secret-token') {}

  async start(): Promise<this> {
    this.server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const text = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://x');
      const call: Call = {
        method: req.method ?? '',
        path: url.pathname,
        query: url.searchParams.get('query'),
        authorization: req.headers.authorization,
        body: text ? JSON.parse(text) : null,
      };
      this.calls.push(call);
      const send = (status: number, data: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(data));
      if (call.authorization !== this.token) return send(403, { message: 'invalid credentials' });
      if (call.method === 'GET' && call.path === '/api/subscribers') {
        const found = this.evaluate(call.query ?? '');
        if (found === undefined) return send(400, { message: 'invalid query expression' });
        return send(200, {
          data: { results: found, query: call.query, total: found.length, per_page: 1, page: 1 },
        });
      }
      const body = call.body as { ids?: number[]; target_list_ids?: number[]; action?: string };
      if (call.method === 'PUT' && call.path === '/api/subscribers/blocklist') {
        for (const s of this.subscribers) if (body.ids?.includes(s.id)) s.status = 'blocklisted';
        return send(200, { data: true });
      }
      if (call.method === 'PUT' && call.path === '/api/subscribers/lists') {
        for (const s of this.subscribers)
          if (body.ids?.includes(s.id))
            for (const l of s.lists)
              if (body.target_list_ids?.includes(l.id)) l.subscription_status = 'unsubscribed';
        return send(200, { data: true });
      }
      const del = /^\/api\/subscribers\/(\d+)$/.exec(call.path);
      if (call.method === 'DELETE' && del) {
        this.subscribers = this.subscribers.filter((s) => s.id !== Number(del[1]));
        return send(200, { data: true });
      }
      if (call.method === 'POST' && call.path === '/webhooks/bounce') return send(200, { data: true });
      return send(404, { message: 'not found' });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Evaluates `subscribers.uuid = '<lit>'` or `LOWER(subscribers.email) = '<lit>'`; undefined if neither. */
  private evaluate(query: string): AppSubscriber[] | undefined {
    const m = /^(subscribers\.uuid|LOWER\(subscribers\.email\)) = '((?:[^']|'')*)'$/.exec(query);
    if (!m) return undefined;
    const value = (m[2] as string).replaceAll("''", "'");
    return this.subscribers.filter((s) =>
      m[1] === 'subscribers.uuid' ? s.uuid === value : s.email.toLowerCase() === value,
    );
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
