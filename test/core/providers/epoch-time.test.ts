import { describe, expect, it } from 'vitest';
import { epochTime } from '../../../lambdas/core/providers/epoch-time.js';

describe('epochTime', () => {
  it.each([
    [1764347634, '2025-11-28T16:33:54.000Z'],
    ['1764347634', '2025-11-28T16:33:54.000Z'],
    [1764347634907, '2025-11-28T16:33:54.907Z'],
    ['1764347634907', '2025-11-28T16:33:54.907Z'],
    ['2025-11-28T17:33:54+01:00', '2025-11-28T16:33:54.000Z'],
    ['2025-11-28T16:33:54.5Z', '2025-11-28T16:33:54.500Z'],
  ])('reads %s', (value, expected) => {
    expect(epochTime(value)).toBe(expected);
  });

  it.each([[0], [-5], ['soon'], ['2025-11-28 17:33:54'], [Number.NaN], [1e20], [null], [{}]])(
    'ignores %s',
    (value) => {
      expect(epochTime(value)).toBeUndefined();
    },
  );
});
