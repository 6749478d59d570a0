import { anyOf, either, followedBy, type Phrases } from './phrases.js';

/**
 * The address-verdict phrase families of reason.ts in the other languages mail servers answer in
 * (Spanish, Portuguese, French, German, Japanese). Plain words of each language, not one system's
 * template: a server that writes its replies in its users' language says "unknown user" or
 * "mailbox disabled" in that language, and the verdict is the same. Like reason.ts they run on
 * `plainWords` text (lower case, single spaces, addresses replaced by `@`). Japanese has no spaces
 * between words, so a subject and its verdict are matched within a bounded window (followedBy).
 *
 * A family here only names the reason; the rules that keep such words soft (a temporary code, a
 * refusal after DATA, a guess, a reply about the sender) apply as they do in English.
 */

// Japanese subjects a verdict is about: user, account, addressee, address, mailbox.
const JA_ADDRESS = '(?:ユーザー?|アカウント|宛先|受取人|受信者|メールアドレス|アドレス|メールボックス)';

/** "Unknown user", "the address does not exist". */
export const USER_UNKNOWN_OTHER: Phrases = either(
  anyOf(
    [
      // Spanish.
      'usuario (?:desconocido|inexistente|no existe)',
      'destinatario (?:desconocido|inexistente|no existe)',
      '(?:cuenta|casilla|buz[oó]n|direcci[oó]n) (?:de correo )?(?:inexistente|no existe)',
      // Portuguese.
      'usu[aá]rio (?:desconhecido|inexistente|n[aã]o existe)',
      'destinat[aá]rio (?:desconhecido|inexistente|n[aã]o existe)',
      '(?:conta|caixa postal|endere[cç]o) (?:de e-?mail )?(?:inexistente|n[aã]o existe)',
      // French.
      '(?:utilisateur|destinataire|compte) (?:inconnu|inexistant)',
      'adresse (?:e-?mail )?(?:inconnue|inexistante)',
      // German.
      '(?:benutzer|empf[aä]nger|adresse|postfach|konto)(?:name)? (?:ist )?unbekannt',
      'unbekannte[rs]? (?:benutzer|empf[aä]nger|adresse|postfach)',
    ],
    { flags: '' },
  ),
  followedBy('(?:utilisateur|destinataire|adresse|compte|bo[iî]te aux lettres) ', ["n'existe pas"], 40),
  followedBy('(?:benutzer|empf[aä]nger|adresse|postfach|konto) ', ['existiert nicht', 'gibt es nicht'], 40),
  followedBy(JA_ADDRESS, ['存在しません', '見つかりません'], 30),
  anyOf(
    ['宛先不明', '該当(?:する)?(?:ユーザー?|アカウント|宛先)(?:が|は)?(?:ありません|存在しません|なし)'],
    {
      flags: '',
    },
  ),
);

/** The mailbox exists but its provider disabled, suspended, blocked, closed or expired it. */
export const MAILBOX_INACTIVE_OTHER: Phrases = either(
  anyOf(
    [
      // Spanish: "Esta casilla ha expirado por falta de uso", "la cuenta está deshabilitada".
      '(?:casilla|buz[oó]n|cuenta)(?: de correo)? (?:(?:ha sido|ha|est[aá]) )?(?:expirad|deshabilitad|desactivad|suspendid|bloquead|cerrad|inactiv)[oa]',
      // Portuguese.
      '(?:caixa postal|caixa de correio|conta)(?: de e-?mail)? (?:(?:foi|est[aá]) )?(?:desativad|desabilitad|suspens|bloquead|encerrad|inativ|expirad)[oa]',
      // French.
      '(?:compte|bo[iî]te aux lettres)(?: de messagerie)? (?:(?:a [ée]t[ée]|est) )?(?:d[ée]sactiv[ée]|suspendu|bloqu[ée]|ferm[ée]|inacti[fv]|expir[ée])',
      // German.
      '(?:postfach|konto|mailbox) (?:(?:ist|wurde) )?(?:deaktiviert|gesperrt|stillgelegt|geschlossen)',
    ],
    { flags: '' },
  ),
  followedBy(JA_ADDRESS, ['停止されて', '無効', '凍結', '閉鎖', '休止'], 20),
);

/**
 * A failed directory lookup: the recipient's mail system looked the name up in its own directory
 * and did not find it, which no sender filter words so. Japanese servers say "... はディレクトリには
 * 見つかりません" (not found in the directory) or "ディレクトリのリストにありません" (not in the
 * directory's list).
 */
export const DIRECTORY_LOOKUP_OTHER: Phrases = followedBy(
  'ディレクトリ',
  ['見つかりません', 'ありません', '存在しません'],
  20,
);
