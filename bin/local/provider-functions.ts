import type { Logger } from '@aws-lambda-powertools/logger';
import type { AnyProvider } from '../../lambdas/core/providers/provider.js';
import { PROVIDERS } from '../../lambdas/core/providers/registry.js';
import { httpFunction } from '../../lambdas/handlers/http/http-function.js';
import { type FunctionName, providerFunctionName } from '../../lambdas/handlers/routes.js';
import {
  createProviderWebhookHandler,
  type ProviderWebhookDeps,
} from '../../lambdas/handlers/webhooks/provider-webhook.js';

type Fn = ReturnType<typeof httpFunction>;

/** A function per registry provider over the local dependencies, keyed as in the route table. */
export function providerFunctions(
  deps: ProviderWebhookDeps,
  logger: Logger,
  providers: readonly AnyProvider[] = PROVIDERS,
): Partial<Record<FunctionName, Fn>> {
  return Object.fromEntries(
    providers.map((p) => [
      providerFunctionName(p.name),
      httpFunction(createProviderWebhookHandler(p, deps), logger),
    ]),
  );
}
