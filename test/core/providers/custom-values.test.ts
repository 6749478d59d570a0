import { describe, expect, it } from 'vitest';
import { firstOf, fromCustomData, fromTags } from '../../../lambdas/core/providers/custom-values.js';

const CAMPAIGN = '6f1c2b0e-4d3a-4c5b-9a8e-7d6c5b4a3f21';
const SUBSCRIBER = '0b9d8c7e-6f5a-4e3d-8c2b-1a0f9e8d7c6b';

describe('fromCustomData', () => {
  it.each([
    ['an object', { stmails_campaign: CAMPAIGN, stmails_subscriber: SUBSCRIBER, other: 1 }],
    ['a JSON object text', JSON.stringify({ stmails_campaign: CAMPAIGN, stmails_subscriber: SUBSCRIBER })],
    ['pairs with &', `stmails_campaign=${CAMPAIGN}&stmails_subscriber=${SUBSCRIBER}`],
    ['pairs with ; and spaces', ` stmails_campaign=${CAMPAIGN}; stmails_subscriber=${SUBSCRIBER} `],
    ['pairs with :', `stmails_campaign:${CAMPAIGN}|stmails_subscriber:${SUBSCRIBER}`],
  ])('reads campaign and subscriber from %s', (_, value) => {
    expect(fromCustomData(value)).toEqual({ campaign: CAMPAIGN, subscriber: SUBSCRIBER });
  });

  it.each([
    ['free text', 'helloworld'],
    ['a number', 42],
    ['a list', [CAMPAIGN]],
    ['nothing', undefined],
    ['a broken JSON', '{"stmails_campaign":'],
  ])('finds nothing in %s', (_, value) => {
    expect(fromCustomData(value)).toEqual({});
  });

  it('decodes URL-encoded values', () => {
    expect(fromCustomData('stmails_campaign=spring%20sale')).toEqual({ campaign: 'spring sale' });
  });
});

describe('fromTags', () => {
  it('reads tags of the form key:value or key=value, the first of each winning', () => {
    expect(
      fromTags([
        'newsletter',
        `stmails_campaign:${CAMPAIGN}`,
        'stmails_campaign:other',
        `stmails_subscriber=${SUBSCRIBER}`,
      ]),
    ).toEqual({
      campaign: CAMPAIGN,
      subscriber: SUBSCRIBER,
    });
    expect(fromTags(`stmails_campaign:${CAMPAIGN}`)).toEqual({ campaign: CAMPAIGN });
    expect(fromTags([1, null, 'stmails_campaign:'])).toEqual({});
  });

  it('firstOf keeps the first source that names each value', () => {
    expect(firstOf({ campaign: 'a' }, { campaign: 'b', subscriber: 'c' })).toEqual({
      campaign: 'a',
      subscriber: 'c',
    });
  });
});
