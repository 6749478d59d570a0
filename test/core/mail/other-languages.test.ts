import { describe, expect, it } from 'vitest';
import { parseBounce } from '../../../lambdas/core/mail/parse-bounce.js';
import { reasonFromWords } from '../../../lambdas/core/mail/reason.js';
import { classifyRecipient } from '../../../lambdas/core/mail/recipient.js';

function recipient(status: string | undefined, diagnostic: string) {
  return classifyRecipient({
    email: 'ana@correo.example',
    action: 'failed',
    status,
    diagnostic,
    maxDiagnosticChars: 1000,
  });
}

// "ディレクトリのリストにありません" (not in the directory's list) in ISO-2022-JP, as a 7-bit body carries it.
const NOT_IN_DIRECTORY_JIS = '\u001b$B%G%#%l%/%H%j$N%j%9%H$K$"$j$^$;$s\u001b(B';

describe('the address-verdict phrases in other languages', () => {
  it.each([
    ['550 5.1.1 Usuario desconocido', 'user_unknown'],
    ['550 5.1.1 El destinatario no existe', 'user_unknown'],
    ['550 5.1.1 Usuário desconhecido', 'user_unknown'],
    ['550 5.1.1 Destinataire inconnu', 'user_unknown'],
    ["550 5.1.1 L'adresse <ana@correo.example> n'existe pas", 'user_unknown'],
    ['550 5.1.1 Empfänger unbekannt', 'user_unknown'],
    ['550 5.1.1 Die Adresse existiert nicht', 'user_unknown'],
    ['550 5.1.1 宛先のメールアドレスは存在しません', 'user_unknown'],
  ])('%s -> %s', (text, reason) => {
    expect(reasonFromWords(text)).toBe(reason);
  });

  it.each([
    ['Esta casilla ha expirado por falta de uso.'],
    ['La cuenta de correo está deshabilitada'],
    ['A conta foi desativada'],
    ['Ce compte a été désactivé'],
    ['Das Postfach ist gesperrt'],
    ['このアカウントは停止されています'],
  ])('"%s" is a disabled mailbox, hard', (text) => {
    expect(recipient(undefined, text)).toMatchObject({ reason: 'mailbox_inactive', hard: true });
  });

  it('"unknown user" in another language is read as in English', () => {
    expect(recipient('5.0.0', 'smtp; 550 Usuario desconocido')).toMatchObject({
      reason: 'user_unknown',
      hard: true,
    });
    expect(recipient('5.0.0', 'smtp; 550 Utilisateur inconnu')).toMatchObject({
      reason: 'user_unknown',
      hard: true,
    });
    // A temporary failure stays soft in any language.
    expect(recipient('4.0.0', 'smtp; 450 Benutzer unbekannt')).toMatchObject({ hard: false });
  });

  it('words about the domain are not words about the mailbox', () => {
    expect(reasonFromWords('550 El dominio no existe')).not.toBe('user_unknown');
    expect(reasonFromWords('Konto wurde angelegt')).not.toBe('mailbox_inactive');
  });
});

describe('a failed directory lookup stands without a code', () => {
  it('in English, whatever the directory is called', () => {
    expect(
      recipient('5.0.0', 'User Ana (ana@correo.example) not found in the corporate directory'),
    ).toMatchObject({ reason: 'user_unknown', hard: true });
    expect(recipient(undefined, 'Recipient is not listed in the global address book')).toMatchObject({
      reason: 'user_unknown',
      hard: true,
    });
  });

  it('in Japanese', () => {
    expect(
      recipient('5.0.0', 'ユーザー Ana (ana@correo.example) はディレクトリには見つかりません。'),
    ).toMatchObject({
      reason: 'user_unknown',
      hard: true,
    });
  });

  it('a plain-text ISO-2022-JP bounce from the recipient’s own system is read after decoding', async () => {
    const message = [
      'From: postmaster@mx.correo.example',
      'To: sender@news.example',
      'Subject: Undeliverable message',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=ISO-2022-JP',
      '',
      '------- Failure Reasons --------',
      NOT_IN_DIRECTORY_JIS,
      'ana@correo.example',
      '------- Returned Message --------',
      'From: sender@news.example',
      'To: ana@correo.example',
      'Subject: Hello',
      '',
      'Hello',
      '',
    ].join('\n');
    const parsed = await parseBounce(message);
    expect(parsed.is_bounce).toBe(true);
    expect(parsed.recipients).toMatchObject([
      { email: 'ana@correo.example', reason: 'user_unknown', hard: true },
    ]);
  });
});
