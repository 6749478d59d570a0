import { anyMatcher, gapPhrase, type PhraseMatcher } from './gap-phrase.js';
import { type Field, fieldValue } from './header-block.js';
import { anyOf } from './phrases.js';
import type { SmtpStage } from './reason.js';

/**
 * What the system that wrote a bounce is known to mean by its own template. Most reporters relay
 * the remote server's reply, whose "user unknown" may be a sender filter's wording (reason.ts); a
 * gateway or mailbox provider that looked the address up itself says so in fixed words, and those
 * words are its verdict on the address.
 */
export interface ReportingSystem {
  name: string;
  /** The template's wording for "this address does not exist here". */
  lookup?: PhraseMatcher;
  /** The SMTP stage its template reports when it names none. */
  stage?: SmtpStage;
}

interface Signature extends ReportingSystem {
  matches(headers: readonly Field[]): boolean;
}

const from = (headers: readonly Field[]) => (fieldValue(headers, 'from') ?? '').toLowerCase();

/** The address of `Name <address>`: after the last `<`, before the next `>` (by position, no pattern). */
function angleAddress(value: string): string {
  const open = value.lastIndexOf('<');
  const inner = open < 0 ? value : value.slice(open + 1);
  const close = inner.indexOf('>');
  return close < 0 ? inner : inner.slice(0, close);
}

const SYSTEMS: readonly Signature[] = [
  {
    // McAfee Email Gateway / Web Security Appliance: "550 Unknown user a@b", "a@b... No such user".
    name: 'mcafee',
    matches: (h) => fieldValue(h, 'x-nai-header') !== undefined,
    lookup: anyMatcher(
      anyOf(['unknown user', 'no such user', 'user not exist']),
      gapPhrase(/user \(/gi, /.{1,200}\) unknown/iy),
    ),
  },
  {
    // Ipswitch IMail: "Unknown user: a@b", "Invalid final delivery userid".
    name: 'imail',
    matches: (h) => /^<?smtp32\b/i.test(fieldValue(h, 'x-mailer') ?? ''),
    lookup: anyOf(['unknown user', 'invalid final delivery userid']),
  },
  {
    // Symantec MessageLabs: "Reason: 550 a@b... No such user".
    name: 'messagelabs',
    matches: (h) => /messagelabs\.com/i.test(`${from(h)} ${fieldValue(h, 'x-msg-ref') ?? ''}`),
    lookup: anyOf(['no such user']),
  },
  {
    // Hotmail / Outlook.com answer an unknown mailbox with RFC 5321's own 550 text.
    name: 'hotmail',
    matches: (h) => /@(hotmail|outlook|live|msn)\.com\b/i.test(from(h)),
    lookup: anyOf(['requested action not taken: mailbox unavailable']),
  },
  {
    // Yahoo's "Failure Notice" lists the replies to RCPT TO, the only command it reports by address.
    name: 'yahoo',
    matches: (h) => /^mailer-daemon@yahoo(inc)?\.[a-z.]+$/i.test(angleAddress(from(h))),
    stage: 'rcpt',
  },
  {
    // Verizon Wireless (vtext.com, vzwpix.com) MMS gateways.
    name: 'verizon',
    matches: (h) => /@(vtext|vzwpix)\.com\b/i.test(from(h)),
    lookup: anyOf(['invalid user address', 'no such user here', 'no valid recipients for this mm']),
  },
];

/** The reporting system a bounce's own header identifies, if it is one with a known template. */
export function reportingSystem(headers: readonly Field[]): ReportingSystem | undefined {
  const found = SYSTEMS.find((s) => s.matches(headers));
  if (!found) return undefined;
  const { matches: _, ...system } = found;
  return system;
}
