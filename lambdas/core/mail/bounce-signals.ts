import { type Field, fieldValue } from './header-block.js';
import { anyOf, either, followedBy } from './phrases.js';

/**
 * Whether a message without a delivery-status report is a bounce, from the documented marks of a
 * non-delivery notice: the sender's identity (null sender, MAILER-DAEMON / postmaster), the
 * subjects MTAs write, X-Failed-Recipients (Exim, Gmail) and failure wording in the text.
 */
// Local parts and display names of the accounts MTAs send bounces from (RFC 5321 §4.5.5 null
// sender aside, the MAILER-DAEMON and postmaster conventions; "Mail Delivery System" (Exim,
// Postfix) and "Mail Delivery Subsystem" (Sendmail, Gmail) display names are in every source).
const DAEMON_SENDER = anyOf(
  [
    'mailer[-_]?daemon',
    'mail[-_]?daemon',
    'mailerdaemon',
    'post_?master',
    'mail[-_ ]?delivery[-_ ]?(system|subsystem)?',
    'bounces?',
    'nobody',
  ],
  { before: '(^|[<\\s"\'(])', after: '(@|[>\\s"\')]|$)' },
);

const SUBJECT = either(
  // Exim's delay warning: "Warning: message 1Mabc-000123-AB delayed 24 hours".
  followedBy('warning: message ', [' delayed'], 60),
  anyOf([
    'undeliver',
    'not (been )?delivered',
    'delivery (status|failure|failed|has failed|problem|notification|report|error|incomplete|delayed)',
    'returned mail',
    'returning message',
    'return(ed)? to sender',
    'failure notice',
    'failed delivery',
    'mail delivery',
    'non[- ]?delivery',
    'could not (be )?deliver',
    "can(no|')t be delivered",
    'mail system error',
    'delivery (un)?successful',
    'warning: could not send',
    'delayed mail',
    'message (not delivered|delayed|blocked|rejected|could not)',
    'unable to deliver',
    'rejected',
    'bounced?\\b',
    'nondeliverable',
    'mail could not',
    'error (sending|delivering)',
    'unzustellbar',
    'zustellung',
    'non remis',
    'não entregue',
    'no se (ha )?pudo entregar',
    'impossibile recapitare',
    'erro na entrega',
    'échec de (la )?remise',
    'dsn\\b',
    'ndr\\b',
    'notificaci[oó]n de estado de entrega',
    'permanent (error|failure)',
    'user unknown',
    'no such user',
    'over quota',
    'mailbox (is )?(full|unavailable)',
    'fehler',
    'rechazado',
    '返送',
    'エラー',
    '不可',
    'failure',
  ]),
);

const TEXT = anyOf([
  'could not be delivered',
  "couldn'?t be delivered",
  'was not delivered',
  'were not delivered',
  'has not been delivered',
  'delivery (to the following recipients? )?(has )?failed',
  'failed permanently',
  'permanent (error|fatal error|failure)',
  'unable to deliver',
  'undeliverable',
  'returned to sender',
  'following address(es)? (had|failed)',
  'following recipients?',
  'did not reach',
  'not reach the following',
  'message (could not|was not|cannot) be',
  'error (occurred|was encountered) while',
  'delivery (problem|error|failure)',
  'mailbox (unavailable|full|not found)',
  'user unknown',
  'unknown user',
  'no such (user|mailbox|address)',
  'does not exist',
  'host (not found|unknown)',
  'said:\\s*[45]\\d\\d',
  'rejected (by|your)',
  // qmail-send's template (qmail-send.c: "I'm afraid I wasn't able to deliver your message").
  "i'm afraid i wasn't able",
  "i wasn't able to deliver",
  'giving up',
  'gave up',
  // Postfix's deferral reason ("delivery temporarily suspended: connect to ...", its qmgr(8)).
  'delivery temporarily suspended',
  'will (continue to )?(retry|try)',
  'still (be )?trying',
  'has been delayed',
  'delivery (is|was) delayed',
  'transcript of (the )?session',
  'smtp error',
  'remote (host|server) (said|replied)',
  'permanently rejected',
  'message (was )?rejected',
  'over quota',
  'quota exceeded',
  'unrouteable',
  'nicht zugestellt',
  "n'a pas pu être (remis|distribu)",
  'no se ha podido entregar',
  'non è stato possibile',
  'não foi possível entregar',
]);

export interface BounceSignals {
  daemonSender: boolean;
  bounceSubject: boolean;
  failedRecipientsHeader: boolean;
  failureText: boolean;
  nullSender: boolean;
  /** `Re:` and its translations: a person answering. (A forwarded bounce stays a bounce: staff forward
   * the bounces they got in person to the bounce mailbox so that they are recorded.) */
  personSubject: boolean;
}

// RFC 5321's null reverse-path, as MTAs write it into Return-Path.
const NULL_PATHS = new Set(['', '<>', '<', '>']);
// `Re:` and its translations, perhaps numbered (`Re[2]:`).
const PERSON_SUBJECT = /^\s*(?:re|aw|sv|vs|antw|rv)[ \t]?(?:\[\d{1,4}\])?[ \t]?:/i;

export function bounceSignals(headers: readonly Field[], subject: string, text: string): BounceSignals {
  const from = `${fieldValue(headers, 'from') ?? ''} ${fieldValue(headers, 'sender') ?? ''}`;
  const returnPath = fieldValue(headers, 'return-path');
  return {
    daemonSender: DAEMON_SENDER.test(from),
    bounceSubject: SUBJECT.test(subject),
    failedRecipientsHeader: headers.some((f) => f.name === 'x-failed-recipients'),
    failureText: TEXT.test(text.slice(0, 16_000)),
    nullSender: returnPath !== undefined && NULL_PATHS.has(returnPath.replace(/\s/g, '')),
    personSubject: PERSON_SUBJECT.test(subject),
  };
}

/** A bounce needs two marks, or the one no other mail carries; a human forward of a bounce has only one. */
export function isBounceLike(s: BounceSignals): boolean {
  if (s.failedRecipientsHeader) return true;
  // A person replying about a bounce ("Re: Undelivered Mail") writes a message of their own.
  if (s.personSubject && !s.daemonSender) return false;
  const marks = [s.daemonSender, s.bounceSubject, s.failureText, s.nullSender].filter(Boolean).length;
  return marks >= 2 || (s.daemonSender && marks >= 1);
}

const DELAY = anyOf(
  [
    'delayed',
    'delay(ed)? notification',
    'will (continue to )?(retry|try)',
    'still (be )?trying',
    'not yet been delivered',
    'has not yet been',
    'warning: message',
    'temporarily deferred',
    'deferred',
    'retry (time|timeout) not (yet )?reached',
    'will keep trying',
    'try(ing)? again',
  ],
  { before: '\\b', after: '\\b' },
);
const FINAL = anyOf(
  [
    'permanent(ly)?',
    'gave up',
    'giving up',
    'given up',
    'fatal',
    'failed permanently',
    'could not be delivered',
    'has been (rejected|refused|returned)',
    'returned to sender',
    'undeliverable',
    'not (been )?delivered',
    'retry timeout exceeded',
    'too long',
  ],
  { before: '\\b', after: '\\b' },
);

/** RFC 3464 `delayed` for a text-only notice that says it keeps trying and never that it gave up. */
export function looksDelayed(subject: string, text: string): boolean {
  const head = `${subject}\n${text.slice(0, 4_000)}`;
  return DELAY.test(head) && !FINAL.test(head);
}
