import { NotFoundError } from '../../core/errors.js';
import { ROUTES, type Route, routeKey } from '../routes.js';
import { type AuthMode, requirePermission } from './permission.js';
import type { HttpEvent } from './types.js';

const BY_KEY = new Map(ROUTES.map((r) => [routeKey(r.method, r.path), r]));

/** Finds the event's route in the route table and checks the permission the table names for it. */
export function guardRoute(event: HttpEvent, mode: AuthMode): Route {
  const route = BY_KEY.get(routeKey(event.httpMethod, event.resource));
  if (!route) throw new NotFoundError();
  if (route.auth === 'api' && route.permission) requirePermission(event, route.permission, mode);
  return route;
}
