import { providerNamed } from '../../core/providers/registry.js';
import { PROVIDER_ENV } from '../routes.js';
import { providerFunction } from './provider-function.js';

/**
 * `POST /webhooks/service/<name>`: the handler of every provider function; the stack sets
 * `STMAILS_PROVIDER` to the registry name the function serves (lib/bounce-stack.ts).
 */
export const handler = providerFunction(() => {
  const name = process.env[PROVIDER_ENV] ?? '';
  const provider = providerNamed(name);
  if (!provider) throw new Error(`${PROVIDER_ENV} names no registered provider: ${JSON.stringify(name)}`);
  return provider;
});
