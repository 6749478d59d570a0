/** Messages that break naive POP3 clients: dot lines, no final CRLF, 8-bit bytes, size. */

export const DOTS = Buffer.from(
  'From: mailer-daemon@example.test\r\nSubject: dots\r\n\r\n.leading dot\r\n..two dots\r\n.\r\n. \r\nend\r\n',
);

/** The server must add a CRLF before the terminator; the client gets it back. */
export const NO_FINAL_CRLF = Buffer.from('Subject: no newline\r\n\r\nlast line without CRLF');

export const EIGHT_BIT = Buffer.concat([
  Buffer.from('Subject: =?utf-8?q?8bit?=\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'),
  Buffer.from('Grüße, 日本語\r\n', 'utf8'),
  Buffer.from([0x80, 0x81, 0xfe, 0xff, 0x00, 0x2e, 0x0d, 0x0a]),
  Buffer.from('bare LF\nlone CR\r.\r\n.\n'),
]);

/** About `bytes` long, CRLF lines, every 5th starting with a dot, varied lengths. */
export function bigMessage(bytes: number): Buffer {
  const lines = ['Subject: big', ''];
  let size = 16;
  for (let i = 0; size < bytes; i++) {
    const line = `${i % 5 === 0 ? '.' : ''}${'x'.repeat(i % 97)}${i}`;
    lines.push(line);
    size += line.length + 2;
  }
  return Buffer.from(`${lines.join('\r\n')}\r\n`);
}
