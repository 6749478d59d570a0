import { reasonFromStatus, reasonFromText } from '../classify.js';
import { isHardReason, type Reason } from '../reasons.js';
import { anyMatcher, gapPhrase, type PhraseMatcher } from './gap-phrase.js';
import { anyOf } from './phrases.js';

/**
 * The mailbox parser's layer over the shared classifier (classify.ts). A bounce carries two more
 * clues than a provider webhook does, and both decide whose fault a failure was:
 * - the SMTP stage the remote server refused at: MAIL FROM refuses the sender, RCPT TO the
 *   recipient, DATA the content. A server that refuses "user unknown" only after DATA accepted the
 *   address first: that is a content filter's wording, not a dead address;
 * - the remote server's own words, which outrank the reporting MTA's guess of a status code.
 * A dead-address verdict needs the code and the words to agree; on doubt the answer is soft.
 */
export type SmtpStage = 'connect' | 'mail' | 'rcpt' | 'data';

// A transcript (`>>> RCPT TO:<a@b>` then `<<< 550 ...`): the command that drew the first refusal.
// Sendmail goes on to DATA after a refused RCPT and draws `503 need RCPT`, which is an echo, not a cause.
// Each `>>>` is found first and the rest read sticky after it: one global pattern would re-read up to
// 900 characters at every `>>>` it fails after.
const TRANSCRIPT_HEAD = />>>/g;
const TRANSCRIPT_REST =
  /\s*(data|rcpt to|mail from|helo|ehlo)\b[^\n]{0,300}\n(?:[^\n]{0,300}\n){0,2}?\s*<<<\s*([45]\d\d)/iy;

/** The command and reply code of each transcript exchange, in order, with where it ends. */
function* transcript(text: string): Generator<{ command: string; code: string; end: number }> {
  let readUpTo = 0;
  for (const head of text.matchAll(TRANSCRIPT_HEAD)) {
    const at = head.index ?? 0;
    if (at < readUpTo) continue;
    TRANSCRIPT_REST.lastIndex = at + head[0].length;
    const m = TRANSCRIPT_REST.exec(text);
    if (!m) continue;
    readUpTo = TRANSCRIPT_REST.lastIndex;
    yield { command: m[1] as string, code: m[2] as string, end: readUpTo };
  }
}

const COMMANDS = 'data|rcpt\\s+to|mail\\s+from|helo|ehlo';

const STAGE_PATTERNS: readonly RegExp[] = [
  // Postfix: "(in reply to RCPT TO command)".
  new RegExp(
    `in\\s+reply\\s+to\\s+(?:the\\s+)?(?:end\\s+of\\s+)?(${COMMANDS}|lhlo|xforward|connect|banner|greeting)\\b`,
    'i',
  ),
  // Exim: "SMTP error from remote mail server after RCPT TO:<a@b>".
  new RegExp(
    `\\bafter\\s+(?:pipelined\\s+|sending\\s+|end\\s+of\\s+)*(${COMMANDS}|initial\\s+connection|connect|greeting|banner)\\b`,
    'i',
  ),
  /\bsmtp command\W{0,40}(data|rcpt to|mail from|helo|ehlo)\b/i,
  /did not like our (?:final )?(data|rcpt to|mail from|helo|ehlo)\b/i,
  /most progress was (data|rcpt to|mail from|helo|ehlo)\b/i,
  /\[(data|rcpt_to|mail_from)\]/i,
  // "Technical details: SMTP:RCPT host 192.0.2.8: 553 ...".
  /\bsmtp:(data|rcpt|mail)\b/i,
];

const EMPTY_ADDRESS_SLOT = /(?:^|[\s;])[45]\d\d(?:[ -][45]\.\d\.\d{1,3})?\s+(?:<>\s*)?:\s*\S/;

function stageOf(word: string): SmtpStage {
  const w = word.toLowerCase().replace(/[_\s]+/g, ' ');
  if (w === 'data') return 'data';
  if (w.startsWith('rcpt')) return 'rcpt';
  if (w.startsWith('mail')) return 'mail';
  return 'connect';
}

/** The SMTP command the remote server refused, if the text names it. */
export function smtpStage(text: string | undefined): SmtpStage | undefined {
  if (!text) return undefined;
  for (const m of transcript(text)) {
    if (m.code === '503') continue;
    const stage = stageOf(m.command);
    // With PIPELINING the refusal of RCPT is printed under DATA; a second reply to DATA (503 need
    // RCPT, 554 no valid recipients) shows the first one answered RCPT.
    if (stage === 'data') {
      const after = text.slice(m.end, m.end + 600).split('>>>')[0] ?? '';
      if (/<<<\s*(503|554)\b/.test(after)) return 'rcpt';
    }
    return stage;
  }
  let best: { at: number; stage: SmtpStage } | undefined;
  for (const pattern of STAGE_PATTERNS) {
    const m = pattern.exec(text);
    if (m && (!best || m.index < best.at)) best = { at: m.index, stage: stageOf(m[1] as string) };
  }
  if (best) return best.stage;
  // "550 : User unknown": the reply's address slot is empty because no single recipient was in
  // scope, which is the case only after DATA (carriers' sender filters answer so).
  if (EMPTY_ADDRESS_SLOT.test(text)) return 'data';
  return undefined;
}

// Postfix prefixes every recipient restriction with "Recipient address rejected:"; the reason is
// after it. Alone, the phrase means what it says: the address was refused.
const RESTRICTION_PREFIX = /recipient address rejected:\s*(?=[a-z]{2})/gi;

function withoutPrefix(text: string): string {
  return text.replace(RESTRICTION_PREFIX, ' ');
}
// The words classified: a diagnostic is shorter, and a whole report says what it says early. The
// bound keeps phrase rules with a gap (`exceeds .*size`) linear on a hostile text.
const MAX_WORDS = 4_000;

const SENDER_SIDE_WORDS = anyOf([
  'sender address rejected',
  'sender (address |domain )?(is )?(rejected|denied|unknown|invalid|not (allowed|permitted))',
  'domain of sender',
  'unknown sender',
  'invalid sender',
  'sender verif\\w* fail',
  '\\bsender rejected',
  'not permitted to relay',
  'relay(ing)? (access )?denied',
  'relay not permitted',
  'unable to relay',
  'my name was rejected',
  '(helo|ehlo) (command )?rejected',
  'not accepting connections',
  'client host rejected',
]);
// The phrases with a gap, each found without re-reading the gap (gap-phrase.ts).
const SENDER_SIDE = anyMatcher(
  SENDER_SIDE_WORDS,
  gapPhrase(/sending (ip|address|domain) /gi, /.{0,30}(listed|blocked)/iy),
  gapPhrase(/your (ip|server|domain)( address)? /gi, /.{0,40}(listed|blocked|blacklisted)/iy),
);

// Phrases that say the address itself is dead, beyond the shared classifier's list.
const MAIL_TEXT_RULES: readonly [PhraseMatcher, Reason][] = [
  [
    anyOf([
      'recipient address rejected:?\\s*access denied',
      'not listed in (the )?(domino |public )?(directory|address book)',
      "address (couldn'?t|could not) be found",
      'user (does )?not exist',
      'user not found',
      'unknown (address|local[- ]part)',
      'invalid (address|mailbox|recipient)',
      'address not found',
      'mailbox not found',
      'no such (account|address|person)',
      'account does not exist',
      'recipient (is )?unknown',
      'bad destination mailbox',
      'no mailbox here',
      'mailbox does not exist',
      'is not a (registered|known|valid) (user|recipient|address|mailbox)',
      'no valid recipients',
      'check if (the )?address is correct',
      'addressee unknown',
      'not our customer',
      'unknown or illegal alias',
      'user (is )?invalid',
      '(recipient|user|addressee)( name)? (is )?not recognized',
    ]),
    'user_unknown',
  ],
  [gapPhrase(/doesn'?t have an? /gi, /.{1,60} account/iy), 'user_unknown'],
  [
    anyOf([
      'host not found, try again',
      'name server reply',
      'servfail',
      'dns (lookup|query) (timed out|failed temporarily)',
    ]),
    'network',
  ],
  [
    anyOf([
      'host or domain name not found',
      'illegal (host|domain)',
      "couldn'?t find (a|any) (mail exchanger|host)",
      'no (mx|mail exchanger)',
      'no smtp service',
      'domain (name )?not found',
      'invalid domain',
      'host unknown',
      'unknown host',
      'unrouteable',
      'nxdomain',
      'no such domain',
      'dns lookup fail',
      'domain is not (configured|valid)',
    ]),
    'host_unknown',
  ],
  // The recipient refuses this sender: a live address with a preference, not a dead one.
  [
    anyOf([
      "(refused|rejected|blocked) (due to|by) (the )?recipient('s)? (preferences|settings|filter)",
      'recipient has blocked',
    ]),
    'policy',
  ],
  [
    anyOf([
      '\\bmoved\\b',
      'no longer (valid|available|active|in use|with)',
      'has left',
      'not accepting (mail|messages)',
      'does not accept mail',
    ]),
    'mailbox_inactive',
  ],
];

// Wordings that report a failed directory lookup, which no sender filter borrows: Exchange's
// "recipient name is not recognized", Domino's directory, Google's "address couldn't be found",
// BSD mail.local finding no such local user.
const DIRECTORY_LOOKUP_WORDS = anyOf([
  'recipient name is not recognized',
  'not listed in (the )?(domino |public )?(directory|address book)',
  "address (couldn'?t|could not) be found",
  'check if (the )?address is correct',
  'no valid recipients for',
  'mail\\.local: unknown user',
  // Domino's Japanese templates: "not found in the Domino Directory", "not in the directory list".
  'ディレクトリ(には見つかりません|のリストにありません)',
]);
const DIRECTORY_LOOKUP = anyMatcher(
  DIRECTORY_LOOKUP_WORDS,
  // Yahoo answers so at the end of DATA, where it looks recipients up.
  gapPhrase(/this user doesn'?t have an? /gi, /.{1,80} account/iy),
);

/**
 * Text ready for the phrase rules: one line, bounded, addresses out (a local part such as
 * `blocked@` must not read as a reason). Token by token, so a long run without spaces costs linear time.
 */
function cleaned(text: string): string {
  const words = text.slice(0, MAX_WORDS * 2).split(/\s+/);
  return words
    .map((word) => (word.includes('@') ? word.replace(/^[^@]*@[^\s<>()[\]"',;:]*/, '') : word))
    .join(' ')
    .slice(0, MAX_WORDS);
}

export function reasonFromWords(text: string | undefined): Reason {
  if (!text) return 'unknown';
  const clean = cleaned(text);
  for (const [pattern, reason] of MAIL_TEXT_RULES) if (pattern.test(clean)) return reason;
  return reasonFromText(withoutPrefix(clean));
}

export interface ReasonClues {
  /** Enhanced status, else a basic reply code. */
  status?: string;
  /** The remote server's words (Diagnostic-Code or the bounce's block about this recipient). */
  text?: string;
  stage?: SmtpStage;
  /** The remote server's own code (from its reply), as opposed to the reporting MTA's Status field. */
  remote?: string;
  /** The reporting system's own wording for a failed lookup (reporting-system.ts). */
  lookup?: PhraseMatcher;
}

function isMailboxStatus(status: string | undefined): boolean {
  return !!status && /^[45]\.1\.\d+$/.test(status);
}

/** An address verdict the remote server gave in its own code: it stands whatever the stage. */
function remoteNamesAddress(remote: string | undefined): boolean {
  return (
    !!remote && ((remote[0] === '5' && isMailboxStatus(remote)) || remote === '5.2.1' || remote === '551')
  );
}

export function mailReason({ status, text, stage, remote, lookup }: ReasonClues): Reason {
  const clean = text ? cleaned(text) : '';
  const lookedUp = DIRECTORY_LOOKUP.test(clean) || (lookup?.test(clean) ?? false);
  const permanent = status?.startsWith('5') ?? false;
  const enhanced = status && /^\d\.\d+\.\d+$/.test(status) ? status : undefined;
  const words = reasonFromWords(clean);

  // Refusals of the sender: the address of the recipient is not in question.
  const senderSide =
    stage === 'mail' ||
    stage === 'connect' ||
    enhanced === '5.1.7' ||
    enhanced === '5.1.8' ||
    SENDER_SIDE.test(clean);
  if (senderSide) return words !== 'unknown' && !isHardReason(words) ? words : 'blocked';

  let reason = reasonFromStatus(status, withoutPrefix(clean));
  if (reason === 'unknown') reason = lookedUp ? 'user_unknown' : words;
  else if (isHardReason(words) && !isHardReason(reason) && (permanent || !status)) {
    // A permanent failure the code leaves vague (5.0.0, 5.4.x routing, 5.7.x) but the words name.
    if (['unknown', 'network', 'blocked', 'policy'].includes(reason)) reason = words;
  } else if (isHardReason(reason) && words !== 'unknown' && !isHardReason(words)) {
    // "550 5.1.1 ... has sent to too many recipients": the words are specific, the code generic.
    reason = words;
  }
  // RFC 3464's X-Unix diagnostic type is a local program's exit (procmail, a pipe): its complaint is
  // about that program's run, not a verdict on the address from the recipient's server.
  if (isHardReason(reason) && /^\s*x-unix\s*;/i.test(text ?? '')) return 'unknown';
  if (stage === 'data' && isHardReason(reason) && !remoteNamesAddress(remote) && !lookedUp)
    return 'content_rejected';
  // "User unknown" is also the wording of sender filters (mobile carriers, per-user block lists):
  // without a code for the mailbox (x.1.x) or a refusal at RCPT TO, it does not prove the address dead.
  if (
    reason === 'user_unknown' &&
    stage !== 'rcpt' &&
    !isMailboxStatus(enhanced) &&
    !remoteNamesAddress(remote) &&
    !lookedUp
  )
    return 'unknown';
  // A temporary failure proves nothing dead: the MTA is still trying, or will try again.
  if (isHardReason(reason) && status?.startsWith('4'))
    return reason === 'host_unknown' ? 'network' : 'unknown';
  return reason;
}
