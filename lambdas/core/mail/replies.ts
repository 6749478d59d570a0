/**
 * An SMTP reply may span lines (RFC 5321 §4.2.1: `550-first`, `550-more`, `550 last`). Sendmail
 * copies only the first line into Diagnostic-Code, and the cause often stands on a later one
 * ("550-Verification failed for <sender>" ... "550 Sender verify failed"); the transcript in the
 * human-readable part holds them all. This finds the reply there and returns it whole.
 */
const CONTINUED = /^\s*(?:[a-z-]{1,20}\s*;\s*)?([245]\d\d)-(\S.{0,300})$/i;
const MAX_REPLY_LINES = 20;

function replyLine(line: string, code: string): { text: string; last: boolean } | undefined {
  const trimmed = line.trim().replace(/^<<<\s?/, '');
  if (!trimmed.startsWith(code)) return undefined;
  const sep = trimmed[3];
  if (sep !== '-' && sep !== ' ' && sep !== undefined) return undefined;
  return { text: trimmed.slice(4).trim(), last: sep !== '-' };
}

export function wholeReply(diagnostic: string | undefined, report: string): string | undefined {
  if (!diagnostic) return diagnostic;
  const m = CONTINUED.exec(diagnostic.split('\n', 1)[0] as string);
  if (!m) return diagnostic;
  const code = m[1] as string;
  const first = (m[2] as string).trim();
  const lines = report.split('\n');
  const start = lines.findIndex((line) => replyLine(line, code)?.text === first);
  if (start < 0) return diagnostic;
  const rest: string[] = [];
  for (let i = start + 1; i < lines.length && rest.length < MAX_REPLY_LINES; i++) {
    const line = replyLine(lines[i] as string, code);
    if (!line) break;
    rest.push(line.text);
    if (line.last) break;
  }
  return rest.length ? `${diagnostic} ${rest.join(' ')}` : diagnostic;
}
