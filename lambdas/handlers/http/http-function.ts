import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { errorResponse } from './error-response.js';
import { withSecurityHeaders } from './security-headers.js';
import type { HttpEvent, HttpHandler, HttpResult } from './types.js';

/** Builds the handler on first use, so a cold start reads env and creates clients once. */
export function lazy(build: () => HttpHandler): HttpHandler {
  let built: HttpHandler | undefined;
  return (event, context) => {
    built ??= build();
    return built(event, context);
  };
}

/**
 * The one middy stack every HTTP function uses: the security headers on every answer (used first,
 * so they run last, after the error mapping too), the Lambda context in every log line, then our
 * error mapping (middy's own http-error-handler would answer in its own shape).
 */
export function httpFunction(handle: HttpHandler, logger: Logger) {
  const secure = async (request: { response: HttpResult | undefined | null }) => {
    if (request.response) request.response = withSecurityHeaders(request.response);
  };
  return middy<HttpEvent, HttpResult, Error, Context>()
    .use({ after: secure, onError: secure })
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use({
      onError: async (request) => {
        request.response = errorResponse(request.error, logger);
      },
    })
    .handler((event, context) => handle(event, context));
}
