import { Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../lib/bounce-app.js';
import { testApp } from './cdk-test-app.js';

/** buildApp is all of bin/app.ts; the apps here take cdk.json's context, without bundling. */
describe('the CDK app (bin/app.ts)', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('passes cdk-nag AwsSolutions with every finding acknowledged (basic auth, no alarm e-mail)', () => {
    const app = testApp();
    buildApp(app);
    expect(() => app.synth()).not.toThrow();
  });

  it('passes cdk-nag AwsSolutions in IAM mode with an alarm topic and deploy-time defaults', () => {
    const app = testApp({
      authMode: 'iam',
      alarmEmail: 'ops@example.com',
      defaultSettings: '{"enabled":true,"webhooks_enabled":true}',
    });
    const stack = buildApp(app);
    expect(stack.auth.mode).toBe('iam');
    expect(stack.monitoring.alarmTopic).toBeDefined();
    expect(() => app.synth()).not.toThrow();
  });

  it('names the exact rule (and finding) in every acknowledgement, with a specific reason', () => {
    const app = testApp({ alarmEmail: 'ops@example.com' });
    buildApp(app);
    const acknowledged = app.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
      .flatMap((m) => Object.entries(m.data as Record<string, string>));
    expect(acknowledged.length).toBeGreaterThan(5);
    for (const [id, reason] of acknowledged) {
      expect(id).toMatch(/^Annotation::AwsSolutions-[A-Z]+\d+(\[[^\]]+\])?$/);
      expect(reason.length, id).toBeGreaterThan(80);
    }
    // Wildcards are acknowledged one finding at a time, never a whole rule.
    expect(acknowledged.filter(([id]) => /IAM[45]$/.test(id))).toEqual([]);
  });

  it('fails synth on an unacknowledged finding (the checks are really on)', () => {
    const app = testApp();
    const stack = buildApp(app);
    new Secret(stack, 'Unrotated');
    expect(() => app.synth()).toThrow(/AwsSolutions-SMG4/);
  });

  it('synthesises without an AWS account: 123456789012 in eu-west-1 unless the CLI says otherwise', () => {
    vi.stubEnv('CDK_DEFAULT_ACCOUNT', undefined);
    vi.stubEnv('CDK_DEFAULT_REGION', undefined);
    const stack = buildApp(testApp());
    expect([stack.account, stack.region]).toEqual(['123456789012', 'eu-west-1']);
    vi.stubEnv('CDK_DEFAULT_ACCOUNT', '111122223333');
    vi.stubEnv('CDK_DEFAULT_REGION', 'us-west-2');
    const cli = buildApp(testApp());
    expect([cli.account, cli.region]).toEqual(['111122223333', 'us-west-2']);
  });

  it('synthesises in a China region with no ARN of the aws partition written into the template', () => {
    vi.stubEnv('CDK_DEFAULT_ACCOUNT', '111122223333');
    vi.stubEnv('CDK_DEFAULT_REGION', 'cn-north-1');
    const app = testApp({ alarmEmail: 'ops@example.com', sesIdentities: 'example.cn' });
    const stack = buildApp(app);
    expect(() => app.synth()).not.toThrow();
    const template = JSON.stringify(Template.fromStack(stack).toJSON());
    expect(template).not.toContain('arn:aws:');
    // The ARNs the stack formats itself carry the region's partition.
    expect(template).toContain('arn:aws-cn:cloudwatch:cn-north-1:111122223333:alarm:*');
  });

  it('refuses context values it does not understand', () => {
    expect(() => buildApp(testApp({ authMode: 'cognito' }))).toThrow(/authMode must be 'basic' or 'iam'/);
    expect(() => buildApp(testApp({ alarmEmail: 'ops' }))).toThrow(/alarmEmail must be an e-mail address/);
    expect(() => buildApp(testApp({ defaultSettings: '{enabled:true}' }))).toThrow(/not valid JSON/);
    expect(() => buildApp(testApp({ defaultSettings: { sendgrid: { key: 'x' } } }))).toThrow(/sendgrid\.key/);
  });
});
