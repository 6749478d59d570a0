import type { HttpResult } from './types.js';

const JSON_HEADERS = { 'Content-Type': 'application/json; charset=utf-8' };

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return { statusCode, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

export function ok(data: unknown, headers: Record<string, string> = {}): HttpResult {
  return json(200, { data }, headers);
}

export function message(statusCode: number, text: string, headers: Record<string, string> = {}): HttpResult {
  return json(statusCode, { message: text }, headers);
}
