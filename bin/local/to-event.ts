import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayRequestAuthorizerEvent, Context } from 'aws-lambda';
import type { HttpEvent } from '../../lambdas/handlers/http/types.js';
import type { Route } from '../../lambdas/handlers/routes.js';

export interface MatchedRoute {
  route: Route;
  pathParameters: Record<string, string>;
}

function compile(route: Route): RegExp {
  const escaped = route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.replace(/\{(\w+)\}/g, '(?<$1>[^/]+)')}$`);
}

/**
 * Matches method and path against the route table, as API Gateway's resource tree does. Path
 * parameters are handed over as the client sent them (still percent-encoded), as a REST API proxy
 * event carries them; the functions decode them, so a malformed escape is their 400, not a crash here.
 */
export function routeMatcher(routes: readonly Route[]) {
  const compiled = routes.map((route) => ({ route, re: compile(route) }));
  return (method: string, path: string): MatchedRoute | null => {
    for (const { route, re } of compiled) {
      if (route.method !== method) continue;
      const m = re.exec(path);
      if (m) {
        const params: Record<string, string> = {};
        for (const [k, v] of Object.entries(m.groups ?? {})) params[k] = v;
        return { route, pathParameters: params };
      }
    }
    return null;
  };
}

function headerMaps(req: IncomingMessage) {
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] as string;
    const value = req.rawHeaders[i + 1] as string;
    single[name] = value;
    multi[name] = [...(multi[name] ?? []), value];
  }
  return { single, multi };
}

function queryMaps(url: URL) {
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [k, v] of url.searchParams) {
    single[k] = v;
    multi[k] = [...(multi[k] ?? []), v];
  }
  const any = url.searchParams.size > 0;
  return { single: any ? single : null, multi: any ? multi : null };
}

const METHOD_ARN_PREFIX = 'arn:aws:execute-api:local:000000000000:local/local';

/** The REST API proxy event API Gateway would hand the function for this request. */
export function toProxyEvent(
  req: IncomingMessage,
  url: URL,
  matched: MatchedRoute,
  body: Buffer,
  authorizer: Record<string, string> | null,
): HttpEvent {
  const headers = headerMaps(req);
  const query = queryMaps(url);
  return {
    resource: matched.route.path,
    path: url.pathname,
    httpMethod: matched.route.method,
    headers: headers.single,
    multiValueHeaders: headers.multi,
    queryStringParameters: query.single,
    multiValueQueryStringParameters: query.multi,
    pathParameters: Object.keys(matched.pathParameters).length ? matched.pathParameters : null,
    stageVariables: null,
    body: body.length ? body.toString('utf8') : null,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer,
      httpMethod: matched.route.method,
      identity: { sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userArn: null },
      path: url.pathname,
      protocol: `HTTP/${req.httpVersion}`,
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: matched.route.path,
      stage: 'local',
    } as HttpEvent['requestContext'],
  };
}

export function toAuthorizerEvent(
  req: IncomingMessage,
  url: URL,
  matched: MatchedRoute,
): APIGatewayRequestAuthorizerEvent {
  const headers = headerMaps(req);
  return {
    type: 'REQUEST',
    methodArn: `${METHOD_ARN_PREFIX}/${matched.route.method}${url.pathname}`,
    resource: matched.route.path,
    path: url.pathname,
    httpMethod: matched.route.method,
    headers: headers.single,
    multiValueHeaders: headers.multi,
    pathParameters: matched.pathParameters,
    queryStringParameters: queryMaps(url).single,
    multiValueQueryStringParameters: queryMaps(url).multi,
    stageVariables: null,
    requestContext: {} as APIGatewayRequestAuthorizerEvent['requestContext'],
  };
}

export function lambdaContext(functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/local/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
