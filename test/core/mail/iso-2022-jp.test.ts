import { describe, expect, it } from 'vitest';
import { decodeIso2022Jp } from '../../../lambdas/core/mail/iso-2022-jp.js';
import { parseBounce } from '../../../lambdas/core/mail/parse-bounce.js';
import { fixture } from './fixtures.js';

describe('decodeIso2022Jp', () => {
  it('decodes the escape sequences a report field carries', () => {
    expect(decodeIso2022Jp('X-Notes; \u001b$B%f!<%6!<\u001b(B Tanaka')).toBe('X-Notes; ユーザー Tanaka');
  });

  it('leaves a text without escapes, or with 8-bit characters, as it is', () => {
    expect(decodeIso2022Jp('plain text')).toBe('plain text');
    expect(decodeIso2022Jp('caf\u00e9 \u001b$B%f\u001b(B')).toBe('caf\u00e9 \u001b$B%f\u001b(B');
  });
});

describe('a report written in ISO-2022-JP', () => {
  it('is read in Japanese, so its diagnostic keeps the words', async () => {
    const [r] = (await parseBounce(fixture('domino-japanese.eml'))).recipients;
    expect(r).toMatchObject({ email: 'tanaka@recipient.test', status: '5.0.0', action: 'failed' });
    expect(r?.diagnostic).toContain('Domino ディレクトリには見つかりません');
  });
});
