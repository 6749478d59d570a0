import { BlockList, isIP } from 'node:net';

/**
 * Where sinks may be reached (DESIGN §10): https only; never loopback, private, link-local (the
 * instance metadata address) or unique-local targets, checked on the resolved address. `npm start`
 * also allows plain http to 127.0.0.1/localhost; a deploy-time allow-list of hosts or CIDRs (for a
 * privately hosted stmails reached from a VPC) is the only other way a private target is allowed.
 */
export interface EgressPolicy {
  allowLoopbackHttp: boolean;
  /** Host names (exact, case-insensitive) and CIDRs (`10.1.0.0/16`, `fd00::/8`) that may be private. */
  allow: readonly string[];
}

const FORBIDDEN = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  FORBIDDEN.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const)
  FORBIDDEN.addSubnet(net, prefix, 'ipv6');

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1']);

function family(address: string): 'ipv4' | 'ipv6' {
  return isIP(address) === 6 ? 'ipv6' : 'ipv4';
}

/** IPv4-mapped IPv6 (`::ffff:10.0.0.1`) is judged as the IPv4 address it carries. */
function unmapped(address: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return m ? (m[1] as string) : address;
}

export function isLoopback(address: string): boolean {
  const a = unmapped(address);
  return family(a) === 'ipv4' ? a.startsWith('127.') : a === '::1';
}

function allowList(policy: EgressPolicy): { hosts: Set<string>; nets: BlockList } {
  const hosts = new Set<string>();
  const nets = new BlockList();
  for (const entry of policy.allow) {
    const [net, bits] = entry.split('/');
    if (net && bits !== undefined && isIP(net)) nets.addSubnet(net, Number(bits), family(net));
    else if (net && isIP(net)) nets.addAddress(net, family(net));
    else hosts.add(entry.toLowerCase());
  }
  return { hosts, nets };
}

export function bareHost(hostname: string): string {
  return hostname.replace(/^\[|\]$/g, '').toLowerCase();
}

/** Why the URL may not be used at all (before any lookup), or null. */
export function urlRefusal(policy: EgressPolicy, url: URL): string | null {
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && policy.allowLoopbackHttp && LOOPBACK_NAMES.has(bareHost(url.hostname)))
    return null;
  return policy.allowLoopbackHttp
    ? 'the URL must be https (plain http only to 127.0.0.1 or localhost)'
    : 'the URL must be https';
}

/** Why this resolved address may not be connected to for `host`, or null. */
export function addressRefusal(policy: EgressPolicy, host: string, address: string): string | null {
  const a = unmapped(address);
  const { hosts, nets } = allowList(policy);
  if (hosts.has(bareHost(host)) || nets.check(a, family(a))) return null;
  if (policy.allowLoopbackHttp && LOOPBACK_NAMES.has(bareHost(host)) && isLoopback(a)) return null;
  if (FORBIDDEN.check(a, family(a)))
    return `${host} resolves to ${address}, a loopback, private, link-local or unique-local address`;
  return null;
}

/** Parses the deploy-time allow-list (comma or space separated). */
export function parseAllowList(value: string | undefined): string[] {
  return (value ?? '').split(/[\s,]+/).filter(Boolean);
}
