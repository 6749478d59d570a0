import type { Clock } from '../ports.js';
import { outcomeOfStatus } from './backoff.js';
import type { EventDocument } from './event-document.js';
import { byEmailQuery, byUuidQuery } from './listmonk-query.js';
import type { OutboundSettings, StmailsSink, WebhookSink } from './outbound-settings.js';
import { SES_SINK, STMAILS_SINK } from './outbound-settings.js';
import {
  type DeliveryOutcome,
  type HttpClient,
  type HttpRequest,
  type HttpResponse,
  SendError,
  type SuppressionList,
  type WebhookSigner,
} from './ports.js';

export interface SinkDeps {
  http: HttpClient;
  signer: WebhookSigner;
  suppression: SuppressionList;
  clock: Clock;
}

const USER_AGENT = 'stmails-bounce-outbound/1';

class Stop extends Error {
  constructor(readonly outcome: DeliveryOutcome) {
    super('stop');
  }
}

/** Sends one request; a transport failure or a non-2xx answer stops the delivery with its outcome. */
async function call(deps: SinkDeps, request: HttpRequest, what: string): Promise<HttpResponse> {
  let res: HttpResponse;
  try {
    res = await deps.http.send(request);
  } catch (error) {
    if (error instanceof SendError)
      throw new Stop({ kind: error.retryable ? 'retry' : 'final', error: `${what}: ${error.message}` });
    throw error;
  }
  const outcome = outcomeOfStatus(res.status, what, res.body);
  if (outcome.kind !== 'delivered') throw new Stop(outcome);
  return res;
}

async function settle(run: () => Promise<DeliveryOutcome>): Promise<DeliveryOutcome> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof Stop) return error.outcome;
    throw error;
  }
}

/** POSTs the document signed per Standard Webhooks; receivers dedupe by `webhook-id`. */
export function deliverWebhook(deps: SinkDeps, hook: WebhookSink, doc: EventDocument) {
  return settle(async () => {
    const body = JSON.stringify(doc);
    const at = deps.clock.now();
    const id = doc.data.event_id;
    await call(
      deps,
      {
        method: 'POST',
        url: hook.url,
        headers: {
          'content-type': 'application/json',
          'user-agent': USER_AGENT,
          'webhook-id': id,
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': deps.signer.sign(hook.secret, id, at, body),
        },
        body,
      },
      'webhook',
    );
    return { kind: 'delivered' };
  });
}

function apiUrl(base: string, path: string): string {
  // A loop, not /\/+$/: that pattern is quadratic on a long run of slashes followed by another character.
  let end = base.length;
  while (end > 0 && base[end - 1] === '/') end--;
  return `${base.slice(0, end)}${path}`;
}

function stmailsHeaders(sink: StmailsSink): Record<string, string> {
  return {
    authorization: `token ${sink.username}:${sink.token}`,
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
  };
}

interface AppSubscriber {
  id: number;
  lists: { id: number }[];
}

function parseResults(body: string): AppSubscriber[] {
  try {
    const results = (JSON.parse(body) as { data?: { results?: unknown } }).data?.results;
    if (!Array.isArray(results)) return [];
    return results
      .filter((r): r is AppSubscriber => typeof (r as AppSubscriber)?.id === 'number')
      .map((r) => ({
        id: r.id,
        lists: Array.isArray(r.lists) ? r.lists.filter((l) => typeof l?.id === 'number') : [],
      }));
  } catch {
    throw new Stop({ kind: 'retry', error: 'stmails lookup: the answer is not JSON' });
  }
}

/** The app's subscriber: by uuid when we have one, else by address (DESIGN §10). */
async function findInApp(deps: SinkDeps, sink: StmailsSink, doc: EventDocument) {
  const { uuid, email } = doc.data.subscriber;
  const queries = [...(uuid ? [byUuidQuery(uuid)] : []), ...(email ? [byEmailQuery(email)] : [])];
  for (const query of queries) {
    const params = new URLSearchParams({ query, page: '1', per_page: '1' });
    const res = await call(
      deps,
      {
        method: 'GET',
        url: apiUrl(sink.url, `/api/subscribers?${params}`),
        headers: stmailsHeaders(sink),
      },
      'stmails lookup',
    );
    const [found] = parseResults(res.body);
    if (found) return found;
  }
  return null;
}

/** `apply_actions`: does in the app what was decided here (blocklist, unsubscribe, delete). */
export function applyInStmails(deps: SinkDeps, sink: StmailsSink, doc: EventDocument) {
  return settle(async (): Promise<DeliveryOutcome> => {
    const found = await findInApp(deps, sink, doc);
    if (!found) return { kind: 'delivered', note: 'the app has no such subscriber: nothing to apply' };
    const headers = stmailsHeaders(sink);
    if (doc.type === 'subscriber.blocklisted') {
      await call(
        deps,
        {
          method: 'PUT',
          url: apiUrl(sink.url, '/api/subscribers/blocklist'),
          headers,
          body: JSON.stringify({ ids: [found.id] }),
        },
        'stmails blocklist',
      );
    } else if (doc.type === 'subscriber.unsubscribed') {
      const lists = found.lists.map((l) => l.id);
      if (lists.length === 0) return { kind: 'delivered', note: 'the subscriber is on no list in the app' };
      await call(
        deps,
        {
          method: 'PUT',
          url: apiUrl(sink.url, '/api/subscribers/lists'),
          headers,
          body: JSON.stringify({ ids: [found.id], action: 'unsubscribe', target_list_ids: lists }),
        },
        'stmails unsubscribe',
      );
    } else if (doc.type === 'subscriber.deleted') {
      await call(
        deps,
        { method: 'DELETE', url: apiUrl(sink.url, `/api/subscribers/${found.id}`), headers },
        'stmails delete',
      );
    }
    return { kind: 'delivered' };
  });
}

/** `forward_bounces`: the bounce goes to the app's own bounce webhook, whose rules then decide. */
export function forwardToStmails(deps: SinkDeps, sink: StmailsSink, doc: EventDocument) {
  return settle(async (): Promise<DeliveryOutcome> => {
    const b = doc.data.bounce;
    if (!b) return { kind: 'final', error: 'the event carries no bounce' };
    const { uuid, email } = doc.data.subscriber;
    const body = {
      ...(email ? { email } : {}),
      ...(uuid ? { subscriber_uuid: uuid } : {}),
      ...(b.campaign_uuid ? { campaign_uuid: b.campaign_uuid } : {}),
      source: b.source,
      type: b.type,
      meta: { reason: b.reason, status: b.status, bounce_id: b.id },
      ...(b.created_at ? { created_at: b.created_at } : {}),
    };
    await call(
      deps,
      {
        method: 'POST',
        url: apiUrl(sink.url, '/webhooks/bounce'),
        headers: stmailsHeaders(sink),
        body: JSON.stringify(body),
      },
      'stmails bounce webhook',
    );
    return { kind: 'delivered' };
  });
}

/** Hard bounces and complaints onto the SES account-level suppression list; re-enabling removes. */
export async function applySuppression(deps: SinkDeps, doc: EventDocument): Promise<DeliveryOutcome> {
  const email = doc.data.subscriber.email;
  if (!email) return { kind: 'final', error: 'the event carries no address' };
  try {
    if (doc.type === 'subscriber.reenabled') await deps.suppression.remove(email);
    else await deps.suppression.put(email, doc.data.bounce?.type === 'complaint' ? 'COMPLAINT' : 'BOUNCE');
    return { kind: 'delivered' };
  } catch (error) {
    if (error instanceof SendError)
      return { kind: error.retryable ? 'retry' : 'final', error: `SES: ${error.message}` };
    throw error;
  }
}

/** Delivers one event to one sink as configured now; a sink removed since is a final failure. */
export type DeliverySink = string;

export function deliverTo(
  deps: SinkDeps,
  outbound: OutboundSettings,
  sink: string,
  doc: EventDocument,
): Promise<DeliveryOutcome> {
  if (sink === STMAILS_SINK) {
    const s = outbound.stmails;
    if (!s.enabled) return Promise.resolve({ kind: 'retry', error: 'outbound.stmails is disabled' });
    return s.mode === 'forward_bounces' && doc.type === 'bounce.recorded'
      ? forwardToStmails(deps, s, doc)
      : applyInStmails(deps, s, doc);
  }
  if (sink === SES_SINK) {
    if (!outbound.ses_suppression.enabled)
      return Promise.resolve({ kind: 'retry', error: 'outbound.ses_suppression is disabled' });
    return applySuppression(deps, doc);
  }
  const hook = outbound.webhooks.find((w) => `webhook:${w.uuid}` === sink);
  if (!hook) return Promise.resolve({ kind: 'final', error: 'the webhook was removed from the settings' });
  if (!hook.enabled) return Promise.resolve({ kind: 'retry', error: 'the webhook is disabled' });
  return deliverWebhook(deps, hook, doc);
}
