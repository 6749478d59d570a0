import { SecretValue, Validations } from 'aws-cdk-lib';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/**
 * The Secrets Manager secrets. The stack gives each only an empty starting value: the real values are
 * written by operators (users) or the settings API (provider keys, mailbox passwords), so none ever
 * sits in the template or in cdk.out.
 */
export class BounceSecrets extends Construct {
  /** `{"users":[{"name","token","permissions":[...]}]}`, read by the authorizer in basic auth mode. */
  public readonly usersSecret: Secret;
  /** The secret fields of the bounce settings (provider keys, mailbox passwords), by setting path. */
  public readonly settingsSecret: Secret;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.usersSecret = this.secret(
      'ApiUsers',
      'stmails bounce API users: {"users":[{"name","token","permissions":[...]}]}',
      { users: [] },
      'API user tokens are issued to people and scripts by operators with put-secret-value; an automatic ' +
        'rotation would lock those callers out, as no rotation function can hand them new tokens.',
    );
    this.settingsSecret = this.secret(
      'Settings',
      'stmails bounce settings secrets (provider keys, mailbox passwords), written by the settings API',
      {},
      'Holds credentials issued by mail providers and mailbox hosts; they are rotated there and saved ' +
        'through the settings API, which a Secrets Manager rotation function could not do.',
    );
  }

  /**
   * The starting value holds no secret, so nothing authenticates until an operator adds a user.
   * CloudFormation writes it only on create or when this text changes, so later values survive
   * deploys: keep it unchanged.
   */
  private secret(id: string, description: string, initial: object, rotationReason: string): Secret {
    const secret = new Secret(this, id, {
      description,
      secretStringValue: SecretValue.unsafePlainText(JSON.stringify(initial)),
    });
    Validations.of(secret).acknowledge({ id: 'AwsSolutions-SMG4', reason: rotationReason });
    return secret;
  }

  /** Reading the users secret's value, and nothing else (no Describe, no List). */
  grantReadUsers(grantee: IGrantable): void {
    this.grant(grantee, this.usersSecret, 'secretsmanager:GetSecretValue');
  }

  grantReadSettings(grantee: IGrantable): void {
    this.grant(grantee, this.settingsSecret, 'secretsmanager:GetSecretValue');
  }

  /** For the function that saves settings. */
  grantWriteSettings(grantee: IGrantable): void {
    this.grant(grantee, this.settingsSecret, 'secretsmanager:PutSecretValue');
  }

  private grant(grantee: IGrantable, secret: Secret, action: string): void {
    Grant.addToPrincipal({ grantee, actions: [action], resourceArns: [secret.secretArn] });
  }
}
