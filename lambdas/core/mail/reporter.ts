import { addressIn } from './addresses.js';
import { domainOf, organisationalDomain } from './domains.js';
import type { DsnFields } from './dsn-fields.js';
import { type Field, fieldValue } from './header-block.js';

/**
 * The organisations that wrote a bounce: the domain of its From address and of the report's
 * Reporting-MTA. When the recipient's own domain is among them, the recipient's own system
 * answered after accepting the message (recipient.ts).
 */
export function reporterDomains(headers: readonly Field[], dsn: DsnFields | undefined): Set<string> {
  const hosts: string[] = [];
  const from = addressIn(fieldValue(headers, 'from'));
  if (from) hosts.push(domainOf(from));
  const mta = dsn?.message['reporting-mta'];
  if (mta)
    hosts.push(
      mta
        .replace(/^\s*[a-z0-9-]{1,20}\s*;/i, '')
        .trim()
        .split(/[\s(]/)[0] as string,
    );
  const out = new Set<string>();
  for (const host of hosts) {
    const domain = organisationalDomain(host);
    if (domain) out.add(domain);
  }
  return out;
}
