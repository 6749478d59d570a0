import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS } from '../../lambdas/handlers/routes.js';
import { BUNDLE, cdkBundling, esbuildOptions } from '../../lib/bundling.js';
import { BounceFunction } from '../../lib/function-construct.js';
import {
  bareStack,
  CDK_JSON_CONTEXT,
  grant,
  grantsOf,
  logicalId,
  resourcesOf,
  statementsOfRole,
  TEST_ENV,
} from './cdk-test-app.js';

describe('BounceFunction', () => {
  let template: Template;
  let unit: BounceFunction;

  beforeAll(() => {
    const stack = bareStack();
    unit = new BounceFunction(stack, 'Webhook', {
      entry: FUNCTIONS.webhook.entry,
      description: FUNCTIONS.webhook.description,
      environment: { TABLE_NAME: 'bounces' },
    });
    template = Template.fromStack(stack);
  });

  it('runs ESM on Node.js 24, ARM64, with source-mapped stack traces', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      Environment: {
        Variables: {
          TABLE_NAME: 'bounces',
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          NODE_OPTIONS: '--enable-source-maps',
        },
      },
    });
  });

  it('logs to its own log group with a retention', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    template.hasResourceProperties('AWS::Lambda::Function', {
      LoggingConfig: { LogGroup: { Ref: logicalId(unit.logGroup) } },
    });
  });

  it('has a role that may only write its own logs: no managed policy, no wildcard', () => {
    const role = resourcesOf(template, 'AWS::IAM::Role')[logicalId(unit.role)];
    expect(role?.Properties.ManagedPolicyArns).toBeUndefined();
    const logs = { 'Fn::GetAtt': [logicalId(unit.logGroup), 'Arn'] };
    expect(grantsOf(statementsOfRole(template, logicalId(unit.role)))).toEqual([
      grant('logs:CreateLogStream', logs),
      grant('logs:PutLogEvents', logs),
    ]);
  });
});

describe('bundling options', () => {
  it('are the same for the stack and the benchmark (one declaration)', () => {
    const cdk = cdkBundling();
    const esbuild = esbuildOptions('in.ts', 'out.mjs');
    expect(cdk.format).toBe(esbuild.format);
    expect([cdk.target, cdk.minify, cdk.sourceMap, cdk.sourcesContent]).toEqual([
      esbuild.target,
      esbuild.minify,
      esbuild.sourcemap,
      esbuild.sourcesContent,
    ]);
    expect(cdk.mainFields).toEqual(esbuild.mainFields);
    expect(cdk.banner).toBe((esbuild.banner as { js: string }).js);
    // The AWS SDK is bundled, not taken from the runtime.
    expect(cdk.externalModules).toEqual([]);
    expect(esbuild.external).toEqual([]);
    expect(cdk.forceDockerBundling).toBe(false);
  });
});

describe('BounceFunction bundling (the one test that really bundles)', () => {
  let outdir: string;
  let assetDir: string;

  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), 'stmails-cdk-'));
    // No Docker here: if NodejsFunction could not find the local esbuild it would try Docker and fail.
    const app = new App({ outdir, builtinCloudFormationValidation: false, context: CDK_JSON_CONTEXT });
    const stack = new Stack(app, 'Bundled', { env: TEST_ENV });
    const unit = new BounceFunction(stack, 'Webhook', {
      entry: FUNCTIONS.webhook.entry,
      description: FUNCTIONS.webhook.description,
    });
    app.synth();
    const code = Template.fromStack(stack).toJSON().Resources[logicalId(unit.fn)].Properties.Code;
    const manifest = JSON.parse(readFileSync(join(outdir, 'Bundled.assets.json'), 'utf8'));
    const key = String(code.S3Key).replace(/\.zip$/, '');
    assetDir = join(outdir, manifest.files[key].source.path);
  }, 60_000);

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('writes a minified ESM bundle with the createRequire banner and a linked source map', () => {
    const bundle = readFileSync(join(assetDir, 'index.mjs'), 'utf8');
    expect(bundle.startsWith(BUNDLE.banner)).toBe(true);
    expect(bundle).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map\s*$/);
    const map = JSON.parse(readFileSync(join(assetDir, 'index.mjs.map'), 'utf8'));
    expect(map.sourcesContent).toBeUndefined();
    expect(map.sources.some((s: string) => s.endsWith('lambdas/handlers/webhook-bounce.ts'))).toBe(true);
  });

  it('bundles the AWS SDK and stays under 600 KB', () => {
    const bundle = readFileSync(join(assetDir, 'index.mjs'), 'utf8');
    expect(bundle).not.toMatch(/from\s*["']@aws-sdk\//);
    expect(existsSync(join(assetDir, 'node_modules'))).toBe(false);
    expect(statSync(join(assetDir, 'index.mjs')).size).toBeLessThan(600 * 1024);
  });
});
