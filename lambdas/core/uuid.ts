const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** UUIDs compare and store lower-cased, so `ABC…` and `abc…` are one subscriber. */
export function normaliseUuid(value: string): string {
  return value.toLowerCase();
}
