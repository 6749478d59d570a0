import { describe, expect, it } from 'vitest';
import { topLevelInteger } from '../../../lambdas/core/providers/top-level-integer.js';

describe('topLevelInteger', () => {
  it('reads the digits of a top-level integer exactly as written', () => {
    expect(topLevelInteger('{"RecordType":"Bounce","ID" : 4323372036854775807}', 'ID')).toBe(
      '4323372036854775807',
    );
  });

  it('ignores the key inside nested objects and inside string values', () => {
    const text = '{"Metadata":{"ID":1},"Details":"(\\"ID\\": 12345678901234567890)","ID":-42}';
    expect(topLevelInteger(text, 'ID')).toBe('-42');
    expect(topLevelInteger('{"Metadata":{"ID":1}}', 'ID')).toBeUndefined();
  });

  it('reads a key written with escapes, and the last of repeated keys as JSON.parse does', () => {
    expect(topLevelInteger('{"\\u0049D":7,"ID":8}', 'ID')).toBe('8');
    expect(topLevelInteger('{"\\u0049D":7}', 'ID')).toBe('7');
  });

  it('reads nothing for a value that is not an integer', () => {
    expect(topLevelInteger('{"ID":1.5}', 'ID')).toBeUndefined();
    expect(topLevelInteger('{"ID":1e3}', 'ID')).toBeUndefined();
    expect(topLevelInteger('{"ID":"12"}', 'ID')).toBeUndefined();
  });
});
