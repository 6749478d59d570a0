/**
 * A value inside a single-quoted SQL string literal of listmonk's `query` expression. PostgreSQL (with
 * standard_conforming_strings, its default since 9.1) ends such a literal only at a lone `'`, so
 * doubling every `'` keeps any address inside it; NUL cannot appear in a PostgreSQL string at all.
 */
export function sqlString(value: string): string {
  if (value.includes('\u0000')) throw new Error('a NUL character cannot be quoted');
  return `'${value.replaceAll("'", "''")}'`;
}

/** listmonk's query expression that finds one subscriber by uuid. */
export function byUuidQuery(uuid: string): string {
  return `subscribers.uuid = ${sqlString(uuid)}`;
}

/** listmonk's query expression that finds one subscriber by address, case-insensitively. */
export function byEmailQuery(email: string): string {
  return `LOWER(subscribers.email) = ${sqlString(email.toLowerCase())}`;
}
