import { describe, expect, it } from 'vitest';
import { authorizerEnvironment, functionEnvironment } from '../../lambdas/handlers/environment.js';

const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:StmailsBounceSecretsSettings-AbCdEf';

/** The variables lib/bounce-stack.ts gives the route functions and the scanner. */
const STACK_ENV = {
  TABLE_NAME: 'StmailsBounce-StorageTable1234-ABCDEF',
  EVENT_BUS_NAME: 'StmailsBounceEventsBus5678',
  SETTINGS_SECRET_ARN: SECRET,
  AUTH_MODE: 'iam',
  DEFAULT_SETTINGS: '{"enabled":true}',
};

describe('function environment (checked at cold start)', () => {
  it('reads what the stack sets', () => {
    expect(functionEnvironment(STACK_ENV)).toEqual({
      tableName: STACK_ENV.TABLE_NAME,
      eventBusName: STACK_ENV.EVENT_BUS_NAME,
      settingsSecretArn: SECRET,
      authMode: 'iam',
      deployDefaults: { enabled: true },
    });
  });

  it('needs no DEFAULT_SETTINGS', () => {
    const { DEFAULT_SETTINGS: _, ...rest } = STACK_ENV;
    expect(functionEnvironment(rest).deployDefaults).toBeUndefined();
  });

  it('fails without the settings secret instead of keeping settings secrets in memory', () => {
    const { SETTINGS_SECRET_ARN: _, ...rest } = STACK_ENV;
    expect(() => functionEnvironment(rest)).toThrow(/SETTINGS_SECRET_ARN is not set/);
  });

  it('fails on a misspelt or missing auth mode instead of assuming basic', () => {
    expect(() => functionEnvironment({ ...STACK_ENV, AUTH_MODE: 'IAM' })).toThrow(
      /AUTH_MODE must be 'basic' or 'iam', not "IAM"/,
    );
    const { AUTH_MODE: _, ...rest } = STACK_ENV;
    expect(() => functionEnvironment(rest)).toThrow(/AUTH_MODE is not set/);
  });

  it('fails without the event bus instead of only logging subscriber events', () => {
    expect(() => functionEnvironment({ ...STACK_ENV, EVENT_BUS_NAME: ' ' })).toThrow(
      /EVENT_BUS_NAME is not set/,
    );
  });

  it('refuses a value of the wrong shape, naming the variable', () => {
    expect(() => functionEnvironment({ ...STACK_ENV, SETTINGS_SECRET_ARN: 'Settings' })).toThrow(
      /SETTINGS_SECRET_ARN must be a Secrets Manager secret ARN/,
    );
    expect(() => functionEnvironment({ ...STACK_ENV, DEFAULT_SETTINGS: '{enabled:true}' })).toThrow(
      /DEFAULT_SETTINGS is not JSON/,
    );
  });

  it('names every problem at once', () => {
    expect(() => functionEnvironment({})).toThrow(
      /TABLE_NAME is not set; EVENT_BUS_NAME is not set; SETTINGS_SECRET_ARN is not set; AUTH_MODE is not set/,
    );
  });

  it('accepts ARNs of other partitions (aws-cn)', () => {
    const cn = 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:Settings-AbCdEf';
    expect(functionEnvironment({ ...STACK_ENV, SETTINGS_SECRET_ARN: cn }).settingsSecretArn).toBe(cn);
  });
});

describe('authorizer environment', () => {
  it('reads the users secret', () => {
    expect(authorizerEnvironment({ USERS_SECRET_ARN: SECRET })).toEqual({ usersSecretArn: SECRET });
  });

  it('fails without it instead of refusing every caller as unknown', () => {
    expect(() => authorizerEnvironment({ TABLE_NAME: 't' })).toThrow(/USERS_SECRET_ARN is not set/);
  });
});
