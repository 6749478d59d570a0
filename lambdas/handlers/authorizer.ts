import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { SecretsManagerUserStore } from '../adapters/secrets-manager-user-store.js';
import { systemClock } from '../adapters/system-clock.js';
import { authenticate } from '../core/access/authenticate.js';
import { BounceError } from '../core/errors.js';
import type { UserStore } from '../core/ports.js';
import { isConsoleRequest } from './console-assets.js';
import { authorizerEnvironment } from './environment.js';

export interface AuthorizerDeps {
  users: UserStore;
}

/**
 * `arn:<partition>:execute-api:region:account:apiId/stage/METHOD/path` -> the same ARN with `*` for
 * both METHOD and path.
 * API Gateway caches this answer per Authorization header and applies it to every route, so the
 * policy must cover every method and path of the stage: one naming only the method that happened
 * to come first (`.../stage/GET/*`) would deny the same user's PUT, POST and DELETE for the cache TTL.
 * Permissions per route are checked by the handlers, not by this policy (DESIGN §4).
 */
export function wholeStage(methodArn: string): string {
  const colons = methodArn.split(':');
  const resource = colons.slice(5).join(':');
  const [apiId, stage] = resource.split('/');
  if (colons.length < 6 || colons[0] !== 'arn' || colons[2] !== 'execute-api' || !apiId || !stage) {
    throw new Error(`methodArn is not an execute-api method ARN: ${JSON.stringify(methodArn)}`);
  }
  return `${colons.slice(0, 5).join(':')}:${apiId}/${stage}/*/*`;
}

function authorizationHeader(event: APIGatewayRequestAuthorizerEvent): string | undefined {
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === 'authorization' && value) return value;
  }
  return undefined;
}

/**
 * Authenticates an API user and hands its name and permissions to the route handler, which checks
 * the permission (DESIGN §4). Throws UnauthenticatedError for missing or wrong credentials.
 */
export function createAuthorizer(deps: AuthorizerDeps) {
  return async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
    const user = await authenticate(deps.users, authorizationHeader(event));
    return {
      principalId: user.name,
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: wholeStage(event.methodArn) }],
      },
      context: { user: user.name, permissions: user.permissions.join(',') },
    };
  };
}

/** The principal of a console request whose credentials were refused (never a user's name). */
export const CONSOLE_REFUSED = 'console-refused';

/**
 * What API Gateway is told. Refused credentials are an `Unauthorized` error (the UNAUTHORIZED
 * gateway response: 401 with a basic-auth challenge), except for the console's requests: those get
 * an explicit deny, which API Gateway answers with the ACCESS_DENIED gateway response, a 401
 * without `WWW-Authenticate` in basic mode, so the browser never shows its own login dialog.
 */
export function gatewayAuthorizer(authorize: ReturnType<typeof createAuthorizer>) {
  return async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
    try {
      return await authorize(event);
    } catch (error) {
      if (!(error instanceof BounceError) || error.kind !== 'unauthenticated') throw error;
      if (isConsoleRequest(event.headers ?? {})) {
        return {
          principalId: CONSOLE_REFUSED,
          policyDocument: {
            Version: '2012-10-17',
            Statement: [
              { Action: 'execute-api:Invoke', Effect: 'Deny', Resource: wholeStage(event.methodArn) },
            ],
          },
        };
      }
      // API Gateway turns exactly this message into a 401 (the UNAUTHORIZED gateway response).
      throw new Error('Unauthorized');
    }
  };
}

let authorize: ReturnType<typeof gatewayAuthorizer> | undefined;

/** The authorizer's composition root: only the users secret (no table, no settings). */
function awsUsers(): UserStore {
  const { usersSecretArn } = authorizerEnvironment(process.env);
  return new SecretsManagerUserStore(new SecretsManagerClient({}), usersSecretArn, systemClock);
}

export async function handler(event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
  authorize ??= gatewayAuthorizer(createAuthorizer({ users: awsUsers() }));
  return authorize(event);
}
