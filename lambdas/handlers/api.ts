import { NotFoundError } from '../core/errors.js';
import { deleteBounceRoute, deleteBouncesRoute } from './api/delete-bounces.js';
import { getBounceRoute } from './api/get-bounce.js';
import { listBouncesRoute } from './api/list-bounces.js';
import { mailboxTestRoute } from './api/mailbox-test-route.js';
import { openApiRoute } from './api/openapi-route.js';
import { scanRoute } from './api/scan-route.js';
import { getSettingsRoute, putSettingsRoute } from './api/settings-routes.js';
import {
  deleteSubscriberBouncesRoute,
  getSubscriberRoute,
  listSubscriberBouncesRoute,
  putSubscribersRoute,
} from './api/subscriber-routes.js';
import { awsDeps, type Deps } from './deps.js';
import { httpFunction, lazy } from './http/http-function.js';
import { guardRoute } from './http/route-guard.js';
import type { HttpHandler } from './http/types.js';
import { logger } from './logger.js';
import { awsMailboxDeps, type MailboxDeps } from './mailbox-deps.js';
import { routeKey } from './routes.js';

/** The `/api/*` function: dispatches on API Gateway's resource path, checking each route's permission. */
export function createApiHandler(deps: Deps & { mailboxes: MailboxDeps }): HttpHandler {
  const byRoute: Record<string, HttpHandler> = {
    [routeKey('GET', '/api/bounces')]: listBouncesRoute(deps.record.bounces),
    [routeKey('GET', '/api/bounces/{id}')]: getBounceRoute(deps.record.bounces),
    [routeKey('DELETE', '/api/bounces')]: deleteBouncesRoute(deps.record.bounces),
    [routeKey('DELETE', '/api/bounces/{id}')]: deleteBounceRoute(deps.record.bounces),
    [routeKey('PUT', '/api/subscribers')]: putSubscribersRoute(deps.record),
    [routeKey('GET', '/api/subscribers/{uuid}')]: getSubscriberRoute(deps.record),
    [routeKey('GET', '/api/subscribers/{uuid}/bounces')]: listSubscriberBouncesRoute(deps.record),
    [routeKey('DELETE', '/api/subscribers/{uuid}/bounces')]: deleteSubscriberBouncesRoute(deps.record),
    [routeKey('GET', '/api/settings/bounce')]: getSettingsRoute(deps.settings),
    [routeKey('PUT', '/api/settings/bounce')]: putSettingsRoute(deps.settings),
    [routeKey('GET', '/api/openapi.json')]: openApiRoute(),
    [routeKey('POST', '/api/mailboxes/{uuid}/scan')]: scanRoute(deps),
    [routeKey('POST', '/api/mailboxes/{uuid}/test')]: mailboxTestRoute(deps),
  };
  return async (event) => {
    const route = guardRoute(event, deps.authMode);
    const handle = route.fn === 'api' ? byRoute[routeKey(route.method, route.path)] : undefined;
    if (!handle) throw new NotFoundError();
    return handle(event);
  };
}

export const handler = httpFunction(
  lazy(() => createApiHandler({ ...awsDeps(), mailboxes: awsMailboxDeps() })),
  logger,
);
