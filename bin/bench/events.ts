import type { BounceType } from '../../lambdas/core/bounces/bounce.js';
import type { HttpEvent } from '../../lambdas/handlers/http/types.js';

export const WEBHOOK_PATH = '/webhooks/bounce';
export const CAMPAIGN = '9f86b50d-5711-41c8-ab03-bc91c43d711b';

export interface WebhookBody {
  email: string;
  source: string;
  type: BounceType;
  campaign_uuid: string;
  meta: Record<string, unknown>;
  event_id?: string;
}

/**
 * The i-th bounce of a run: `addresses` distinct recipients in turn, one hard bounce in three, and an
 * event id on every other one, so runs mix new and known subscribers, actions and idempotency keys.
 */
export function webhookBody(i: number, addresses: number, run = 'bench'): WebhookBody {
  return {
    email: `user${i % addresses}@${run}.example.com`,
    source: 'bench',
    type: i % 3 === 0 ? 'hard' : 'soft',
    campaign_uuid: CAMPAIGN,
    meta: { reason: i % 3 === 0 ? 'user_unknown' : 'mailbox_full', status: '5.1.1', i },
    ...(i % 2 === 0 ? { event_id: `${run}-${i}` } : {}),
  };
}

/** The REST proxy event API Gateway hands the webhook function once the authorizer let the call in. */
export function webhookEvent(body: WebhookBody | string): HttpEvent {
  return {
    resource: WEBHOOK_PATH,
    path: WEBHOOK_PATH,
    httpMethod: 'POST',
    headers: { 'Content-Type': 'application/json' },
    multiValueHeaders: { 'Content-Type': ['application/json'] },
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'bench',
      authorizer: { principalId: 'bench', user: 'bench', permissions: 'webhooks:post_bounce' },
      httpMethod: 'POST',
      identity: { sourceIp: '127.0.0.1', userArn: null },
      path: WEBHOOK_PATH,
      protocol: 'HTTP/1.1',
      requestId: 'bench',
      requestTimeEpoch: 0,
      resourceId: 'bench',
      resourcePath: WEBHOOK_PATH,
      stage: 'bench',
    } as unknown as HttpEvent['requestContext'],
  };
}
