import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { authenticate } from '../core/authenticate.js';
import { BounceError } from '../core/errors.js';
import type { UserStore } from '../core/ports.js';
import { awsDeps } from './deps.js';

export interface AuthorizerDeps {
  users: UserStore;
}

/** `arn:…:apiId/stage/METHOD/path` → `arn:…:apiId/stage/*`: the answer is cached across routes. */
function wholeApi(methodArn: string): string {
  const [prefix, apiId, stage] = methodArn.split('/');
  return `${prefix}/${apiId}/${stage}/*`;
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
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: wholeApi(event.methodArn) }],
      },
      context: { user: user.name, permissions: user.permissions.join(',') },
    };
  };
}

let authorize: ReturnType<typeof createAuthorizer> | undefined;

export async function handler(event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
  authorize ??= createAuthorizer({ users: awsDeps().users });
  try {
    return await authorize(event);
  } catch (error) {
    // API Gateway turns exactly this message into a 401 (the UNAUTHORIZED gateway response).
    if (error instanceof BounceError && error.kind === 'unauthenticated') throw new Error('Unauthorized');
    throw error;
  }
}
