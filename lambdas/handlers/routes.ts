import type { Permission } from '../core/access/permissions.js';

/** The Lambda functions; each serves the routes that name it. */
export const FUNCTIONS = {
  webhook: { entry: 'lambdas/handlers/webhook-bounce.ts', description: 'generic bounce webhook' },
  api: { entry: 'lambdas/handlers/api.ts', description: 'bounces, subscribers and settings API' },
  sesWebhook: { entry: 'lambdas/handlers/webhooks/ses.ts', description: 'Amazon SES bounces via SNS' },
  sendgridWebhook: { entry: 'lambdas/handlers/webhooks/sendgrid.ts', description: 'SendGrid event webhook' },
  postmarkWebhook: { entry: 'lambdas/handlers/webhooks/postmark.ts', description: 'Postmark bounce webhook' },
  forwardemailWebhook: {
    entry: 'lambdas/handlers/webhooks/forwardemail.ts',
    description: 'Forward Email webhook',
  },
  /** No route: the SES topic's Lambda subscription invokes it (stack option `sesIngestion: sns-lambda`). */
  sesSns: {
    entry: 'lambdas/handlers/ses/sns.ts',
    description: 'Amazon SES feedback via an SNS Lambda subscription',
  },
  /** No route: an EventBridge rule on SES events invokes it (stack option `sesIngestion: eventbridge`). */
  sesEventBridge: {
    entry: 'lambdas/handlers/ses/eventbridge.ts',
    description: 'Amazon SES events via EventBridge',
  },
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
} as const;
export type FunctionName = keyof typeof FUNCTIONS;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface Route {
  method: HttpMethod;
  /** API Gateway resource path; `{name}` is a path parameter. */
  path: string;
  fn: FunctionName;
  /** `api`: an API user (basic/token via the authorizer, or IAM); `public`: no gateway auth. */
  auth: 'api' | 'public';
  permission?: Permission;
}

/**
 * Every HTTP route, declared once: the local server and the API Gateway construct are both built
 * from this table, and each handler checks the permission named here.
 */
export const ROUTES: readonly Route[] = [
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
  // Providers cannot sign SigV4 or hold API users: each verifies itself in its handler (DESIGN §6).
  { method: 'POST', path: '/webhooks/service/ses', fn: 'sesWebhook', auth: 'public' },
  { method: 'POST', path: '/webhooks/service/sendgrid', fn: 'sendgridWebhook', auth: 'public' },
  { method: 'POST', path: '/webhooks/service/postmark', fn: 'postmarkWebhook', auth: 'public' },
  { method: 'POST', path: '/webhooks/service/forwardemail', fn: 'forwardemailWebhook', auth: 'public' },
];

export function routeKey(method: string, path: string): string {
  return `${method} ${path}`;
}
