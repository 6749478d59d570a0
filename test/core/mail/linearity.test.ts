import { describe, expect, it } from 'vitest';
import { namesSenderNotRecipient } from '../../../lambdas/core/mail/named-parties.js';
import {
  DIRECTORY_LOOKUP_OTHER,
  MAILBOX_INACTIVE_OTHER,
  USER_UNKNOWN_OTHER,
} from '../../../lambdas/core/mail/other-languages.js';
import { parseBounce } from '../../../lambdas/core/mail/parse-bounce.js';

/**
 * Bounded cost, shown as a ratio (no clock limit): a message ten times larger must cost well under
 * a hundred times the time, as it would if some step were quadratic. Sizes stay under the parser's
 * default limits (limits.ts), so the caps do not hide a superlinear step. Each figure is the CPU
 * time of this process (not the wall clock, which other processes on a busy machine stretch), the
 * best of several runs.
 */
const SMALL = 10_000;
const RATIO_BOUND = 40;
const TRIALS = 7;

function repeatTo(unit: (i: number) => string, size: number): string {
  const parts: string[] = [];
  let length = 0;
  for (let i = 0; length < size; i++) {
    const part = unit(i);
    parts.push(part);
    length += part.length;
  }
  return parts.join('');
}

const HEAD =
  'From: MAILER-DAEMON@mx.example.test\nTo: bounces@sender.test\nSubject: Undelivered Mail Returned to Sender\n';

const SHAPES: Record<string, (size: number) => string> = {
  'recipient lines of a text bounce': (size) =>
    `${HEAD}\n${repeatTo((i) => `<user${i}@example.test>: host mx said: 550 5.1.1 User unknown (in reply to RCPT TO command)\n`, size)}`,
  'recipient blocks of a delivery-status report': (size) =>
    `${HEAD}Content-Type: multipart/report; boundary="b"\n\n--b\nContent-Type: message/delivery-status\n\n` +
    repeatTo((i) => `Final-Recipient: rfc822; u${i}@example.test\nAction: failed\nStatus: 5.1.1\n\n`, size),
  'prose with addresses and no recipient line': (size) =>
    `${HEAD}\n${repeatTo((i) => `mail for someone${i}@example.test from other${i}@example.test was not delivered; `, size)}`,
  'long words without spaces': (size) =>
    `${HEAD}\n<a@example.test>:\n${repeatTo(() => `${'x'.repeat(1_500)}@\n`, size)}`,
  'a quoted header block': (size) =>
    `${HEAD}\n<a@example.test>: 550 5.1.1 unknown\n\n${repeatTo((i) => `> To: r${i}@example.test\n> Subject: s${i}\n`, size)}`,
  'a transcript': (size) =>
    `${HEAD}\n${repeatTo((i) => `>>> RCPT TO:<r${i}@example.test>\n<<< 550-first line\n<<< 550 5.1.1 unknown\n`, size)}`,
  'html markup': (size) =>
    `${HEAD}Content-Type: text/html\n\n${repeatTo((i) => `<div><p>r${i}@example.test</p><script>x</script></div>`, size)}`,
  'Japanese and Spanish verdict words without a verdict': (size) =>
    `${HEAD}\n<a@example.test>:\n${repeatTo(() => 'ユーザーアカウント宛先ディレクトリ usuario cuenta casilla postfach ', size)}`,
  "hedged clauses and the sender's domain in the reply": (size) =>
    `${HEAD}\n<a@example.test>: 550 ${repeatTo((i) => `the address may not exist at news${i}.sender.test or is possibly invalid, `, size)}\n`,
  'header fields': (size) => `${repeatTo((i) => `X-Field-${i}: ${'v'.repeat(40)}\n`, size)}${HEAD}\nbody\n`,
};

async function bestTime(raw: string): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let t = 0; t < TRIALS; t++) {
    const start = process.cpuUsage();
    await parseBounce(raw);
    const spent = process.cpuUsage(start);
    best = Math.min(best, spent.user + spent.system);
  }
  return best;
}

describe('parseBounce costs time linear in its input', () => {
  it.each(Object.keys(SHAPES))(
    '%s: ten times the input, well under a hundred times the time',
    async (name) => {
      const shape = SHAPES[name] as (size: number) => string;
      const small = shape(SMALL);
      const large = shape(SMALL * 10);
      await bestTime(small);
      const ratio = (await bestTime(large)) / Math.max(await bestTime(small), 50);
      expect(ratio).toBeLessThan(RATIO_BOUND);
    },
  );
});

function bestTimeOf(work: () => unknown): number {
  let best = Number.POSITIVE_INFINITY;
  for (let t = 0; t < TRIALS; t++) {
    const start = process.cpuUsage();
    work();
    const spent = process.cpuUsage(start);
    best = Math.min(best, spent.user + spent.system);
  }
  return best;
}

// The phrase families of other languages on their own, without the parser's cap on the words a rule
// sees: a subject word at every position, each opening a window that holds no verdict.
describe('the phrase families of other languages cost time linear in their input', () => {
  const RULES = { USER_UNKNOWN_OTHER, MAILBOX_INACTIVE_OTHER, DIRECTORY_LOOKUP_OTHER };
  it.each(Object.keys(RULES))('%s: ten times the input, well under a hundred times the time', (name) => {
    const rule = RULES[name as keyof typeof RULES];
    const unit = () => 'ユーザーディレクトリ宛先 usuario cuenta casilla postfach benutzer compte ';
    const small = repeatTo(unit, SMALL);
    const large = repeatTo(unit, SMALL * 10);
    bestTimeOf(() => rule.test(small));
    const ratio =
      bestTimeOf(() => rule.test(large)) /
      Math.max(
        bestTimeOf(() => rule.test(small)),
        50,
      );
    expect(ratio).toBeLessThan(RATIO_BOUND);
  });
});

// The check of whom a reply names, on its own: words that almost open a reply (`4x`, `5.`) and
// domain names everywhere, so that every position is looked at.
describe('the check of whom a reply is about costs time linear in its input', () => {
  it('ten times the input, well under a hundred times the time', () => {
    const unit = (i: number) => `news${i}.sender.test 4x 5. <b${i}@sender.test> `;
    const small = repeatTo(unit, SMALL);
    const large = repeatTo(unit, SMALL * 10);
    const check = (text: string) =>
      namesSenderNotRecipient(`${text}550 x`, 'a@recipient.test', ['b@sender.test']);
    bestTimeOf(() => check(small));
    const ratio =
      bestTimeOf(() => check(large)) /
      Math.max(
        bestTimeOf(() => check(small)),
        50,
      );
    expect(ratio).toBeLessThan(RATIO_BOUND);
  });
});
