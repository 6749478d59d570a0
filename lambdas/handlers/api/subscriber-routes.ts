import { parseBounceQuery, refuseUnknownParams, singleParam } from '../../core/bounces/bounce-query.js';
import { NotFoundError, ValidationError } from '../../core/errors.js';
import type { BounceStore, Clock, EventPublisher, SubscriberStore } from '../../core/ports.js';
import { findSubscriber, findSubscriberByEmail } from '../../core/subscribers/find-subscriber.js';
import { reenableSubscriber } from '../../core/subscribers/reenable-subscriber.js';
import type { Subscriber } from '../../core/subscribers/subscriber.js';
import { upsertSubscribers } from '../../core/subscribers/upsert-subscribers.js';
import { isUuid, normaliseUuid } from '../../core/uuid.js';
import { callerName } from '../http/permission.js';
import { jsonBody, queryParams } from '../http/request.js';
import { ok } from '../http/responses.js';
import type { HttpEvent, HttpHandler } from '../http/types.js';
import { bounceJson } from './bounce-json.js';
import { DELETE_BATCH } from './delete-bounces.js';
import { jsonPage } from './list-bounces.js';
import { pageWithinBudget } from './page-budget.js';

export interface SubscriberRouteDeps {
  subscribers: SubscriberStore;
  bounces: BounceStore;
  clock: Clock;
  events: EventPublisher;
}

async function subscriberOf(deps: SubscriberRouteDeps, event: HttpEvent): Promise<Subscriber> {
  const raw = event.pathParameters?.uuid ?? '';
  if (!isUuid(raw)) throw new ValidationError('uuid', 'must be a UUID');
  const uuid = normaliseUuid(raw);
  const subscriber = await deps.subscribers.findByUuid(uuid);
  if (!subscriber) throw new NotFoundError(`subscriber ${uuid} not found`);
  return subscriber;
}

/** `PUT /api/subscribers`: bulk upsert with an answer per item. */
export function putSubscribersRoute(deps: SubscriberRouteDeps): HttpHandler {
  return async (event) => {
    const body = jsonBody(event);
    const items = Array.isArray(body) ? body : (body as { subscribers?: unknown } | null)?.subscribers;
    const results = await upsertSubscribers(deps.subscribers, deps.clock, items ?? body);
    const tally = (outcome: string) => results.filter((r) => r.outcome === outcome).length;
    return ok({ created: tally('created'), updated: tally('updated'), errors: tally('error'), results });
  };
}

/** The API's subscriber object: status, lists, bounce counts per type, action history. */
async function subscriberJson(deps: SubscriberRouteDeps, s: Subscriber) {
  return {
    uuid: s.uuid ?? null,
    email: s.email,
    name: s.name ?? null,
    status: s.status,
    lists: s.lists,
    bounce_counts: await deps.bounces.countByType(s.email),
    history: s.history,
    created_at: s.created_at,
    updated_at: s.updated_at,
  };
}

/** `GET /api/subscribers/{uuid}`: status, lists, bounce counts per type, action history. */
export function getSubscriberRoute(deps: SubscriberRouteDeps): HttpHandler {
  return async (event) => ok(await subscriberJson(deps, await subscriberOf(deps, event)));
}

/**
 * `GET /api/subscribers?email=`: anyone by address, also a bare record a bounce created (its uuid is
 * null until an import supplies the app's uuid).
 */
export function findSubscriberRoute(deps: SubscriberRouteDeps): HttpHandler {
  return async (event) => {
    const params = queryParams(event);
    refuseUnknownParams(params, ['email']);
    const email = singleParam(params, 'email');
    if (email === undefined) throw new ValidationError('email', 'is required: the address to look up');
    return ok(await subscriberJson(deps, await findSubscriberByEmail(deps.subscribers, email)));
  };
}

/**
 * `POST /api/subscribers/{uuid-or-email}/reenable`: status back to enabled, actions re-armed, lists
 * as they are; answers the record as it is now.
 */
export function reenableSubscriberRoute(deps: SubscriberRouteDeps): HttpHandler {
  return async (event) => {
    refuseUnknownParams(queryParams(event), []);
    const found = await findSubscriber(deps.subscribers, event.pathParameters?.uuid ?? '', 'uuid');
    await reenableSubscriber(deps, found, callerName(event));
    return ok(await subscriberJson(deps, await findSubscriberByEmail(deps.subscribers, found.email)));
  };
}

/** `GET /api/subscribers/{uuid}/bounces`: the subscriber's bounces, paged (and cut by bytes) like the bounce list. */
export function listSubscriberBouncesRoute(deps: SubscriberRouteDeps): HttpHandler {
  return async (event) => {
    const params = queryParams(event);
    refuseUnknownParams(params, ['type', 'from', 'to', 'order', 'per_page', 'cursor']);
    const s = await subscriberOf(deps, event);
    const query = { ...parseBounceQuery(params), email: s.email };
    const { page, rows } = await pageWithinBudget(deps.bounces, query, (b) => JSON.stringify(bounceJson(b)));
    return jsonPage(rows, query.per_page, page.next_cursor);
  };
}

/** `DELETE /api/subscribers/{uuid}/bounces`: a bounded batch; repeat while `more`. */
export function deleteSubscriberBouncesRoute(deps: SubscriberRouteDeps): HttpHandler {
  return async (event) => {
    refuseUnknownParams(queryParams(event), []);
    const s = await subscriberOf(deps, event);
    return ok(await deps.bounces.deleteMatching({ email: s.email }, DELETE_BATCH));
  };
}
