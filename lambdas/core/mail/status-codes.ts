/**
 * Status codes in free text. RFC 3463 codes are class.subject.detail with subject 0-7; the guards
 * keep IP addresses (`192.0.2.5.1.1` never occurs, but `10.5.1.1` does) and version numbers out.
 */
const ENHANCED = /(?<![\d.])([245])\.([0-7])\.(\d{1,3})(?!\.?\d)/;
const ENHANCED_ALL = /(?<![\d.])([245])\.([0-7])\.(\d{1,3})(?!\.?\d)/g;
// A reply code as MTAs print it: at a line start, after "said:", "#", or before an enhanced code.
const REPLY = /(?:^|[\s:#(<[])([245][0-5]\d)(?=[\s-])/m;

// A reply the reporting MTA quotes inside its own text: `550-'5.7.1 ...'` (Amazon SES),
// `... in 840 minutes.<421 4.4.2 Connection timed out>` (Amazon SES and WorkMail), `("550 5.1.1 ...")`.
const QUOTED_REPLY = /(?:\b[45]\d\d[- ]['"]|[<('"][45]\d\d[- ])([45])\.([0-7])\.(\d{1,3})(?!\.?\d)/;

function quotedReplyCode(text: string | undefined): string | undefined {
  const m = text ? QUOTED_REPLY.exec(text) : null;
  return m ? `${m[1]}.${m[2]}.${m[3]}` : undefined;
}

/** The remote server's own code in a diagnostic: a quoted reply's, else the first enhanced or reply code. */
export function remoteCodeIn(text: string | undefined): string | undefined {
  // Exchange: "550 5.1.351 Remote server returned ... -> 550 <a@b>: User unknown".
  const relayed = text?.split(' -> ')[1];
  if (relayed) return enhancedIn(relayed) ?? replyCodeIn(relayed) ?? enhancedIn(text);
  return quotedReplyCode(text) ?? enhancedIn(text) ?? replyCodeIn(text);
}

export function enhancedIn(text: string | undefined): string | undefined {
  const m = text ? ENHANCED.exec(text) : null;
  return m ? `${m[1]}.${m[2]}.${m[3]}` : undefined;
}

/** Every enhanced code of a text in order, so a specific one can win over an `x.0.0` placeholder. */
export function enhancedAllIn(text: string | undefined, max = 20): string[] {
  if (!text) return [];
  const out: string[] = [];
  for (const m of text.matchAll(ENHANCED_ALL)) {
    out.push(`${m[1]}.${m[2]}.${m[3]}`);
    if (out.length >= max) break;
  }
  return out;
}

export function replyCodeIn(text: string | undefined): string | undefined {
  const m = text ? REPLY.exec(text) : null;
  return m?.[1];
}

/**
 * The most telling enhanced code. The remote server's own code (in the diagnostic) outranks the
 * reporting MTA's `Status` field when both are of one class: Sendmail, for one, writes 5.1.1 for
 * any 550. A generic `x.0.0` gives way to a specific code.
 */
export function bestStatus(field: string | undefined, diagnostic: string | undefined): string | undefined {
  const stated = enhancedIn(field);
  // A transcript also holds the 2xx codes of the commands that went well; they explain no failure.
  const codes = enhancedAllIn(diagnostic).filter((code) => code[0] !== '2');
  const specific = codes.find((code) => !code.endsWith('.0.0')) ?? codes[0];
  if (!stated) return specific;
  // "5.1.0 - Unknown address error 550-'5.7.1 ... Access denied'" (Amazon SES): the code inside the
  // quoted reply is the remote server's own; the one before it is the reporter's summary.
  const remote = quotedReplyCode(diagnostic);
  if (remote && remote[0] === stated[0] && !remote.endsWith('.0.0')) return remote;
  if (specific && specific[0] === stated[0] && (stated.endsWith('.0.0') || !codes.includes(stated)))
    return specific;
  return stated;
}
