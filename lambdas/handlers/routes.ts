import type { Permission } from '../core/access/permissions.js';
import type { AnyProvider } from '../core/providers/provider.js';
import { PROVIDERS, type ProviderName } from '../core/providers/registry.js';

export interface FunctionSpec {
  /** Handler module, relative to the repository root. */
  entry: string;
  description: string;
  /** Set on this function only, beside what the stack gives every function. */
  environment?: Readonly<Record<string, string>>;
}

/** Every provider function runs this module; `STMAILS_PROVIDER` says which provider it serves. */
export const PROVIDER_ENTRY = 'lambdas/handlers/webhooks/provider.ts';
export const PROVIDER_ENV = 'STMAILS_PROVIDER';

export type ProviderFunctionName<N extends string = ProviderName> = `${N}Webhook`;

export function providerFunctionName<N extends string>(name: N): ProviderFunctionName<N> {
  return `${name}Webhook`;
}

/** One function per provider (DESIGN §2), from the registry. */
export function providerFunctions(providers: readonly AnyProvider[]): Record<string, FunctionSpec> {
  return Object.fromEntries(
    providers.map((p) => [
      providerFunctionName(p.name),
      {
        entry: PROVIDER_ENTRY,
        description: `${p.title} webhook`,
        environment: { [PROVIDER_ENV]: p.name },
      },
    ]),
  );
}

/** The Lambda functions; each serves the routes that name it. */
export const FUNCTIONS = {
  webhook: { entry: 'lambdas/handlers/webhook-bounce.ts', description: 'generic bounce webhook' },
  api: { entry: 'lambdas/handlers/api.ts', description: 'bounces, subscribers and settings API' },
  ...(providerFunctions(PROVIDERS) as Record<ProviderFunctionName, FunctionSpec>),
  /** No route: invoked after an outbound event is written, and every minute by EventBridge. */
  outboundDispatcher: {
    entry: 'lambdas/handlers/outbound-dispatcher.ts',
    description: 'delivers outbound events to sinks',
  },
  /** No route: EventBridge invokes it every minute. */
  mailboxScanner: {
    entry: 'lambdas/handlers/mailbox-scanner.ts',
    description: 'POP3 and IMAP bounce mailbox scanner',
  },
} as const satisfies Record<string, FunctionSpec>;
export type FunctionName = keyof typeof FUNCTIONS;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface Route {
  method: HttpMethod;
  /** API Gateway resource path; `{name}` is a path parameter. */
  path: string;
  /** A key of FUNCTIONS (of `providerFunctions(...)` for a registry other than the built-in one). */
  fn: FunctionName;
  /** `api`: an API user (basic/token via the authorizer, or IAM); `public`: no gateway auth. */
  auth: 'api' | 'public';
  permission?: Permission;
}

/** The routes besides the providers'. */
const API_ROUTES: readonly Route[] = [
  {
    method: 'POST',
    path: '/webhooks/bounce',
    fn: 'webhook',
    auth: 'api',
    permission: 'webhooks:post_bounce',
  },
  { method: 'GET', path: '/api/bounces', fn: 'api', auth: 'api', permission: 'bounces:get' },
  { method: 'GET', path: '/api/bounces/{id}', fn: 'api', auth: 'api', permission: 'bounces:get' },
  { method: 'DELETE', path: '/api/bounces', fn: 'api', auth: 'api', permission: 'bounces:manage' },
  { method: 'DELETE', path: '/api/bounces/{id}', fn: 'api', auth: 'api', permission: 'bounces:manage' },
  { method: 'PUT', path: '/api/subscribers', fn: 'api', auth: 'api', permission: 'subscribers:manage' },
  { method: 'GET', path: '/api/subscribers', fn: 'api', auth: 'api', permission: 'subscribers:get' },
  { method: 'GET', path: '/api/subscribers/{uuid}', fn: 'api', auth: 'api', permission: 'subscribers:get' },
  {
    method: 'GET',
    path: '/api/subscribers/{uuid}/bounces',
    fn: 'api',
    auth: 'api',
    permission: 'bounces:get',
  },
  {
    method: 'DELETE',
    path: '/api/subscribers/{uuid}/bounces',
    fn: 'api',
    auth: 'api',
    permission: 'bounces:manage',
  },
  {
    method: 'POST',
    // `{uuid}` also takes an e-mail address; API Gateway needs one parameter name at this level.
    path: '/api/subscribers/{uuid}/reenable',
    fn: 'api',
    auth: 'api',
    permission: 'subscribers:manage',
  },
  { method: 'GET', path: '/api/settings/bounce', fn: 'api', auth: 'api', permission: 'settings:get' },
  { method: 'PUT', path: '/api/settings/bounce', fn: 'api', auth: 'api', permission: 'settings:manage' },
  { method: 'GET', path: '/api/settings/schema', fn: 'api', auth: 'api', permission: 'settings:get' },
  { method: 'GET', path: '/api/openapi.json', fn: 'api', auth: 'public' },
  { method: 'GET', path: '/api/stats', fn: 'api', auth: 'api', permission: 'bounces:get' },
  {
    method: 'POST',
    path: '/api/mailboxes/{uuid}/scan',
    fn: 'api',
    auth: 'api',
    permission: 'bounces:manage',
  },
  {
    method: 'POST',
    path: '/api/mailboxes/{uuid}/test',
    fn: 'api',
    auth: 'api',
    permission: 'settings:manage',
  },
  {
    method: 'GET',
    path: '/api/mailboxes/{uuid}/stuck',
    fn: 'api',
    auth: 'api',
    permission: 'bounces:get',
  },
  {
    method: 'POST',
    path: '/api/mailboxes/{uuid}/stuck/release',
    fn: 'api',
    auth: 'api',
    permission: 'bounces:manage',
  },
  { method: 'GET', path: '/api/outbound/schemas', fn: 'api', auth: 'public' },
  {
    method: 'GET',
    path: '/api/outbound/deliveries',
    fn: 'api',
    auth: 'api',
    permission: 'settings:manage',
  },
  {
    method: 'POST',
    path: '/api/outbound/deliveries/{id}/retry',
    fn: 'api',
    auth: 'api',
    permission: 'settings:manage',
  },
];

/**
 * One route per provider. Providers cannot sign SigV4 or hold API users: each verifies itself in its
 * handler (DESIGN §6), so the routes are public at the gateway.
 */
export function providerRoutes(providers: readonly AnyProvider[]): Route[] {
  return providers.map((p) => ({
    method: 'POST',
    path: `/webhooks/service/${p.name}`,
    fn: providerFunctionName(p.name) as FunctionName,
    auth: 'public',
  }));
}

/** The routes of the API and of the given providers. */
export function routesFor(providers: readonly AnyProvider[]): Route[] {
  return [...API_ROUTES, ...providerRoutes(providers)];
}

/**
 * Every HTTP route, declared once: the local server and the API Gateway construct are both built
 * from this table, and each handler checks the permission named here.
 */
export const ROUTES: readonly Route[] = routesFor(PROVIDERS);

export function routeKey(method: string, path: string): string {
  return `${method} ${path}`;
}
