import type { HttpEvent } from '../../lambdas/handlers/http/types.js';

export interface EventOptions {
  method?: string;
  resource: string;
  path?: string;
  body?: string | object;
  headers?: Record<string, string>;
  query?: Record<string, string | string[]>;
  pathParameters?: Record<string, string>;
  /** The authorizer's context: the user and its permissions; null for an unauthenticated request. */
  permissions?: string[] | null;
}

/** An API Gateway REST proxy event, as the gateway hands it to a function after the authorizer. */
export function apiEvent(options: EventOptions): HttpEvent {
  const multi: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(options.query ?? {})) multi[k] = Array.isArray(v) ? v : [v];
  const body =
    options.body === undefined
      ? null
      : typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
  const permissions =
    options.permissions === undefined ? ['webhooks:post_bounce', 'bounces:get'] : options.permissions;
  return {
    resource: options.resource,
    path: options.path ?? options.resource,
    httpMethod: options.method ?? 'GET',
    headers: options.headers ?? {},
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: Object.keys(multi).length ? multi : null,
    pathParameters: options.pathParameters ?? null,
    stageVariables: null,
    body,
    isBase64Encoded: false,
    requestContext: {
      authorizer:
        permissions === null
          ? null
          : { principalId: 'tester', user: 'tester', permissions: permissions.join(',') },
      identity: { userArn: null },
    } as unknown as HttpEvent['requestContext'],
  };
}
