import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { consoleAssets } from './console-assets.js';
import { httpFunction, lazy } from './http/http-function.js';
import { message } from './http/responses.js';
import type { HttpHandler, HttpResult } from './http/types.js';
import { logger } from './logger.js';

/**
 * `GET /console` and `GET /console/{file}` behind API Gateway. `event.path` is the path below the
 * stage, its trailing slash kept, so `/console` (redirected to `console/`) and `/console/` (the page)
 * stay apart; the files are the three the build writes, anything else is a 404.
 */
export function createConsoleHandler(serve: (path: string) => HttpResult): HttpHandler {
  return async (event) => {
    if (event.httpMethod !== 'GET') return message(405, 'method not allowed');
    const file = event.pathParameters?.file;
    if (file !== undefined) return serve(`/console/${file}`);
    return serve(event.path.endsWith('/') ? '/console/' : '/console');
  };
}

/** The bundling puts the built console beside the bundle (lib/console-construct.ts). */
const ASSETS = join(dirname(fileURLToPath(import.meta.url)), 'console');

export const handler = httpFunction(
  lazy(() => createConsoleHandler(consoleAssets(ASSETS))),
  logger,
);
