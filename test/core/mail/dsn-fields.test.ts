import { describe, expect, it } from 'vitest';
import { hasDsnFields, parseDsnFields } from '../../../lambdas/core/mail/dsn-fields.js';

describe('parseDsnFields (RFC 3464 §2.2, §2.3)', () => {
  it('splits per-message and per-recipient blocks and unfolds continuation lines', () => {
    const dsn = parseDsnFields(
      [
        'Reporting-MTA: dns; mx.example.net',
        'Arrival-Date: Tue, 12 Nov 2024 09:13:58 +0000',
        '',
        'Original-Recipient: rfc822;a@example.com',
        'Final-Recipient: rfc822; a@example.com',
        'Action: failed',
        'Status: 5.1.1',
        'Diagnostic-Code: smtp; 550 5.1.1 <a@example.com>:',
        '    Recipient address rejected: User unknown',
        '',
        'Final-Recipient: rfc822; b@example.com',
        'Action: Delayed',
        'Status: 4.2.2',
        '',
      ].join('\r\n'),
    );
    expect(dsn.message['reporting-mta']).toBe('dns; mx.example.net');
    expect(dsn.recipients).toHaveLength(2);
    expect(dsn.recipients[0]).toMatchObject({
      finalRecipient: 'rfc822; a@example.com',
      originalRecipient: 'rfc822;a@example.com',
      action: 'failed',
      status: '5.1.1',
      diagnosticCode: 'smtp; 550 5.1.1 <a@example.com>: Recipient address rejected: User unknown',
    });
    expect(dsn.recipients[1]).toMatchObject({ finalRecipient: 'rfc822; b@example.com', action: 'delayed' });
  });

  it('splits recipients run together without blank lines; Original-Recipient stays with its pair', () => {
    const dsn = parseDsnFields(
      [
        'Final-Recipient: rfc822; a@example.com',
        'Action: failed',
        'Status: 5.1.1',
        'Original-Recipient: rfc822; b-alias@example.com',
        'Final-Recipient: rfc822; b@example.com',
        'Action: failed',
        'Status: 5.2.2',
      ].join('\n'),
    );
    expect(dsn.recipients.map((r) => [r.finalRecipient, r.originalRecipient, r.status])).toEqual([
      ['rfc822; a@example.com', undefined, '5.1.1'],
      ['rfc822; b@example.com', 'rfc822; b-alias@example.com', '5.2.2'],
    ]);
  });

  it('tells text that carries report fields from text that does not', () => {
    expect(hasDsnFields('Final-Recipient: rfc822; a@example.com\nStatus: 5.0.0')).toBe(true);
    expect(hasDsnFields('The final recipient was a@example.com; status unknown')).toBe(false);
  });

  it('stops at its field limit on hostile input', () => {
    const text = 'Final-Recipient: rfc822; a@example.com\nAction: failed\n'.repeat(50_000);
    const dsn = parseDsnFields(text, 100);
    expect(dsn.recipients.length).toBeLessThanOrEqual(100);
  });
});
