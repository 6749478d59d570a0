import { Template } from 'aws-cdk-lib/assertions';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import { BounceSecrets } from '../../lib/secrets-construct.js';
import { bareStack, grant, grantsOf, logicalId, resourcesOf, statementsOfRole } from './cdk-test-app.js';

describe('BounceSecrets', () => {
  let template: Template;
  let unit: BounceSecrets;
  const roles: Record<string, string> = {};

  beforeAll(() => {
    const stack = bareStack();
    unit = new BounceSecrets(stack, 'Secrets');
    const role = (id: string) =>
      new Role(stack, id, { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    const authorizer = role('Authorizer');
    const reader = role('Reader');
    const writer = role('Writer');
    unit.grantReadUsers(authorizer);
    unit.grantReadSettings(reader);
    unit.grantReadSettings(writer);
    unit.grantWriteSettings(writer);
    template = Template.fromStack(stack);
    roles.authorizer = logicalId(authorizer);
    roles.reader = logicalId(reader);
    roles.writer = logicalId(writer);
  });

  it('starts the users secret with no user and the settings secret empty: no credential in the template', () => {
    const secrets = resourcesOf(template, 'AWS::SecretsManager::Secret');
    const values = Object.fromEntries(
      Object.entries(secrets).map(([id, secret]) => [id, secret.Properties.SecretString]),
    );
    expect(values).toEqual({
      [logicalId(unit.usersSecret)]: '{"users":[]}',
      [logicalId(unit.settingsSecret)]: '{}',
    });
  });

  it('grants reading one secret value, and writing the settings secret only where asked', () => {
    const users = { Ref: logicalId(unit.usersSecret) };
    const settings = { Ref: logicalId(unit.settingsSecret) };
    const grantsOfRole = (role: string) => grantsOf(statementsOfRole(template, roles[role] as string));
    expect(grantsOfRole('authorizer')).toEqual([grant('secretsmanager:GetSecretValue', users)]);
    expect(grantsOfRole('reader')).toEqual([grant('secretsmanager:GetSecretValue', settings)]);
    expect(grantsOfRole('writer')).toEqual([
      grant('secretsmanager:GetSecretValue', settings),
      grant('secretsmanager:PutSecretValue', settings),
    ]);
  });
});
