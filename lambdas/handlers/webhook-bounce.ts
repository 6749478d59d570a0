import type { Logger } from '@aws-lambda-powertools/logger';
import { ingestGenericBounce } from '../core/ingestion/ingest-generic-bounce.js';
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
    const result = await ingestGenericBounce(
      {
        record: deps.record,
        settings: deps.settings,
        log: { info: (m, a) => log.info(m, a), warn: (m, a) => log.info(m, a) },
      },
      { body: () => jsonBody(event), idempotencyKey: header(event, 'idempotency-key') },
    );
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
