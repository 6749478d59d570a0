import type { Logger } from '@aws-lambda-powertools/logger';
import { recordBounce } from '../core/bounces/record-bounce.js';
import { DisabledError } from '../core/errors.js';
import { parseWebhookBounce } from '../core/ingestion/webhook-input.js';
import type { SettingsSource } from '../core/ports.js';
import { awsDeps, type Deps } from './deps.js';
import { httpFunction, lazy } from './http/http-function.js';
import { header, jsonBody, rawBody } from './http/request.js';
import { ok } from './http/responses.js';
import { guardRoute } from './http/route-guard.js';
import type { HttpHandler } from './http/types.js';
import { logger } from './logger.js';

/** `POST /webhooks/bounce`: one bounce from a script or a mail server (DESIGN §4). */
export interface WebhookDeps extends Pick<Deps, 'record' | 'authMode'> {
  settings: SettingsSource;
  /** Defaults to the function's logger; the local server and benchmarks pass their own. */
  logger?: Pick<Logger, 'info'>;
}

export function createWebhookBounceHandler(deps: WebhookDeps): HttpHandler {
  const log = deps.logger ?? logger;
  return async (event) => {
    guardRoute(event, deps.authMode);
    // An oversized body never succeeds: a final 413, before a 503 that would invite retries.
    rawBody(event);
    const settings = await deps.settings.get();
    if (!settings.enabled) throw new DisabledError('bounce processing (settings: enabled)');
    if (!settings.webhooks_enabled) throw new DisabledError('bounce webhooks (settings: webhooks_enabled)');
    const input = parseWebhookBounce(
      jsonBody(event),
      header(event, 'idempotency-key'),
      deps.record.clock.now(),
    );
    const result = await recordBounce(deps.record, settings, input);
    log.info('bounce recorded', {
      bounce_id: result.id,
      source: input.source,
      type: input.type,
      duplicate: result.duplicate,
      action: result.action,
    });
    return ok({
      id: result.id,
      stored: result.id !== null,
      duplicate: result.duplicate,
      action: result.action,
    });
  };
}

export const handler = httpFunction(
  lazy(() => createWebhookBounceHandler(awsDeps())),
  logger,
);
