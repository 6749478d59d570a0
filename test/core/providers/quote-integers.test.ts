import { describe, expect, it } from 'vitest';
import { quoteIntegers } from '../../../lambdas/core/providers/quote-integers.js';
import { costRatio, LINEAR_BOUND } from '../../support/linearity.js';

describe('quoteIntegers', () => {
  it('turns integer values of the named keys into strings of the same digits, at any depth', () => {
    const text = '[{"MessageID": 13792286917004336, "x": 1}, {"a": {"MessageID":-20547674933128001}}]';
    expect(JSON.parse(quoteIntegers(text, ['MessageID']))).toEqual([
      { MessageID: '13792286917004336', x: 1 },
      { a: { MessageID: '-20547674933128001' } },
    ]);
  });

  it('leaves other numbers, strings that look like the key, and non-integers alone', () => {
    const text = '{"note":"MessageID","MessageID":1.5,"other":12345678901234567890,"k":"\\"MessageID\\": 1"}';
    expect(quoteIntegers(text, ['MessageID'])).toBe(text);
  });

  it('leaves text that is not JSON not JSON', () => {
    expect(() => JSON.parse(quoteIntegers('{"MessageID": 12', ['MessageID']))).toThrow();
  });

  it('costs linear time in the body', () => {
    const body = (n: number) =>
      `[${Array.from({ length: n }, (_, i) => `{"MessageID":${1e16 + i},"s":"\\"${'x'.repeat(20)}"}`).join(',')}]`;
    const small = body(200);
    const large = body(2000);
    expect(costRatio((size) => quoteIntegers(size === 200 ? small : large, ['MessageID']), 200)).toBeLessThan(
      LINEAR_BOUND,
    );
  });
});
