import { Duration } from 'aws-cdk-lib';
import {
  AuthorizationType,
  IdentitySource,
  type MethodOptions,
  RequestAuthorizer,
} from 'aws-cdk-lib/aws-apigateway';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { AuthMode } from '../lambdas/handlers/http/permission.js';
import type { Route } from '../lambdas/handlers/routes.js';
import { BounceFunction } from './function-construct.js';

export const AUTHORIZER_ENTRY = 'lambdas/handlers/authorizer.ts';

export interface ApiAuthProps {
  /** `basic`: API users from the users secret, through a REQUEST authorizer; `iam`: SigV4 (`AWS_IAM`). */
  readonly mode: AuthMode;
  /** Where the authorizer reads API users (the caller grants the read). */
  readonly usersSecretArn: string;
  /**
   * How long API Gateway reuses an authorizer answer for the same Authorization header. Removing a
   * user takes effect after this plus the authorizer's own one-minute cache of the secret.
   * @default 5 minutes
   */
  readonly cacheTtl?: Duration;
  readonly logRetention?: RetentionDays;
}

/**
 * Who may call the API. The REQUEST authorizer only authenticates: it passes the user and its
 * permissions in the context and each handler checks the route's permission, so a cached answer
 * never grants one route's permission to another (DESIGN §4).
 */
export class ApiAuth extends Construct {
  public readonly mode: AuthMode;
  /** Only in `basic` mode. */
  public readonly authorizerFunction?: BounceFunction;
  /** Only in `basic` mode. */
  public readonly authorizer?: RequestAuthorizer;

  constructor(scope: Construct, id: string, props: ApiAuthProps) {
    super(scope, id);
    this.mode = props.mode;
    if (props.mode !== 'basic') return;
    this.authorizerFunction = new BounceFunction(this, 'Authorizer', {
      entry: AUTHORIZER_ENTRY,
      description: 'API user authorizer',
      timeout: Duration.seconds(5),
      logRetention: props.logRetention,
      // Its only variable, checked at cold start (lambdas/handlers/environment.ts).
      environment: { USERS_SECRET_ARN: props.usersSecretArn },
    });
    this.authorizer = new RequestAuthorizer(this, 'RequestAuthorizer', {
      handler: this.authorizerFunction.fn,
      identitySources: [IdentitySource.header('Authorization')],
      resultsCacheTtl: props.cacheTtl ?? Duration.minutes(5),
    });
  }

  /** The gateway auth of a route: none for `public` routes in either mode. */
  methodOptions(auth: Route['auth']): MethodOptions {
    if (auth === 'public') return { authorizationType: AuthorizationType.NONE };
    if (this.authorizer) return { authorizationType: AuthorizationType.CUSTOM, authorizer: this.authorizer };
    return { authorizationType: AuthorizationType.IAM };
  }
}
