import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent, Context } from 'aws-lambda';
import { isConsoleRequest, withoutChallenge } from '../../lambdas/handlers/console-assets.js';
import { errorResponse } from '../../lambdas/handlers/http/error-response.js';
import { message } from '../../lambdas/handlers/http/responses.js';
import { withSecurityHeaders } from '../../lambdas/handlers/http/security-headers.js';
import type { HttpEvent, HttpResult } from '../../lambdas/handlers/http/types.js';
import { type FunctionName, ROUTES } from '../../lambdas/handlers/routes.js';
import { lambdaContext, routeMatcher, toAuthorizerEvent, toProxyEvent } from './to-event.js';

/** What API Gateway would call: the wrapped Lambda handlers and the REQUEST authorizer. */
export interface LocalFunctions {
  functions: Partial<Record<FunctionName, (event: HttpEvent, context: Context) => Promise<HttpResult>>>;
  authorize: (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;
  logger: Logger;
  /** The console's static files at `/console/` (lambdas/handlers/console-assets.ts). */
  console?: (path: string) => HttpResult;
}

/** API Gateway refuses bodies over 10 MB itself; the handlers enforce the service's own 1 MB cap. */
const GATEWAY_MAX_BODY = 10 * 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > GATEWAY_MAX_BODY) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Answers made here (404, 413, the authorizer's 401, the console) carry the security headers as API Gateway's do. */
function send(res: ServerResponse, result: HttpResult): void {
  const headers: Record<string, string | number | boolean> = {
    ...(withSecurityHeaders(result).headers ?? {}),
  };
  res.writeHead(result.statusCode, headers as Record<string, string>);
  res.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
}

/**
 * Serves the route table over node:http the way API Gateway does: the authorizer first for API
 * routes, then the function the route names, with the same proxy event. Nothing is reimplemented.
 */
export function createHttpServer(parts: LocalFunctions): Server {
  const match = routeMatcher(ROUTES);
  return createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (parts.console && (url.pathname === '/console' || url.pathname.startsWith('/console/'))) {
        return send(
          res,
          req.method === 'GET' ? parts.console(url.pathname) : message(405, 'method not allowed'),
        );
      }
      const matched = match(req.method ?? 'GET', url.pathname);
      if (!matched) return send(res, message(404, 'not found'));
      const body = await readBody(req);
      if (body === null) return send(res, message(413, 'body is larger than the gateway accepts'));
      let authorizer: Record<string, string> | null = null;
      if (matched.route.auth === 'api') {
        try {
          const answer = await parts.authorize(toAuthorizerEvent(req, url, matched));
          authorizer = { principalId: answer.principalId, ...(answer.context as Record<string, string>) };
        } catch (error) {
          const refused = errorResponse(error, parts.logger);
          return send(res, isConsoleRequest(req.headers) ? withoutChallenge(refused) : refused);
        }
      }
      const event = toProxyEvent(req, url, matched, body, authorizer);
      const fn = parts.functions[matched.route.fn];
      if (!fn) return send(res, message(404, 'not found'));
      send(res, await fn(event, lambdaContext(`stmails-${matched.route.fn}`)));
    } catch (error) {
      send(res, errorResponse(error, parts.logger));
    }
  });
}

export async function listen(server: Server, port: number, host = '127.0.0.1'): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return `http://${host}:${address.port}`;
}
