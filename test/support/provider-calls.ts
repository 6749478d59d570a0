import type { ProviderOutcome, ProviderRequest } from '../../lambdas/core/providers/provider.js';
import { PROVIDER_DEPS } from './provider-fixtures.js';

type Headers = Record<string, string | undefined>;
type Handler<C> = {
  handle(request: ProviderRequest, config: C, deps: typeof PROVIDER_DEPS): Promise<ProviderOutcome>;
};

/**
 * A provider called as the webhook route calls it: `handle` sends a body (bytes as given, anything
 * else as JSON) with the default credentials unless told otherwise; `events` also insists the answer
 * is a list of events, so a test reads the bounces directly.
 */
export function providerCalls<C>(
  provider: Handler<C>,
  defaults: { headers: Headers; config: C },
): {
  handle: (body: unknown, headers?: Headers, config?: C) => Promise<ProviderOutcome>;
  events: (body: unknown) => Promise<Extract<ProviderOutcome, { kind: 'events' }>>;
} {
  const handle = async (body: unknown, headers = defaults.headers, config = defaults.config) => {
    const rawBody = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
    return provider.handle({ rawBody, headers }, config, PROVIDER_DEPS);
  };
  const events = async (body: unknown) => {
    const outcome = await handle(body);
    if (outcome.kind !== 'events') throw new Error(`unexpected outcome ${outcome.kind}`);
    return outcome;
  };
  return { handle, events };
}
