import type { Permission } from '../../core/access/permissions.js';
import { ForbiddenError, UnauthenticatedError } from '../../core/errors.js';
import type { HttpEvent } from './types.js';

/** `basic`: the REQUEST authorizer authenticates; `iam`: API Gateway checks SigV4 and IAM policies. */
export type AuthMode = 'basic' | 'iam';

export interface Caller {
  name: string;
}

/**
 * The authorizer only authenticates and passes the user's permissions in its context; the permission
 * is checked here, per route, so a cached authorizer answer never carries one route's grant to another.
 * In IAM mode the route's IAM policy already was the permission.
 */
export function requirePermission(event: HttpEvent, permission: Permission, mode: AuthMode): Caller {
  if (mode === 'iam') {
    const arn = event.requestContext?.identity?.userArn;
    if (!arn) throw new UnauthenticatedError('request is not SigV4-signed');
    return { name: arn };
  }
  const context = event.requestContext?.authorizer as Record<string, unknown> | null | undefined;
  const user = context?.user;
  if (typeof user !== 'string' || user === '') throw new UnauthenticatedError();
  const granted = String(context?.permissions ?? '').split(',');
  if (!granted.includes(permission)) throw new ForbiddenError(`permission denied: ${permission}`);
  return { name: user };
}

/** Who made an authenticated request, for audit entries: the API user, or the IAM principal. */
export function callerName(event: HttpEvent): string | undefined {
  const user = (event.requestContext?.authorizer as Record<string, unknown> | null | undefined)?.user;
  if (typeof user === 'string' && user !== '') return user;
  return event.requestContext?.identity?.userArn ?? undefined;
}
