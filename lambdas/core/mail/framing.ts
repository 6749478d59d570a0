/**
 * What may stand before a message's first header field without being part of the message: blank or
 * whitespace-only lines (mail saved by hand, or by tools that pad what they export) and an mbox
 * `From ` separator line (RFC 4155), in either order. A reader that took them for the header would
 * see no header at all and miss the whole report.
 */
const SPACE = 0x20;
const TAB = 0x09;
const CR = 0x0d;
const LF = 0x0a;
const MBOX_FROM = [0x46, 0x72, 0x6f, 0x6d, 0x20]; // "From "
// Lines skipped at most: framing is a few lines, and a bound keeps a hostile prefix linear.
const MAX_FRAMING_LINES = 64;

function isBlank(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const b = bytes[i];
    if (b !== SPACE && b !== TAB && b !== CR) return false;
  }
  return true;
}

function isMboxFrom(bytes: Uint8Array, start: number): boolean {
  return MBOX_FROM.every((b, i) => bytes[start + i] === b);
}

/** The message from its first header line on. */
export function withoutFraming(bytes: Uint8Array): Uint8Array {
  let pos = 0;
  let seenFrom = false;
  for (let n = 0; n < MAX_FRAMING_LINES && pos < bytes.length; n++) {
    const lf = bytes.indexOf(LF, pos);
    const end = lf < 0 ? bytes.length : lf;
    if (isBlank(bytes, pos, end)) {
      pos = end + 1;
      continue;
    }
    if (!seenFrom && isMboxFrom(bytes, pos)) {
      seenFrom = true;
      pos = end + 1;
      continue;
    }
    break;
  }
  return pos === 0 ? bytes : bytes.subarray(Math.min(pos, bytes.length));
}
