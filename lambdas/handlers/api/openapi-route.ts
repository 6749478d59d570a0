import type { HttpHandler } from '../http/types.js';
import document from './openapi.json' with { type: 'json' };

const body = JSON.stringify(document);

/** `GET /api/openapi.json`: public, holds no data. */
export function openApiRoute(): HttpHandler {
  return async () => ({
    statusCode: 200,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'public, max-age=300' },
    body,
  });
}
