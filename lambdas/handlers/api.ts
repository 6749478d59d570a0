import { Metrics } from '@aws-lambda-powertools/metrics';
import { NotFoundError } from '../core/errors.js';
import type { ScanReport } from '../core/mailbox/scan-report.js';
import type { StatsStore } from '../core/stats/ports.js';
import { deleteBounceRoute, deleteBouncesRoute } from './api/delete-bounces.js';
import { getBounceRoute } from './api/get-bounce.js';
import { listBouncesRoute } from './api/list-bounces.js';
import { mailboxTestRoute } from './api/mailbox-test-route.js';
import { openApiRoute } from './api/openapi-route.js';
import { listDeliveriesRoute, retryDeliveryRoute, schemasRoute } from './api/outbound-routes.js';
import { scanRoute } from './api/scan-route.js';
import { getSettingsRoute, putSettingsRoute, settingsSchemaRoute } from './api/settings-routes.js';
import { statsRoute } from './api/stats-route.js';
import { listStuckRoute, releaseStuckRoute } from './api/stuck-routes.js';
import {
  deleteSubscriberBouncesRoute,
  findSubscriberRoute,
  getSubscriberRoute,
  listSubscriberBouncesRoute,
  putSubscribersRoute,
  reenableSubscriberRoute,
} from './api/subscriber-routes.js';
import { awsDeps, type Deps } from './deps.js';
import { httpFunction, lazy } from './http/http-function.js';
import { decodePathParameters, rawBody } from './http/request.js';
import { guardRoute } from './http/route-guard.js';
import type { HttpHandler } from './http/types.js';
import { logger } from './logger.js';
import { awsMailboxDeps, type MailboxDeps } from './mailbox-deps.js';
import { routeKey } from './routes.js';
import { METRICS_NAMESPACE, METRICS_SERVICE, publishScanMetrics } from './scan-metrics.js';

/** Without a counter store (tests that build their own deps), every day reads as empty. */
const NO_STATS: StatsStore = {
  increment: async () => {},
  decrement: async () => {},
  read: async () => new Map(),
  replace: async () => {},
};

/** The `/api/*` function: dispatches on API Gateway's resource path, checking each route's permission. */
export function createApiHandler(
  deps: Deps & {
    mailboxes: MailboxDeps;
    onScanReport?: (report: ScanReport) => void;
    /** The connection test; POP3 over the network unless given (tests pass one trusting their CA). */
  },
): HttpHandler {
  const byRoute: Record<string, HttpHandler> = {
    [routeKey('GET', '/api/bounces')]: listBouncesRoute(deps.record.bounces),
    [routeKey('GET', '/api/bounces/{id}')]: getBounceRoute(deps.record.bounces),
    [routeKey('DELETE', '/api/bounces')]: deleteBouncesRoute(deps.record.bounces),
    [routeKey('DELETE', '/api/bounces/{id}')]: deleteBounceRoute(deps.record.bounces),
    [routeKey('PUT', '/api/subscribers')]: putSubscribersRoute(deps.record),
    [routeKey('GET', '/api/subscribers')]: findSubscriberRoute(deps.record),
    [routeKey('GET', '/api/subscribers/{uuid}')]: getSubscriberRoute(deps.record),
    [routeKey('GET', '/api/subscribers/{uuid}/bounces')]: listSubscriberBouncesRoute(deps.record),
    [routeKey('DELETE', '/api/subscribers/{uuid}/bounces')]: deleteSubscriberBouncesRoute(deps.record),
    [routeKey('POST', '/api/subscribers/{uuid}/reenable')]: reenableSubscriberRoute(deps.record),
    [routeKey('GET', '/api/settings/bounce')]: getSettingsRoute(deps.settings),
    [routeKey('PUT', '/api/settings/bounce')]: putSettingsRoute(deps.settings),
    [routeKey('GET', '/api/settings/schema')]: settingsSchemaRoute(),
    [routeKey('GET', '/api/openapi.json')]: openApiRoute(),
    [routeKey('GET', '/api/stats')]: statsRoute({
      stats: deps.record.stats ?? NO_STATS,
      clock: deps.record.clock,
    }),
    [routeKey('POST', '/api/mailboxes/{uuid}/scan')]: scanRoute({ ...deps, onReport: deps.onScanReport }),
    [routeKey('GET', '/api/mailboxes/{uuid}/stuck')]: listStuckRoute(deps),
    [routeKey('POST', '/api/mailboxes/{uuid}/stuck/release')]: releaseStuckRoute(deps),
    [routeKey('POST', '/api/mailboxes/{uuid}/test')]: mailboxTestRoute(deps),
    [routeKey('GET', '/api/outbound/schemas')]: schemasRoute(),
  };
  if (deps.outbound) {
    const outbound = { ...deps.outbound, clock: deps.record.clock };
    byRoute[routeKey('GET', '/api/outbound/deliveries')] = listDeliveriesRoute(outbound);
    byRoute[routeKey('POST', '/api/outbound/deliveries/{id}/retry')] = retryDeliveryRoute(outbound);
  }
  return async (event, context) => {
    const route = guardRoute(event, deps.authMode);
    const handle = route.fn === 'api' ? byRoute[routeKey(route.method, route.path)] : undefined;
    if (!handle) throw new NotFoundError();
    // The body cap holds on every route, also those that read no body.
    if (event.body) rawBody(event);
    return handle(decodePathParameters(event), context);
  };
}

const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE });

export const handler = httpFunction(
  lazy(() =>
    createApiHandler({
      ...awsDeps(),
      mailboxes: awsMailboxDeps(),
      // A manual scan that meets a failure or makes a message stuck alarms like a scheduled one.
      onScanReport: (report) => publishScanMetrics(metrics, report),
    }),
  ),
  logger,
);
