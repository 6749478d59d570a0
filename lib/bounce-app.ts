import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { AuthMode } from '../lambdas/handlers/http/permission.js';
import { BounceStack } from './bounce-stack.js';
import type { DeploySettings } from './deploy-settings.js';
import { SES_INGESTIONS, type SesIngestion } from './ses-native-construct.js';
import type { SesSetupOptions } from './ses-setup-construct.js';

export const STACK_NAME = 'StmailsBounce';

/**
 * For an app run without the CDK CLI (the tests). The CLI always passes a region (the configured one,
 * else us-east-1) and passes the account when it finds credentials, so `npm run synth` without
 * credentials gives account 123456789012 in the configured region, or us-east-1.
 */
const FALLBACK_ENV = { account: '123456789012', region: 'eu-west-1' };

function authModeFrom(value: unknown): AuthMode {
  if (value === undefined || value === 'basic') return 'basic';
  if (value === 'iam') return 'iam';
  throw new Error(`context authMode must be 'basic' or 'iam', not ${JSON.stringify(value)}`);
}

function alarmEmailFrom(value: unknown): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value)) {
    throw new Error(`context alarmEmail must be an e-mail address, not ${JSON.stringify(value)}`);
  }
  return value;
}

/** `-c defaultSettings='{...}'` arrives as a string, cdk.json gives an object. */
function defaultSettingsFrom(value: unknown): DeploySettings | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') return value as DeploySettings;
  try {
    return JSON.parse(value) as DeploySettings;
  } catch {
    throw new Error('context defaultSettings is not valid JSON');
  }
}

function sesIngestionFrom(value: unknown): SesIngestion | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'string' && (SES_INGESTIONS as readonly string[]).includes(value))
    return value as SesIngestion;
  throw new Error(
    `context sesIngestion must be ${SES_INGESTIONS.map((i) => `'${i}'`).join(', ')}, not ${JSON.stringify(value)}`,
  );
}

/**
 * `-c sesIdentities=example.com,news@example.com` (or a list in cdk.json) and/or
 * `-c sesConfigurationSet=name` turn on the SES setup; `-c sesIngestion=https|sns-lambda|eventbridge`
 * picks how the feedback arrives (default https).
 */
function sesFrom(
  identities: unknown,
  configurationSet: unknown,
  ingestion: unknown,
): { ses?: SesSetupOptions } {
  const list =
    identities === undefined || identities === ''
      ? []
      : Array.isArray(identities)
        ? identities.map(String)
        : String(identities).split(',');
  const clean = list.map((i) => i.trim()).filter(Boolean);
  if (configurationSet !== undefined && typeof configurationSet !== 'string') {
    throw new Error('context sesConfigurationSet must be a configuration set name');
  }
  const mode = sesIngestionFrom(ingestion);
  if (mode === 'eventbridge' && !configurationSet) {
    throw new Error(
      "context sesIngestion 'eventbridge' needs sesConfigurationSet: SES publishes to EventBridge from a configuration set only",
    );
  }
  if (clean.length === 0 && !(mode && configurationSet)) {
    if (mode) throw new Error('context sesIngestion needs sesIdentities or sesConfigurationSet');
    return {};
  }
  return {
    ses: {
      identities: clean,
      ...(configurationSet ? { configurationSet } : {}),
      ...(mode ? { ingestion: mode } : {}),
    },
  };
}

/**
 * The deployed app: the stack configured from context (cdk.json or `-c`), checked by cdk-nag's
 * AwsSolutions rules at every synth. bin/app.ts and the tests both build it here.
 */
export function buildApp(app: App): BounceStack {
  const context = (key: string): unknown => app.node.tryGetContext(key);
  const stack = new BounceStack(app, STACK_NAME, {
    description: 'stmails bounce processor: bounce webhooks, API, storage and outbound events',
    env: {
      account: process.env.CDK_DEFAULT_ACCOUNT ?? FALLBACK_ENV.account,
      region: process.env.CDK_DEFAULT_REGION ?? FALLBACK_ENV.region,
    },
    authMode: authModeFrom(context('authMode')),
    alarmEmail: alarmEmailFrom(context('alarmEmail')),
    defaultSettings: defaultSettingsFrom(context('defaultSettings')),
    ...sesFrom(context('sesIdentities'), context('sesConfigurationSet'), context('sesIngestion')),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stack;
}
