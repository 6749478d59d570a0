import { isHardReason, type Reason } from './reasons.js';

/**
 * The one classifier every source shares (DESIGN §3): provider fields decide first (in each
 * provider's module), then the enhanced status code, then the diagnostic text. A provider's reason
 * never loses to a guess from text.
 */

const ENHANCED = /\b([245])\.(\d{1,3})\.(\d{1,3})\b/;
const BASIC = /\b([245]\d\d)\b/;

const LINE_BREAK = /[\n\r\u2028\u2029]/;

/**
 * `exceeds … size` within one line. Line by line with indexOf, because a pattern with a `.*` gap
 * (`exceeds .*size`) costs time quadratic in the text when the text repeats `exceeds`.
 */
const EXCEEDS_SIZE = {
  test(text: string): boolean {
    return text
      .toLowerCase()
      .split(LINE_BREAK)
      .some((line) => {
        const at = line.indexOf('exceeds ');
        return at >= 0 && line.includes('size', at + 'exceeds '.length);
      });
  },
};

const TEXT_RULES: readonly [{ test(text: string): boolean }, Reason][] = [
  // Before the user rule: "Domain does not exist" names the domain, not a user.
  [/domain (does not|doesn'?t) exist|domain is not reachable/i, 'host_unknown'],
  [
    /user unknown|unknown user|does not exist|doesn'?t exist|no such (user|mailbox|recipient)|recipient not found|unknown recipient|mailbox unavailable|invalid recipient|recipient (address )?rejected|address rejected|not a valid mailbox|no mailbox/i,
    'user_unknown',
  ],
  [
    /host unknown|unknown host|domain not found|no such domain|host not found|nxdomain|unrouteable address/i,
    'host_unknown',
  ],
  [
    /inactive|account (is )?disabled|mailbox (is )?disabled|not accepting|account has been disabled|suspended|deactivated|expired account/i,
    'mailbox_inactive',
  ],
  [
    /quota|mailbox (is )?full|insufficient storage|over ?quota|exceeded storage|mailbox size limit/i,
    'mailbox_full',
  ],
  [/too large|message size|size limit/i, 'message_too_large'],
  [EXCEEDS_SIZE, 'message_too_large'],
  [/virus|malware|infected/i, 'virus'],
  [/dmarc|spf|dkim|authentication/i, 'policy'],
  // Block lists named after spam (Spamhaus, SpamCop) block the sender; they say nothing of the content.
  [/spamhaus|spamcop|blacklist|blocklist|block list|black list|dnsbl|\brbl\b|listed (at|on|in)/i, 'blocked'],
  [/spam|junk/i, 'spam_detected'],
  [/blacklist|blocklist|block list|black list|reputation|blocked|listed at|rbl|spamhaus/i, 'blocked'],
  [/too many|rate limit|rate-limit|try again later|throttl/i, 'rate_limited'],
  [/timed? ?out|connection refused|dns|tls|greylist|graylist|network/i, 'network'],
];

export function reasonFromText(text: string | undefined): Reason {
  if (!text) return 'unknown';
  for (const [pattern, reason] of TEXT_RULES) if (pattern.test(text)) return reason;
  return 'unknown';
}

/** The enhanced status code (`5.1.1`) found in a status field or a diagnostic, if any. */
export function enhancedStatus(text: string | undefined): string | undefined {
  const m = text ? ENHANCED.exec(text) : null;
  return m ? `${m[1]}.${m[2]}.${m[3]}` : undefined;
}

/** Reason from an enhanced status, helped by the text where the code alone says little. */
export function reasonFromStatus(status: string | undefined, text?: string): Reason {
  const enhanced = enhancedStatus(status);
  if (enhanced) {
    const [cls, subject, detail] = enhanced.split('.') as [string, string, string];
    const code = `${subject}.${detail}`;
    if (cls === '5' && ['1.1', '1.0', '1.3', '1.6', '1.10'].includes(code)) return 'user_unknown';
    if (cls === '5' && code === '1.2') return 'host_unknown';
    if (cls === '5' && code === '2.1') return 'mailbox_inactive';
    if (code === '2.2') return 'mailbox_full';
    if (cls === '5' && (code === '3.4' || code === '2.3')) return 'message_too_large';
    if (code === '4.7') return 'expired';
    if (subject === '4') return 'network';
    if (subject === '7') {
      const fromText = reasonFromText(text);
      if (/dmarc|spf|dkim/i.test(text ?? '')) return 'policy';
      if (fromText === 'spam_detected' || fromText === 'content_rejected' || fromText === 'virus')
        return fromText;
      if (cls === '5' && code === '7.1')
        return fromText === 'unknown' || fromText === 'user_unknown' ? 'blocked' : fromText;
      return fromText === 'unknown' ? 'policy' : fromText;
    }
    return reasonFromText(text);
  }
  const basic = status ? BASIC.exec(status) : null;
  if (basic?.[1] === '552') return 'mailbox_full';
  return reasonFromText(text);
}

/** DESIGN's meaning of hard: the address is dead. Everything else is soft (complaints apart). */
export function typeForReason(reason: Reason): 'hard' | 'soft' | 'complaint' {
  if (reason === 'complaint') return 'complaint';
  return isHardReason(reason) ? 'hard' : 'soft';
}
