import { reasonFromStatus, reasonFromText } from '../bounces/classify.js';
import { isHardReason, type Reason } from '../bounces/reasons.js';
import { DIRECTORY_LOOKUP_OTHER, MAILBOX_INACTIVE_OTHER, USER_UNKNOWN_OTHER } from './other-languages.js';
import { anyOf, either, followedBy, type Phrases } from './phrases.js';

/**
 * The mailbox parser's layer over the shared classifier (classify.ts). A bounce carries two more
 * clues than a provider webhook does, and both decide whose fault a failure was:
 * - the SMTP stage the remote server refused at: MAIL FROM refuses the sender, RCPT TO the
 *   recipient, DATA the content. A server that refuses "user unknown" only after DATA accepted the
 *   address first: that is a content filter's wording, not a dead address;
 * - the remote server's own words, which outrank the reporting MTA's guess of a status code.
 * Words that say the address does not exist ("user unknown", "no such user", "mailbox unavailable")
 * make it dead, as an address code (x.1.x) does, unless something in the message says otherwise: a
 * temporary code (4xx), a refusal after DATA (a content filter's wording), a guess ("may not
 * exist") instead of a verdict, or a reply that is about the sender's own address or domain. An
 * address code stands whatever the words.
 *
 * Every phrase rule here runs on `plainWords` text: lower case, one space between words, addresses
 * taken out, at most MAX_WORDS characters. So the patterns are written in lower case with single
 * spaces, and none needs a case-insensitive flag or a whitespace run. A rule that quotes one
 * system's template names where that wording was seen (two sources at least) or documented.
 */
export type SmtpStage = 'connect' | 'mail' | 'rcpt' | 'data';

const MAX_WORDS = 4_000;

/**
 * Text ready for the phrase rules: one line, lower case, bounded, addresses out (a local part such
 * as `blocked@` must not read as a reason). Token by token, so a long run without spaces costs linear time.
 */
export function plainWords(text: string): string {
  const words = text
    .slice(0, MAX_WORDS * 2)
    .toLowerCase()
    .split(/\s+/);
  const out: string[] = [];
  let length = 0;
  for (const word of words) {
    if (!word) continue;
    const at = word.indexOf('@');
    const kept = at < 0 ? word : afterAddress(word, at);
    out.push(kept);
    length += kept.length + 1;
    if (length >= MAX_WORDS) break;
  }
  return out.join(' ').slice(0, MAX_WORDS);
}

const LOCAL_PART = /[a-z0-9!#$%&'*+/=?^_`{|}~.-]/;
const DOMAIN_PART = /[a-z0-9.-]/;

/**
 * A token with its address replaced by `@` (`to:<a@b>:` -> `to:<@>:`), the words around it kept:
 * Sendmail's `a@b.example...User unknown` keeps `...user`, as the domain ends at its last label.
 */
function afterAddress(word: string, at: number): string {
  let start = at;
  while (start > 0 && LOCAL_PART.test(word[start - 1] as string)) start--;
  let end = at + 1;
  // A domain has no empty label: `..` ends it (Sendmail's `a@b.example...User unknown`).
  while (
    end < word.length &&
    DOMAIN_PART.test(word[end] as string) &&
    !(word[end] === '.' && word[end + 1] === '.')
  )
    end++;
  while (end > at + 1 && word[end - 1] === '.') end--;
  return `${word.slice(0, start)}@${word.slice(end)}`;
}

const COMMAND = '(data|rcpt to|mail from|helo|ehlo)';

// The reply that follows a command in a transcript (`>>> RCPT TO:<a@b>` then `<<< 550 ...`), on
// its own line; a line-based walk, so no pattern spans lines.
const TRANSCRIPT_COMMAND = new RegExp(`^>>> ?${COMMAND}\\b`);
const TRANSCRIPT_REPLY = /^<<< ?([45]\d\d)\b/;

/** Stage words in the MTAs' own bounce templates, each with the command it names (or the stage). */
const STAGE_PATTERNS: readonly [RegExp, SmtpStage?][] = [
  // Postfix: "(in reply to RCPT TO command)", "(in reply to end of DATA command)".
  [
    new RegExp(
      `in reply to (?:the )?(?:end of )?(${COMMAND.slice(1, -1)}|lhlo|xforward|connect|banner|greeting)\\b`,
    ),
  ],
  // Exim: "SMTP error from remote mail server after RCPT TO:<a@b>", "after end of data".
  [
    new RegExp(
      `\\bafter (?:pipelined |sending |end of ){0,3}(${COMMAND.slice(1, -1)}|initial connection|connect|greeting|banner)\\b`,
    ),
  ],
  [new RegExp(`\\bsmtp command[^a-z]{0,40}${COMMAND}\\b`)],
  [new RegExp(`did not like our (?:final )?${COMMAND}\\b`)],
  [new RegExp(`most progress was ${COMMAND}\\b`)],
  [/\[(data|rcpt_to|mail_from)\]/],
  // "Technical details: SMTP:RCPT host 192.0.2.8: 553 ...".
  [/\bsmtp:(data|rcpt|mail)\b/],
  // qmail-remote.c (qmail 1.03, lines 249, 265, 271) writes these three templates; seen from
  // bounce_email (tt_bounce_25) and sisimai (lhost-qmail-*).
  [/\bdoes not like recipient\b/, 'rcpt'],
  [/\bfailed (?:on data command|after i sent the message)\b/, 'data'],
];

// "550 : User unknown": the reply's address slot is empty because no single recipient was in scope,
// which is the case only after DATA (carriers' sender filters answer so).
const EMPTY_ADDRESS_SLOT = /(?:^|[ ;])[45]\d\d(?:[ -][45]\.\d\.\d{1,3})? (?:<> ?)?: ?[^ ]/;

function stageOf(word: string): SmtpStage {
  const w = word.replace(/_/g, ' ');
  if (w === 'data') return 'data';
  if (w.startsWith('rcpt')) return 'rcpt';
  if (w.startsWith('mail')) return 'mail';
  return 'connect';
}

/**
 * The command of the first refusal in a transcript. Sendmail goes on to DATA after a refused RCPT and
 * draws `503 need RCPT`, an echo, not a cause; with PIPELINING the refusal of RCPT is printed under
 * DATA, and a second reply to DATA (503 need RCPT, 554 no valid recipients) shows it answered RCPT.
 */
function transcriptStage(text: string): SmtpStage | undefined {
  if (!text.includes('>>>')) return undefined;
  const lines = text.split('\n', 2_000).map((line) => line.trim().toLowerCase().replace(/\s+/g, ' '));
  for (let i = 0; i < lines.length; i++) {
    const command = TRANSCRIPT_COMMAND.exec(lines[i] as string);
    if (!command) continue;
    const replies: string[] = [];
    for (let j = i + 1; j < lines.length && j <= i + 8 && !(lines[j] as string).startsWith('>>>'); j++) {
      const reply = TRANSCRIPT_REPLY.exec(lines[j] as string);
      if (reply) replies.push(reply[1] as string);
    }
    const first = replies.find((code) => code !== '503');
    if (!first) continue;
    const stage = stageOf(command[1] as string);
    if (stage === 'data' && replies.slice(replies.indexOf(first) + 1).some((c) => c === '503' || c === '554'))
      return 'rcpt';
    return stage;
  }
  return undefined;
}

/** The SMTP command the remote server refused, if the text names it. */
export function smtpStage(text: string | undefined): SmtpStage | undefined {
  if (!text) return undefined;
  const fromTranscript = transcriptStage(text);
  if (fromTranscript) return fromTranscript;
  const words = plainWords(text);
  let best: { at: number; stage: SmtpStage } | undefined;
  for (const [pattern, fixed] of STAGE_PATTERNS) {
    const m = pattern.exec(words);
    if (m && (!best || m.index < best.at)) best = { at: m.index, stage: fixed ?? stageOf(m[1] as string) };
  }
  if (best) return best.stage;
  if (EMPTY_ADDRESS_SLOT.test(words)) return 'data';
  return undefined;
}

// Postfix prefixes every recipient restriction with "Recipient address rejected:" (postconf(5),
// smtpd_recipient_restrictions); the reason is after it. Alone, the phrase means what it says.
const RESTRICTION_PREFIX = /recipient address rejected: ?(?=[a-z]{2})/g;

function withoutPrefix(text: string): string {
  return text.replace(RESTRICTION_PREFIX, ' ');
}

// Refusals of the sender, its host or its relay: the address of the recipient is not in question.
// Postfix names its restrictions so (postconf(5): "Sender address rejected", "Client host
// rejected", "Helo command rejected", "Relay access denied"); the rest is plain English.
const SENDER_SIDE = either(
  followedBy('sending (?:ip|address|domain) ', ['listed', 'blocked'], 30),
  followedBy('your (?:ip|server|domain)(?: address)? ', ['listed', 'blocked'], 40),
  anyOf(
    [
      'sender address rejected',
      'sender (?:address |domain )?(?:is )?(?:rejected|denied|unknown|invalid|not (?:allowed|permitted))',
      'domain of sender',
      'unknown sender',
      'invalid sender',
      'sender verif[a-z]* fail',
      '\\bsender rejected',
      'not permitted to relay',
      'relay(?:ing)? (?:access )?denied',
      'relay not permitted',
      'unable to relay',
      'my name was rejected',
      '(?:helo|ehlo) (?:command )?rejected',
      'not accepting connections',
      'client host rejected',
    ],
    { flags: '' },
  ),
);

// Wordings that say the address itself does not exist, beyond the shared classifier's list. Plain
// English that any server may write; a template of one system is marked where it is one.
const USER_UNKNOWN = anyOf(
  [
    'recipient address rejected: ?access denied',
    'user (?:does )?not exist',
    'user not found',
    'unknown (?:address|local[- ]part)',
    'invalid (?:address|mailbox|recipient)',
    'address not found',
    'mailbox not found',
    'no such (?:account|address|person)',
    'account does not exist',
    'recipient (?:is )?unknown',
    'non-?existent (?:user|address|mailbox|recipient|account)',
    // RFC 3463's own text for X.1.1: "Bad destination mailbox address".
    'bad destination mailbox',
    // qmail-local's "Sorry, no mailbox here by that name. (#5.1.1)"; seen from bounce_email,
    // php-bounce-handler and sisimai.
    'no mailbox here',
    'mailbox does not exist',
    'is not a (?:registered|known|valid) (?:user|recipient|address|mailbox)',
    'no valid recipients',
    'address(?:ee)? unknown',
    'user (?:is )?invalid',
    '(?:recipient|user|addressee)(?: name)? (?:is )?not recognized',
  ],
  { flags: '' },
);

// A temporary DNS answer: the domain may well exist.
const DNS_TEMPORARY = anyOf(
  [
    // Postfix: "Host or domain name not found. Name service error for name=... type=MX: Host not
    // found, try again" (its smtp(8) DNS client), against the permanent form without "try again".
    'host not found, try again',
    'name server reply',
    'servfail',
    'dns (?:lookup|query) (?:timed out|failed temporarily)',
    'temporary (?:dns|lookup|name resolution) (?:failure|error)',
  ],
  { flags: '' },
);

// A permanent DNS verdict: the domain does not exist or publishes no mail exchanger (a null MX,
// RFC 7505, says so on purpose). Plain English, plus the fixed forms of Postfix ("Host or domain
// name not found", smtp(8)), qmail-remote.c ("Sorry, I couldn't find any host named ...", "... a
// mail exchanger or IP address") and Exim ("Unrouteable address", "unrouteable mail domain").
const HOST_UNKNOWN = anyOf(
  [
    'host or domain name not found',
    'illegal (?:host|domain)',
    "couldn'?t find (?:a|any) (?:mail exchanger|host)",
    '(?:has )?no (?:mx|mail exchanger)s?\\b',
    'null mx',
    'no smtp service',
    'domain (?:name )?not found',
    'no such (?:domain|host)',
    'invalid domain',
    'host unknown',
    'unknown host',
    'unrouteable',
    'nxdomain',
    'non-?existent domain',
    'name or service not known',
    'dns lookup fail',
    'domain is not (?:configured|valid)',
  ],
  { flags: '' },
);

// The recipient refuses this sender: a live address with a preference, not a dead one.
const RECIPIENT_PREFERENCE = anyOf(
  [
    "(?:refused|rejected|blocked) (?:due to|by) (?:the )?recipient(?:'s)? (?:preferences|settings|filter)",
    'recipient has blocked',
  ],
  { flags: '' },
);

// The mailbox exists but takes no mail: moved, closed, disabled, locked or frozen by its provider.
const MAILBOX_INACTIVE = anyOf(
  [
    '\\bmoved\\b',
    'no longer (?:valid|available|active|in use|with)',
    'has left',
    'not accepting (?:mail|messages)',
    'does not accept mail',
    '(?:account|mailbox)(?: has been| is|) (?:disabled|deactivated|suspended|locked|frozen|closed|discontinued|expired|inactive)',
    '(?:disabled|deactivated|suspended|locked|frozen|closed|inactive) (?:recipient|account|mailbox|user)',
    // "The recipient account is blocked": the account's own state, not a block of the sender.
    "recipient(?:'s)? (?:account|mailbox) (?:has been |is )?blocked",
  ],
  { flags: '' },
);

// Wordings that report a failed directory lookup, which no content filter borrows, so they stand even
// when refused after DATA: the recipient's system looked the name up in its own directory ("not listed in ... directory", "not found in the
// address book", and the same in other languages, other-languages.ts). Lotus Domino's "User x (a@b)
// not listed in Domino Directory" / "... in public Name & Address Book" is one such wording (sisimai
// lhost-domino-01; bounce_email tt_1234210655, tt_bounce_15). One system's fixed template, seen from
// two sources at least: Yahoo's "This user doesn't have a yahoo.com account", given at the end of
// DATA, where Yahoo looks recipients up (sisimai lhost-yahoo-*, bounce_email, node-baunsu,
// cws-mailbouncehandler).
const DIRECTORY_LOOKUP = either(
  followedBy('not (?:listed|found) in ', ['directory', 'address book'], 40),
  followedBy("this user doesn'?t have an? ", [' account'], 80),
  DIRECTORY_LOOKUP_OTHER,
);

// A guess or a condition, not a verdict: "the account or domain may not exist", "the address is
// probably invalid", "if the user does not exist". A server hedges where it did not look the address
// up (a relay explaining a refusal it passed on); the clause it hedges proves nothing dead.
const HEDGE = anyOf(
  [
    '\\b(?:may|might|could) (?:not|no longer) (?:exist|be (?:valid|available|active|in use|reachable|correct))',
    '\\b(?:may|might) (?:be|have been) (?:invalid|unknown|incorrect|wrong|misspelled|mistyped|disabled|deactivated|deleted|removed|closed|inactive|unavailable|suspended|non-?existent)',
    "\\b(?:possibly|perhaps|probably|maybe|likely) (?:does not exist|doesn'?t exist|not exist|invalid|unknown|non-?existent|disabled|inactive)",
    '\\bit is (?:possible|likely) that',
    "\\b(?:if|whether) (?:the|this|that|your) (?:e-?mail )?(?:address|account|mailbox|user|recipient)(?: name)? (?:(?:does not|doesn'?t|no longer) exist|is (?:invalid|unknown|not valid))",
  ],
  { flags: '' },
);
const CLAUSE_END = /[.;,!?]/;
const MAX_CLAUSE = 160;
const MAX_GUESSES = 20;

/** The words without the clauses a hedge governs: from the hedge to the end of its clause. */
function withoutGuesses(words: string): string {
  let rest = words;
  let out = '';
  for (let i = 0; i < MAX_GUESSES; i++) {
    const m = HEDGE.exec(rest);
    if (!m) break;
    const after = rest.slice(m.index + m[0].length);
    const end = CLAUSE_END.exec(after.slice(0, MAX_CLAUSE))?.index ?? Math.min(after.length, MAX_CLAUSE);
    out += `${rest.slice(0, m.index)} `;
    rest = after.slice(end);
  }
  return out + rest;
}

const MAIL_TEXT_RULES: readonly [Phrases, Reason][] = [
  [DIRECTORY_LOOKUP, 'user_unknown'],
  [USER_UNKNOWN, 'user_unknown'],
  [USER_UNKNOWN_OTHER, 'user_unknown'],
  [DNS_TEMPORARY, 'network'],
  [HOST_UNKNOWN, 'host_unknown'],
  [RECIPIENT_PREFERENCE, 'policy'],
  [MAILBOX_INACTIVE, 'mailbox_inactive'],
  [MAILBOX_INACTIVE_OTHER, 'mailbox_inactive'],
];

export function reasonFromWords(text: string | undefined): Reason {
  if (!text) return 'unknown';
  const words = withoutGuesses(plainWords(text));
  for (const [pattern, reason] of MAIL_TEXT_RULES) if (pattern.test(words)) return reason;
  return reasonFromText(withoutPrefix(words));
}

export interface ReasonClues {
  /** Enhanced status, else a basic reply code. */
  status?: string;
  /** The remote server's words (Diagnostic-Code or the bounce's block about this recipient). */
  text?: string;
  stage?: SmtpStage;
  /** The remote server's own code (from its reply), as opposed to the reporting MTA's Status field. */
  remote?: string;
  /** The remote server's reply names the sender's own address or domain, not the recipient's. */
  aboutSender?: boolean;
  /** The text is prose around the report's fields, not the remote server's reply: it may not soften. */
  prose?: boolean;
}

function isMailboxStatus(status: string | undefined): boolean {
  return !!status && /^[45]\.1\.\d{1,3}$/.test(status);
}

/** An address verdict the remote server gave in its own code: it stands whatever the stage. */
function remoteNamesAddress(remote: string | undefined): boolean {
  return (
    !!remote && ((remote[0] === '5' && isMailboxStatus(remote)) || remote === '5.2.1' || remote === '551')
  );
}

export function mailReason({ status, text, stage, remote, prose, aboutSender }: ReasonClues): Reason {
  const words = text ? withoutGuesses(plainWords(text)) : '';
  const lookedUp = DIRECTORY_LOOKUP.test(words);
  const permanent = status?.startsWith('5') ?? false;
  const enhanced = status && /^\d\.\d{1,3}\.\d{1,3}$/.test(status) ? status : undefined;
  const said = reasonFromWords(words);

  // Refusals of the sender: the address of the recipient is not in question.
  const senderSide =
    stage === 'mail' ||
    stage === 'connect' ||
    enhanced === '5.1.7' ||
    enhanced === '5.1.8' ||
    SENDER_SIDE.test(words) ||
    !!aboutSender;
  if (senderSide) return said !== 'unknown' && !isHardReason(said) ? said : 'blocked';

  let reason = reasonFromStatus(status, withoutPrefix(words));
  if (reason === 'unknown') reason = said;
  else if (isHardReason(said) && !isHardReason(reason) && (permanent || !status)) {
    // A permanent failure the code leaves vague (5.0.0, 5.4.x routing, 5.7.x) but the words name.
    if (['unknown', 'network', 'blocked', 'policy'].includes(reason)) reason = said;
  } else if (isHardReason(reason) && said !== 'unknown' && !isHardReason(said) && !prose) {
    // "550 5.1.1 ... has sent to too many recipients": the words are specific, the code generic.
    reason = said;
  }
  // RFC 3464's X-Unix diagnostic type is a local program's exit (procmail, a pipe): its complaint is
  // about that program's run, not a verdict on the address from the recipient's server.
  if (isHardReason(reason) && /^\s*x-unix\s*;/i.test(text ?? '')) return 'unknown';
  // "Unknown" after DATA is a content filter's wording: the address was accepted at RCPT TO. A
  // mailbox the server calls disabled or closed is a statement about the account, which no filter makes.
  if (
    stage === 'data' &&
    (reason === 'user_unknown' || reason === 'host_unknown') &&
    !remoteNamesAddress(remote) &&
    !lookedUp
  )
    return 'content_rejected';
  // A temporary failure proves nothing dead: the MTA is still trying, or will try again.
  if (isHardReason(reason) && status?.startsWith('4'))
    return reason === 'host_unknown' ? 'network' : 'unknown';
  return reason;
}
