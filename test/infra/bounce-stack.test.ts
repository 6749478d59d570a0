import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { PROVIDERS } from '../../lambdas/core/providers/registry.js';
import {
  FUNCTIONS,
  type FunctionName,
  PROVIDER_ENV,
  providerFunctionName,
  ROUTES,
} from '../../lambdas/handlers/routes.js';
import { BounceStack } from '../../lib/bounce-stack.js';
import { REPO_ROOT } from '../../lib/bundling.js';
import { SUPPRESSION_ACTIONS } from '../../lib/outbound-dispatcher-construct.js';
import { TABLE_DATA_ACTIONS } from '../../lib/table-construct.js';
import {
  grant,
  grantsOf,
  logicalId,
  methodsOf,
  type PolicyStatement,
  resourcesOf,
  sdkActionsUsedIn,
  statementsOfRole,
  TEST_ENV,
  testApp,
} from './cdk-test-app.js';

const DEFAULTS = { enabled: true, webhooks_enabled: true };

function build(authMode: 'basic' | 'iam') {
  const stack = new BounceStack(testApp(), 'Stack', { env: TEST_ENV, authMode, defaultSettings: DEFAULTS });
  return { stack, template: Template.fromStack(stack) };
}

const served = (Object.keys(FUNCTIONS) as FunctionName[]).filter((fn) => ROUTES.some((r) => r.fn === fn));

describe.each(['basic', 'iam'] as const)('BounceStack in %s auth mode', (authMode) => {
  const { stack, template } = build(authMode);
  const ref = (construct: Parameters<typeof logicalId>[0]) => ({ Ref: logicalId(construct) });
  const arn = (construct: Parameters<typeof logicalId>[0]) => ({
    'Fn::GetAtt': [logicalId(construct), 'Arn'],
  });

  it('serves every route of the table with its auth kind, and no other method', () => {
    const kind = authMode === 'basic' ? 'CUSTOM' : 'AWS_IAM';
    expect(methodsOf(template)).toEqual(
      ROUTES.map((r) => `${r.method} ${r.path} ${r.auth === 'public' ? 'NONE' : kind}`).sort(),
    );
  });

  it('has one function per FUNCTIONS entry that serves a route, the mailbox scanner, and the authorizer in basic mode', () => {
    expect(Object.keys(stack.functions).sort()).toEqual([...served].sort());
    // + the mailbox scanner and the outbound dispatcher
    template.resourceCountIs('AWS::Lambda::Function', served.length + 2 + (authMode === 'basic' ? 1 : 0));
  });

  it('has one function per registry provider, serving its route and told which provider it is', () => {
    const functions = resourcesOf(template, 'AWS::Lambda::Function');
    for (const provider of PROVIDERS) {
      const fn = stack.functions[providerFunctionName(provider.name)]?.fn;
      expect(fn, provider.name).toBeDefined();
      const env = functions[logicalId(fn as never)]?.Properties.Environment as {
        Variables: Record<string, unknown>;
      };
      expect(env.Variables[PROVIDER_ENV]).toBe(provider.name);
      expect(methodsOf(template)).toContain(`POST /webhooks/service/${provider.name} NONE`);
    }
    const providerFunctions = Object.values(functions).filter(
      (fn) => (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables[PROVIDER_ENV],
    );
    expect(providerFunctions).toHaveLength(PROVIDERS.length);
  });

  it('invokes the mailbox scanner every minute, with a timeout and a stuck-message alarm per mailbox', () => {
    const scanner = { 'Fn::GetAtt': [logicalId(stack.scanner.function.fn as never), 'Arn'] };
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [Match.objectLike({ Arn: scanner })],
    });
    template.hasResourceProperties('AWS::Lambda::Function', { Timeout: 300, Handler: 'index.handler' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: [
        Match.objectLike({
          Expression: 'SELECT SUM(StuckMessages) FROM SCHEMA("stmails", mailbox, service) GROUP BY mailbox',
        }),
      ],
    });
  });

  it('reserves no concurrency: accounts whose limit is 10 refuse any reservation (the lease keeps scans apart)', () => {
    for (const [id, fn] of Object.entries(resourcesOf(template, 'AWS::Lambda::Function'))) {
      expect(fn.Properties.ReservedConcurrentExecutions, id).toBeUndefined();
    }
  });

  it('never runs a scheduled scan late or twice: no queued retries, events older than a minute dropped', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 } })],
    });
    template.resourceCountIs('AWS::Lambda::EventInvokeConfig', 1);
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalId(stack.scanner.function.fn as never) },
      Qualifier: '$LATEST',
      MaximumEventAgeInSeconds: 60,
      MaximumRetryAttempts: 0,
    });
  });

  it('lets the mailbox scanner save a refresh token the OAuth2 token endpoint rotated', () => {
    const fn = stack.scanner.function;
    const settingsSecret = ref(stack.secrets.settingsSecret);
    const grants = grantsOf(statementsOfRole(template, logicalId(fn.role)));
    expect(grants).toContain(grant('secretsmanager:GetSecretValue', settingsSecret));
    expect(grants).toContain(grant('secretsmanager:PutSecretValue', settingsSecret));
  });

  it.each(served)('grants function %s only what it uses, each on its named resource', (name) => {
    const fn = stack.functions[name];
    if (!fn) throw new Error(`no function ${name}`);
    const table = arn(stack.table.table);
    const indexes = { 'Fn::Join': ['', [table, '/index/*']] };
    const settingsSecret = ref(stack.secrets.settingsSecret);
    // Saving settings writes the secret; so does the first listing, which stores the cursor key there,
    // and a scan or connection test, which saves a rotated OAuth2 refresh token.
    const savesSettings = ROUTES.some(
      (r) =>
        r.fn === name &&
        (r.permission === 'settings:manage' ||
          r.permission === 'bounces:get' ||
          /^\/api\/mailboxes\/\{uuid\}\/(scan|test)$/.test(r.path)),
    );
    expect(grantsOf(statementsOfRole(template, logicalId(fn.role)))).toEqual(
      [
        grant('logs:CreateLogStream', arn(fn.logGroup)),
        grant('logs:PutLogEvents', arn(fn.logGroup)),
        ...TABLE_DATA_ACTIONS.flatMap((action) => [grant(action, table), grant(action, indexes)]),
        grant('events:PutEvents', arn(stack.events.bus)),
        grant('secretsmanager:GetSecretValue', settingsSecret),
        ...(savesSettings ? [grant('secretsmanager:PutSecretValue', settingsSecret)] : []),
        grant('lambda:InvokeFunction', arn(stack.outbound.function.fn)),
      ].sort(),
    );
  });

  if (authMode === 'basic') {
    it('lets the authorizer read the users secret and write its logs, nothing else', () => {
      const fn = stack.auth.authorizerFunction;
      if (!fn) throw new Error('no authorizer function');
      expect(grantsOf(statementsOfRole(template, logicalId(fn.role)))).toEqual(
        [
          grant('logs:CreateLogStream', arn(fn.logGroup)),
          grant('logs:PutLogEvents', arn(fn.logGroup)),
          grant('secretsmanager:GetSecretValue', ref(stack.secrets.usersSecret)),
        ].sort(),
      );
    });
  }

  it('grants every AWS SDK call the function code makes, so none meets AccessDenied in AWS', () => {
    const used = sdkActionsUsedIn(join(REPO_ROOT, 'lambdas'));
    expect(used).toContain('dynamodb:Query'); // the scan sees the real imports
    const granted = new Set(
      [...Object.values(stack.functions), stack.outbound.function].flatMap((fn) =>
        grantsOf(statementsOfRole(template, logicalId(fn.role))).map((g) => g.split(' ')[1]),
      ),
    );
    expect(used.filter((action) => !granted.has(action))).toEqual([]);
    // ... and the table grant holds nothing the code does not use.
    expect(TABLE_DATA_ACTIONS.filter((action) => !used.includes(action))).toEqual([]);
  });

  it('has no wildcard action and no wildcard resource in any inline policy', () => {
    const statements = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).flatMap(
      (p) => (p.Properties.PolicyDocument as { Statement: PolicyStatement[] }).Statement,
    );
    expect(statements.length).toBeGreaterThan(0);
    for (const line of grantsOf(statements)) {
      const [, action, resource] = /^Allow (\S+) -> (.*)$/.exec(line) ?? [];
      expect(action).not.toContain('*');
      // SES's account-level suppression list has no resource type: `*` is the only resource IAM accepts.
      if (SUPPRESSION_ACTIONS.includes(action as (typeof SUPPRESSION_ACTIONS)[number])) continue;
      expect(resource).not.toBe('"*"');
      // The one wildcard is the table's index suffix.
      if (resource?.includes('*')) expect(resource).toContain('"/index/*"');
    }
  });

  it('gives functions names, ARNs and non-secret JSON only: no secret value in any environment', () => {
    const functions = resourcesOf(template, 'AWS::Lambda::Function');
    const routeFunctionIds = [
      ...served.map((name) => logicalId(stack.functions[name]?.fn as never)),
      logicalId(stack.scanner.function.fn as never),
    ];
    for (const [id, fn] of Object.entries(functions)) {
      const env = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      for (const [key, value] of Object.entries(env)) {
        if (/_(NAME|ARN)$/.test(key)) expect(value, key).toMatchObject({ Ref: expect.any(String) });
        else expect(typeof value, key).toBe('string');
      }
      const shared = {
        TABLE_NAME: ref(stack.table.table),
        EVENT_BUS_NAME: ref(stack.events.bus),
        SETTINGS_SECRET_ARN: ref(stack.secrets.settingsSecret),
        AUTH_MODE: authMode,
        DEFAULT_SETTINGS: JSON.stringify(DEFAULTS),
      };
      const expected = routeFunctionIds.includes(id)
        ? { ...shared, DISPATCHER_FUNCTION_NAME: ref(stack.outbound.function.fn) }
        : id === logicalId(stack.outbound.function.fn as never)
          ? shared
          : { USERS_SECRET_ARN: ref(stack.secrets.usersSecret) };
      const provider = Object.keys(FUNCTIONS).find(
        (name) =>
          stack.functions[name as FunctionName] &&
          logicalId(stack.functions[name as FunctionName]?.fn as never) === id,
      );
      const own = (FUNCTIONS as Record<string, { environment?: Record<string, string> }>)[provider ?? '']
        ?.environment;
      expect(env).toEqual({
        ...expected,
        ...own,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        NODE_OPTIONS: '--enable-source-maps',
      });
    }
    // No value of either secret appears anywhere in the template (only their starting placeholders).
    expect(JSON.stringify(template.toJSON())).not.toMatch(/"token"|"password"\s*:\s*"[^"]/);
  });

  it('outputs the API URL, the users secret ARN, the table name and the event bus name', () => {
    expect(Object.keys(template.toJSON().Outputs).sort()).toEqual(
      ['ApiUrl', 'EventBusName', 'TableName', 'UsersSecretArn'].sort(),
    );
    template.hasOutput('UsersSecretArn', { Value: ref(stack.secrets.usersSecret) });
    template.hasOutput('TableName', { Value: ref(stack.table.table) });
    template.hasOutput('EventBusName', { Value: ref(stack.events.bus) });
  });

  it('lets CloudFormation name the table, functions, roles, secrets and log groups', () => {
    const nameProperty: Record<string, string> = {
      'AWS::DynamoDB::GlobalTable': 'TableName',
      'AWS::Lambda::Function': 'FunctionName',
      'AWS::IAM::Role': 'RoleName',
      'AWS::SecretsManager::Secret': 'Name',
      'AWS::Logs::LogGroup': 'LogGroupName',
    };
    const named = Object.entries(nameProperty).flatMap(([type, property]) =>
      Object.entries(resourcesOf(template, type))
        .filter(([, r]) => r.Properties[property] !== undefined)
        .map(([id]) => id),
    );
    // The execution log group's name is fixed by API Gateway (API-Gateway-Execution-Logs_<api id>/<stage>).
    expect(named).toEqual([logicalId(stack.api.executionLogs)]);
  });
});
