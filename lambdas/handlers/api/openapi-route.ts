import type { HttpHandler } from '../http/types.js';
import { openApiDocument } from './openapi-document.js';

const body = JSON.stringify(openApiDocument());

/** `GET /api/openapi.json`: public, holds no data. */
export function openApiRoute(): HttpHandler {
  return async () => ({
    statusCode: 200,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'public, max-age=300' },
    body,
  });
}
