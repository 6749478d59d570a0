/** Every permission an API user can hold (DESIGN §4). */
export const PERMISSIONS = [
  'webhooks:post_bounce',
  'bounces:get',
  'bounces:manage',
  'subscribers:get',
  'subscribers:manage',
  'settings:get',
  'settings:manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export function isPermission(value: unknown): value is Permission {
  return typeof value === 'string' && (PERMISSIONS as readonly string[]).includes(value);
}
