import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TokenRequestSeen {
  form: Record<string, string>;
}

/**
 * A small OAuth2 token and introspection server on 127.0.0.1, for the sign-in tests: `POST /token`
 * hands out access tokens (client-credentials or refresh-token grant), `POST /introspect` is what
 * dovecot's oauth2 passdb asks (`token=...`) and answers `{"active": true, "username": "<login>"}`
 * for a live token. Knobs: refuse a refresh token (`invalid_grant`), rotate refresh tokens, revoke
 * the tokens handed out so far.
 */
export class OAuth2TestServer {
  readonly requests: TokenRequestSeen[] = [];
  /** Live access tokens and the login each is for. */
  private readonly live = new Map<string, string>();
  /** Refresh tokens the server accepts, and the login each is for. */
  readonly refreshTokens = new Map<string, string>();
  /** Client credentials accepted for the client-credentials grant: client_id -> [secret, login]. */
  readonly clients = new Map<string, { secret: string; login: string }>();
  /** Answer each refresh with a new refresh token (and retire the old one). */
  rotate = false;
  expiresIn = 3600;
  introspections = 0;

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<OAuth2TestServer> {
    const server = http.createServer();
    const instance = new OAuth2TestServer(server);
    server.on('request', (req, res) => instance.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return instance;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get tokenUrl(): string {
    return `${this.url}/token`;
  }

  get introspectionUrl(): string {
    return `${this.url}/introspect`;
  }

  /** Every access token handed out so far stops working (the server still answers, `active: false`). */
  revokeAccessTokens(): void {
    this.live.clear();
  }

  /** An access token for `login`, as if handed out earlier. */
  issue(login: string): string {
    const token = `at-${randomBytes(12).toString('hex')}`;
    this.live.set(token, login);
    return token;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString()));
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (req.method === 'POST' && req.url === '/introspect') {
      this.introspections++;
      const login = this.live.get(form.token ?? '');
      return json(200, login ? { active: true, username: login } : { active: false });
    }
    if (req.method !== 'POST' || req.url !== '/token') return json(404, { error: 'not_found' });
    this.requests.push({ form });
    let login: string | undefined;
    let refresh: string | undefined;
    if (form.grant_type === 'client_credentials') {
      const client = this.clients.get(form.client_id ?? '');
      if (!client || client.secret !== form.client_secret) return json(401, { error: 'invalid_client' });
      login = client.login;
    } else if (form.grant_type === 'refresh_token') {
      login = this.refreshTokens.get(form.refresh_token ?? '');
      if (!login)
        return json(400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
      if (this.rotate) {
        this.refreshTokens.delete(form.refresh_token as string);
        refresh = `rt-${randomBytes(12).toString('hex')}`;
        this.refreshTokens.set(refresh, login);
      }
    } else {
      return json(400, { error: 'unsupported_grant_type' });
    }
    const token = this.issue(login);
    return json(200, {
      access_token: token,
      token_type: 'Bearer',
      expires_in: this.expiresIn,
      ...(refresh ? { refresh_token: refresh } : {}),
    });
  }
}
