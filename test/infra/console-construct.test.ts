import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { RestApi } from 'aws-cdk-lib/aws-apigateway';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaContext } from '../../bin/local/to-event.js';
import { API_CSP } from '../../lambdas/handlers/http/security-headers.js';
import type { HttpEvent, HttpResult } from '../../lambdas/handlers/http/types.js';
import { BounceStack } from '../../lib/bounce-stack.js';
import { BounceConsole } from '../../lib/console-construct.js';
import {
  CDK_JSON_CONTEXT,
  grantsOf,
  logicalId,
  methodsOf,
  resourcesOf,
  statementsOfRole,
  TEST_ENV,
  testApp,
} from './cdk-test-app.js';

function build(authMode: 'basic' | 'iam') {
  const stack = new BounceStack(testApp(), 'Stack', { env: TEST_ENV, authMode });
  return { stack, template: Template.fromStack(stack) };
}

type GatewayResponse = {
  ResponseType: string;
  StatusCode?: string;
  ResponseParameters?: Record<string, string>;
};

function gatewayResponses(template: Template): Record<string, GatewayResponse> {
  return Object.fromEntries(
    Object.values(resourcesOf(template, 'AWS::ApiGateway::GatewayResponse')).map((r) => {
      const props = r.Properties as unknown as GatewayResponse;
      return [props.ResponseType, props];
    }),
  );
}

describe('console in the deployed stack (basic auth mode)', () => {
  const { stack, template } = build('basic');

  it('serves /console and /console/{file} without the authorizer, from its own function', () => {
    expect(methodsOf(template).filter((m) => m.includes('/console'))).toEqual([
      'GET /console NONE',
      'GET /console/{file} NONE',
    ]);
    const fnId = logicalId(stack.console?.function.fn as never);
    const methods = Object.values(resourcesOf(template, 'AWS::ApiGateway::Method')).filter((m) =>
      JSON.stringify(m.Properties.Integration ?? {}).includes(fnId),
    );
    expect(methods).toHaveLength(2);
  });

  it('gives the console function no grant beyond its own log group, and no environment of the service', () => {
    const fn = stack.console?.function;
    const grants = grantsOf(statementsOfRole(template, logicalId(fn?.role as never)));
    const logs = JSON.stringify({ 'Fn::GetAtt': [logicalId(fn?.logGroup as never), 'Arn'] });
    expect(grants).toEqual([`Allow logs:CreateLogStream -> ${logs}`, `Allow logs:PutLogEvents -> ${logs}`]);
    const props = resourcesOf(template, 'AWS::Lambda::Function')[logicalId(fn?.fn as never)]?.Properties as {
      Environment: { Variables: Record<string, unknown> };
    };
    expect(Object.keys(props.Environment.Variables).sort()).toEqual([
      'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED',
      'NODE_OPTIONS',
    ]);
  });

  it('names the console URL in the outputs', () => {
    expect(Object.keys(template.findOutputs('ConsoleUrl'))).toEqual(['ConsoleUrl']);
  });

  it("answers the console's refused sign-in 401 without WWW-Authenticate, and others 401 with it", () => {
    const byType = gatewayResponses(template);
    const denied = byType.ACCESS_DENIED;
    expect(denied?.StatusCode).toBe('401');
    expect(Object.keys(denied?.ResponseParameters ?? {}).join()).not.toMatch(/www-authenticate/i);
    const unauthorized = byType.UNAUTHORIZED;
    expect(unauthorized?.StatusCode).toBe('401');
    expect(unauthorized?.ResponseParameters?.['gatewayresponse.header.WWW-Authenticate']).toMatch(/^'Basic /);
  });

  it('puts the security headers on every answer API Gateway makes itself', () => {
    for (const [type, response] of Object.entries(gatewayResponses(template))) {
      const headers = response.ResponseParameters ?? {};
      expect(headers['gatewayresponse.header.Content-Security-Policy'], type).toBe(`'${API_CSP}'`);
      expect(headers['gatewayresponse.header.X-Content-Type-Options'], type).toBe("'nosniff'");
      expect(headers['gatewayresponse.header.Referrer-Policy'], type).toBe("'no-referrer'");
      expect(headers['gatewayresponse.header.X-Frame-Options'], type).toBe("'DENY'");
    }
  });
});

describe('console in IAM mode', () => {
  it('is not deployed (it signs in with an API user, which IAM mode has not)', () => {
    const { stack, template } = build('iam');
    expect(stack.console).toBeUndefined();
    expect(methodsOf(template).filter((m) => m.includes('/console'))).toEqual([]);
    expect(template.findOutputs('ConsoleUrl')).toEqual({});
  });
});

describe('console function bundled for real, then invoked', () => {
  let outdir: string;
  let assetDir: string;
  let handler: (event: HttpEvent, context: unknown) => Promise<HttpResult>;

  beforeAll(async () => {
    outdir = mkdtempSync(join(tmpdir(), 'stmails-console-cdk-'));
    const app = new App({ outdir, builtinCloudFormationValidation: false, context: CDK_JSON_CONTEXT });
    const stack = new Stack(app, 'ConsoleBundled', { env: TEST_ENV });
    const api = new RestApi(stack, 'Api', { deploy: false });
    api.root.addMethod('ANY');
    const unit = new BounceConsole(stack, 'Console', { api });
    app.synth();
    const code = Template.fromStack(stack).toJSON().Resources[logicalId(unit.function.fn)].Properties.Code;
    const manifest = JSON.parse(readFileSync(join(outdir, 'ConsoleBundled.assets.json'), 'utf8'));
    assetDir = join(outdir, manifest.files[String(code.S3Key).replace(/\.zip$/, '')].source.path);
    handler = (await import(pathToFileURL(join(assetDir, 'index.mjs')).href)).handler;
  }, 120_000);

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  const get = (path: string, file?: string) =>
    handler(
      {
        httpMethod: 'GET',
        path,
        resource: file === undefined ? '/console' : '/console/{file}',
        pathParameters: file === undefined ? null : { file },
        headers: {},
      } as unknown as HttpEvent,
      lambdaContext('console'),
    );

  it('carries the built console beside the bundle', () => {
    expect(readdirSync(join(assetDir, 'console')).sort()).toEqual(['app.css', 'app.js', 'index.html']);
  });

  it('serves the page at /console/ with the strict console policy', async () => {
    const page = await get('/console/');
    expect(page.statusCode).toBe(200);
    expect(page.headers?.['Content-Type']).toContain('text/html');
    expect(page.body).toContain('<div id="app">');
    expect(String(page.headers?.['Content-Security-Policy'])).toContain("script-src 'self'");
    expect(page.headers?.['X-Content-Type-Options']).toBe('nosniff');
  });

  it('serves the script and redirects /console to the page below the stage', async () => {
    const script = await get('/console/app.js', 'app.js');
    expect(script.statusCode).toBe(200);
    expect(script.headers?.['Content-Type']).toContain('javascript');
    const moved = await get('/console');
    expect(moved.statusCode).toBe(308);
    expect(new URL(String(moved.headers?.Location), 'https://x.example/v1/console').pathname).toBe(
      '/v1/console/',
    );
  });

  it('answers any other file 404, with the security headers', async () => {
    const missing = await get('/console/app.js.map', 'app.js.map');
    expect(missing.statusCode).toBe(404);
    expect(missing.headers?.['Referrer-Policy']).toBe('no-referrer');
  });
});
