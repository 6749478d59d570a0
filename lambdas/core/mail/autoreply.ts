import { type Field, fieldValue } from './header-block.js';
import { anyOf } from './phrases.js';

/**
 * RFC 3834 auto-replies, out-of-office notices and challenge-response requests: mail a machine
 * sent back in answer, about a mailbox that is alive. The evidence comes in kinds, and they weigh
 * differently against the marks of a bounce (parse-bounce.ts):
 * - `submitted`: an `Auto-Submitted` (RFC 3834) or `Precedence: auto_reply` header. Exim marks its
 *   own bounces `Auto-Submitted: auto-replied`, so this alone never hides a failure report;
 * - `replyHeader`: a header whose name says it is an auto-reply (`X-Autoreply`, `X-Autorespond`,
 *   not Exchange's `X-Auto-Response-Suppress`, which ordinary mail carries), or a vacation subject;
 * - `vacation`: out-of-office wording in the subject or the text;
 * - `challenge`: a request to prove the sender is a person before the mail is delivered. Such a
 *   request may come from a daemon address and speak of a "held" or "returned" message, so it is
 *   recognised before the marks of a bounce are counted.
 */
export interface AutoReplyEvidence {
  submitted: boolean;
  replyHeader: boolean;
  vacation: boolean;
  challenge: boolean;
}

// Header names that call the message an automatic reply, whatever the software that wrote it.
const REPLY_HEADER_NAME = /^x-(?:mail-)?(?:auto-?(?:reply|respon[a-z]{0,4}|generated)|vacation)(?:-from)?$/;
const CHALLENGE_HEADER_NAME = /^x-[a-z0-9-]{0,30}challenge/;

const VACATION_SUBJECT = anyOf(
  [
    'auto(?:matic|matische)?[ _-]?(?:reply|response|responder|antwort|réponse|respuesta|risposta)',
    'autoreply',
    'out[ -]of[ -](?:the[ -])?office',
    'ooo\\b',
    'on vacation',
    'vacation (?:reply|message|notice)',
    'away from (?:the )?office',
    'i am away',
    'abwesenheit',
    'réponse automatique',
    'respuesta automática',
    'risposta automatica',
    'fuera de la oficina',
    'absence',
    'automatisch',
    '自動応答',
    '自動返信',
    '自动回复',
    '不在',
  ],
  { before: '^[ \\t]{0,20}' },
);

const VACATION_TEXT = anyOf(
  [
    'out of (?:the )?office',
    'on (?:annual |parental |maternity |sick )?leave',
    'on (?:vacation|holiday)',
    'i am (?:currently )?(?:away|out|travell?ing|on)\\b',
    "i(?:'| a)m (?:currently )?(?:away|out)\\b",
    'will be (?:out|away|back|returning)',
    'limited access to (?:my )?(?:e-?mail|mail)',
    'return(?:ing)? (?:to the office )?on\\b',
    'automatic(?:ally)? (?:generated )?(?:reply|response)',
    'auto-?reply',
    'vacation message',
  ],
  { before: '\\b' },
);

// Challenge-response systems ask the sender to prove they are a person before the mail is delivered.
const CHALLENGE_SUBJECT = anyOf([
  'please confirm (?:your|that you|this)',
  'verify (?:you are|that you are) (?:a )?human',
  'confirmation (?:of|for) your (?:message|e-?mail)',
  'sender verification',
  'challenge[- ]response',
  '(?:your|this) message (?:is|has been) (?:held|pending|on hold) (?:until|for|pending)',
]);
// In the text only the request itself counts: a bounce may well speak of "sender verification".
const CHALLENGE_TEXT = anyOf([
  'verify (?:you are|that you are) (?:a )?human',
  'confirm (?:you are|that you are) (?:a )?(?:human|real person|person)',
  'held (?:pending|until) (?:your )?(?:verification|confirmation)',
  '(?:is|has been) held until you (?:confirm|verify|reply)',
  'click (?:on )?the (?:link|button) below to (?:confirm|verify)',
  '(?:add|added) to (?:my|the) (?:whitelist|allow ?list|approved senders)',
]);

export function autoReplyEvidence(
  headers: readonly Field[],
  subject: string,
  text: string,
): AutoReplyEvidence {
  const submitted = (fieldValue(headers, 'auto-submitted') ?? '').trim().toLowerCase();
  const precedence = (
    fieldValue(headers, 'precedence') ??
    fieldValue(headers, 'x-precedence') ??
    ''
  ).toLowerCase();
  const head = text.slice(0, 2_000);
  return {
    submitted:
      (submitted !== '' && !submitted.startsWith('no')) ||
      precedence.includes('auto_reply') ||
      precedence.includes('auto-reply'),
    replyHeader: headers.some((f) => REPLY_HEADER_NAME.test(f.name)) || VACATION_SUBJECT.test(subject),
    vacation: VACATION_SUBJECT.test(subject) || VACATION_TEXT.test(head),
    challenge:
      headers.some((f) => CHALLENGE_HEADER_NAME.test(f.name)) ||
      CHALLENGE_SUBJECT.test(subject) ||
      CHALLENGE_TEXT.test(head),
  };
}
