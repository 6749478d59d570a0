import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import type { AuthMode } from '../../lambdas/handlers/http/permission.js';
import { type FunctionName, ROUTES, type Route } from '../../lambdas/handlers/routes.js';
import { BounceApi } from '../../lib/api-construct.js';
import { ApiAuth } from '../../lib/auth-construct.js';
import {
  bareStack,
  grant,
  grantsOf,
  logicalId,
  methodsOf,
  resourcesOf,
  statementsOfRole,
  stubFunction,
} from './cdk-test-app.js';

const USERS_SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:users-AbCdEf';

/** A route the table may not have yet, so both kinds of auth are always exercised. */
const PUBLIC_ROUTE: Route = { method: 'GET', path: '/api/test-public', fn: 'api', auth: 'public' };

function build(mode: AuthMode, routes: readonly Route[] = ROUTES) {
  const stack = bareStack();
  const auth = new ApiAuth(stack, 'Auth', { mode, usersSecretArn: USERS_SECRET });
  const functions: Partial<Record<FunctionName, IFunction>> = {};
  for (const route of routes) functions[route.fn] ??= stubFunction(stack, `${route.fn}Fn`);
  const unit = new BounceApi(stack, 'Api', { routes, functions, auth });
  return { stack, auth, unit, functions, template: Template.fromStack(stack) };
}

const GATEWAY_AUTH = { basic: 'CUSTOM', iam: 'AWS_IAM' } as const;

describe.each(['basic', 'iam'] as const)('BounceApi in %s auth mode', (mode) => {
  const routes = [...ROUTES, PUBLIC_ROUTE];
  const { template, unit, functions, auth } = build(mode, routes);

  it('has exactly the methods of the route table, each with its kind of gateway auth', () => {
    const expected = routes.map(
      (r) => `${r.method} ${r.path} ${r.auth === 'public' ? 'NONE' : GATEWAY_AUTH[mode]}`,
    );
    expect(methodsOf(template)).toEqual(expected.sort());
  });

  it("sends each route to its function's Lambda proxy integration", () => {
    const methods = resourcesOf(template, 'AWS::ApiGateway::Method');
    for (const [index, route] of routes.entries()) {
      const method = methods[logicalId(unit.methods[index] as never)];
      const integration = method?.Properties.Integration as { Type: string; Uri: unknown };
      expect(integration.Type).toBe('AWS_PROXY');
      expect(JSON.stringify(integration.Uri)).toContain(`"${logicalId(functions[route.fn] as never)}"`);
    }
  });

  it('throttles every method and logs access and errors, never request data', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'v1',
      MethodSettings: Match.arrayWith([
        {
          HttpMethod: '*',
          ResourcePath: '/*',
          ThrottlingRateLimit: 100,
          ThrottlingBurstLimit: 200,
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
          MetricsEnabled: true,
        },
      ]),
    });
    const [stage] = Object.values(resourcesOf(template, 'AWS::ApiGateway::Stage'));
    if (!stage) throw new Error('no stage');
    const format = JSON.parse((stage.Properties.AccessLogSetting as { Format: string }).Format);
    expect(Object.values(format)).toContain('$context.status');
    expect(JSON.stringify(format)).not.toMatch(/requestBody|header\.Authorization/i);
  });

  it("gives each provider webhook a throttle of its own above the default (SNS drops what gets a 429), logging as the stage's", () => {
    const [stage] = Object.values(resourcesOf(template, 'AWS::ApiGateway::Stage'));
    const settings = stage?.Properties.MethodSettings as Record<string, unknown>[];
    const webhooks = routes.filter((r) => r.auth === 'public' && r.path.startsWith('/webhooks/service/'));
    expect(webhooks.map((r) => r.path)).toContain('/webhooks/service/ses');
    expect(settings.filter((m) => m.ResourcePath !== '/*')).toEqual(
      webhooks.map((r) => ({
        HttpMethod: r.method,
        ResourcePath: r.path.replaceAll('/', '~1').replace(/^~1/, '/~1'),
        ThrottlingRateLimit: 200,
        ThrottlingBurstLimit: 400,
        LoggingLevel: 'ERROR',
        DataTraceEnabled: false,
        MetricsEnabled: true,
      })),
    );
  });

  it('answers unknown paths 404 {"message": ...}, and its own errors in the same shape', () => {
    const responses = Object.values(resourcesOf(template, 'AWS::ApiGateway::GatewayResponse')).map(
      (r) =>
        r.Properties as {
          ResponseType: string;
          StatusCode?: string;
          ResponseTemplates: Record<string, string>;
        },
    );
    const byType = Object.fromEntries(responses.map((r) => [r.ResponseType, r]));
    expect(Object.keys(byType).sort()).toEqual(
      ['ACCESS_DENIED', 'DEFAULT_4XX', 'DEFAULT_5XX', 'MISSING_AUTHENTICATION_TOKEN', 'UNAUTHORIZED'].sort(),
    );
    const notFound = byType.MISSING_AUTHENTICATION_TOKEN;
    expect(notFound?.StatusCode).toBe('404');
    const notFoundBody = JSON.parse(notFound?.ResponseTemplates['application/json'] as string);
    expect(notFoundBody.message).toMatch(/^not found/);
    if (mode === 'basic') expect(notFoundBody).toEqual({ message: 'not found' });
    expect(byType.UNAUTHORIZED?.StatusCode).toBe('401');
    // Basic mode denies only the console's refused requests: a 401 without a challenge.
    expect(byType.ACCESS_DENIED?.StatusCode).toBe(mode === 'basic' ? '401' : '403');
    for (const response of responses) {
      // API Gateway substitutes the quoted message, so the body is JSON once rendered.
      const rendered = response.ResponseTemplates['application/json']?.replace(
        '$context.error.messageString',
        '"Unauthorized"',
      );
      expect(Object.keys(JSON.parse(rendered as string))).toEqual(['message']);
    }
  });

  if (mode === 'basic') {
    it('authenticates with a cached REQUEST authorizer on the Authorization header', () => {
      template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
        Type: 'REQUEST',
        IdentitySource: 'method.request.header.Authorization',
        AuthorizerResultTtlInSeconds: 300,
      });
    });

    it("gives the authorizer the users secret's ARN and no grant of its own (the stack grants the read)", () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ USERS_SECRET_ARN: USERS_SECRET }) },
      });
      const fn = auth.authorizerFunction;
      if (!fn) throw new Error('no authorizer function');
      const logs = { 'Fn::GetAtt': [logicalId(fn.logGroup), 'Arn'] };
      expect(grantsOf(statementsOfRole(template, logicalId(fn.role)))).toEqual([
        grant('logs:CreateLogStream', logs),
        grant('logs:PutLogEvents', logs),
      ]);
    });
  } else {
    it('has no authorizer and no authorizer function', () => {
      template.resourceCountIs('AWS::ApiGateway::Authorizer', 0);
      template.resourceCountIs('AWS::Lambda::Function', new Set(routes.map((r) => r.fn)).size);
    });
  }
});

describe('BounceApi route checks', () => {
  it('refuses a route whose function was not built', () => {
    expect(() => {
      const stack = bareStack();
      const auth = new ApiAuth(stack, 'Auth', { mode: 'iam', usersSecretArn: USERS_SECRET });
      new BounceApi(stack, 'Api', { routes: [PUBLIC_ROUTE], functions: {}, auth });
    }).toThrow(/names function 'api'/);
  });
});
