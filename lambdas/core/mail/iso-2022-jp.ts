/**
 * Japanese MTAs (Domino, Notes, carriers) write ISO-2022-JP into report fields, which no MIME
 * charset parameter covers: the escape sequences stay in the text. It is 7-bit, so the string still
 * holds the exact bytes and can be decoded after the fact.
 */
const ESCAPES = ['\u001b$B', '\u001b$@'];

let decoder: InstanceType<typeof TextDecoder> | null | undefined;

function jisDecoder(): InstanceType<typeof TextDecoder> | null {
  if (decoder === undefined) {
    try {
      decoder = new TextDecoder('iso-2022-jp');
    } catch {
      // A Node without full ICU has no such decoder; the text then stays as written.
      decoder = null;
    }
  }
  return decoder;
}

export function decodeIso2022Jp(text: string): string {
  if (!ESCAPES.some((e) => text.includes(e))) return text;
  const d = jisDecoder();
  if (!d) return text;
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // Only a 7-bit text is ISO-2022-JP; anything else is left alone.
    if (code > 0x7f) return text;
    bytes[i] = code;
  }
  return d.decode(bytes);
}
