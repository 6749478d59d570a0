import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { StaticUserStore } from '../../lambdas/adapters/static-user-store.js';
import {
  CONSOLE_REFUSED,
  createAuthorizer,
  gatewayAuthorizer,
  wholeStage,
} from '../../lambdas/handlers/authorizer.js';

const API = 'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5';
const users = new StaticUserStore([{ name: 'ops', token: 'secret-token', permissions: ['bounces:get'] }]);
const authorize = createAuthorizer({ users });

/** A REQUEST authorizer event as API Gateway sends it for a request to stage v1. */
function authorizerEvent(method: string, path: string, resource: string): APIGatewayRequestAuthorizerEvent {
  return {
    type: 'REQUEST',
    methodArn: `${API}/v1/${method}${path}`,
    resource,
    path,
    httpMethod: method,
    headers: { Authorization: `Basic ${Buffer.from('ops:secret-token').toString('base64')}` },
    multiValueHeaders: {},
    pathParameters: {},
    queryStringParameters: {},
    multiValueQueryStringParameters: {},
    stageVariables: {},
    requestContext: {} as APIGatewayRequestAuthorizerEvent['requestContext'],
  };
}

/** IAM's ARN matching for execute-api: `*` stands for any run of characters, slashes included. */
function allows(resource: string, arn: string): boolean {
  const pattern = resource
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${pattern}$`).test(arn);
}

describe('REQUEST authorizer policy', () => {
  it('covers every method and path of the stage, so a cached answer serves the next route too', async () => {
    const result = await authorize(authorizerEvent('GET', '/api/bounces', '/api/bounces'));
    const [statement] = result.policyDocument.Statement as { Resource: string; Effect: string }[];
    expect(statement?.Effect).toBe('Allow');
    expect(statement?.Resource).toBe(`${API}/v1/*/*`);
    // API Gateway reuses the GET's answer for the same Authorization header on these for 5 minutes.
    for (const next of [
      'PUT/api/settings/bounce',
      'POST/webhooks/bounce',
      'DELETE/api/bounces/01JD0000000000000000000001',
      'GET/api/subscribers/4d5e/bounces',
    ]) {
      expect(allows(statement?.Resource as string, `${API}/v1/${next}`), next).toBe(true);
    }
  });

  it('stays inside its own API and stage', async () => {
    const result = await authorize(authorizerEvent('POST', '/webhooks/bounce', '/webhooks/bounce'));
    const resource = (result.policyDocument.Statement[0] as { Resource: string }).Resource;
    expect(allows(resource, `${API}/v2/GET/api/bounces`)).toBe(false);
    expect(allows(resource, 'arn:aws:execute-api:eu-west-1:123456789012:zzzzzzzzzz/v1/GET/api/bounces')).toBe(
      false,
    );
  });

  it('passes the user and its permissions on to the handlers', async () => {
    const result = await authorize(authorizerEvent('GET', '/api/bounces', '/api/bounces'));
    expect(result.principalId).toBe('ops');
    expect(result.context).toEqual({ user: 'ops', permissions: 'bounces:get' });
  });

  it('keeps the partition, region and account of the method ARN (aws-cn, a root path)', () => {
    expect(wholeStage('arn:aws-cn:execute-api:cn-north-1:111122223333:abc123/prod/GET/')).toBe(
      'arn:aws-cn:execute-api:cn-north-1:111122223333:abc123/prod/*/*',
    );
  });

  it('refuses a methodArn that is not an execute-api method ARN, naming it', () => {
    expect(() => wholeStage('arn:aws:lambda:eu-west-1:123456789012:function:f')).toThrow(/methodArn/);
    expect(() => wholeStage('a1b2c3d4e5/v1/GET/api')).toThrow(/methodArn/);
  });
});

describe('what API Gateway is told about refused credentials', () => {
  const gateway = gatewayAuthorizer(authorize);
  const refused = (headers: Record<string, string>) => ({
    ...authorizerEvent('GET', '/api/stats', '/api/stats'),
    headers: { Authorization: 'token ops:wrong-token', ...headers },
  });

  it('throws Unauthorized for an ordinary caller (the 401 with a basic-auth challenge)', async () => {
    await expect(gateway(refused({}))).rejects.toThrow(/^Unauthorized$/);
  });

  it("denies the console's request explicitly (the 401 without a challenge), for the whole stage", async () => {
    const result = await gateway(refused({ 'X-Requested-With': 'stmails-console' }));
    expect(result.principalId).toBe(CONSOLE_REFUSED);
    expect(result.context).toBeUndefined();
    const [statement] = result.policyDocument.Statement as { Effect: string; Resource: string }[];
    expect(statement?.Effect).toBe('Deny');
    expect(statement?.Resource).toBe(`${API}/v1/*/*`);
  });

  it("lets the console's right credentials through as any caller's", async () => {
    const result = await gateway({
      ...authorizerEvent('GET', '/api/stats', '/api/stats'),
      headers: {
        Authorization: `Basic ${Buffer.from('ops:secret-token').toString('base64')}`,
        'X-Requested-With': 'stmails-console',
      },
    });
    expect(result.principalId).toBe('ops');
    expect((result.policyDocument.Statement[0] as { Effect: string }).Effect).toBe('Allow');
  });
});
