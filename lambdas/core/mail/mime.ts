import { decodeWords } from 'postal-mime';
import { type Field, fieldValue } from './header-block.js';
import type { ParseLimits } from './limits.js';
import { htmlToPlain } from './text-region.js';

/**
 * A narrow MIME reader for bounces. postal-mime decodes every part of every message into Blobs,
 * which measured 1,174 messages/s on the bounce corpus before any bounce logic ran; a bounce needs
 * only its text parts, its report parts and the header of the returned original. This reader walks
 * the tree with string searches, decodes just those parts, and stops at explicit limits, so a
 * truncated boundary, a deep nest or ten thousand parts cost bounded time. Encoded words in
 * headers are left to postal-mime's decoder.
 */
export interface MimeView {
  headers: Field[];
  subject: string;
  /** The human-readable text: inline text/plain parts, else the HTML parts as text. */
  text: string;
  /** Other leaves by lower-cased MIME type, content decoded to text. */
  parts: { type: string; content: string }[];
  /** True when the view is the raw body text rather than the MIME tree. */
  raw: boolean;
}

interface Leaf {
  type: string;
  attachment: boolean;
  content: string;
}

interface Walk {
  limits: ParseLimits;
  leaves: Leaf[];
  visited: number;
}

type Decoder = InstanceType<typeof TextDecoder>;

const decoders = new Map<string, Decoder | null>();
const utf8 = new TextDecoder('utf-8');
const FIELD = /^([!-9;-~]+)[ \t]*:(.*)$/;
// Subjects are matched against phrase lists; no MTA writes a longer one.
const MAX_SUBJECT = 1_000;

function decoderFor(charset: string | undefined): Decoder {
  const label = (charset ?? 'utf-8').toLowerCase().replace(/^["']|["']$/g, '');
  let decoder = decoders.get(label);
  if (decoder === undefined) {
    try {
      decoder = new TextDecoder(label);
    } catch {
      decoder = null;
    }
    if (decoders.size < 64) decoders.set(label, decoder);
  }
  return decoder ?? utf8;
}

/** One char per byte, so offsets in the string are offsets in the message. */
function binaryString(bytes: Uint8Array): string {
  const chunks: string[] = [];
  for (let i = 0; i < bytes.length; i += 0x8000) {
    chunks.push(String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000) as unknown as number[]));
  }
  return chunks.join('');
}

function toBytes(binary: string): Uint8Array {
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i) & 0xff;
  return out;
}

function decodeText(binary: string, charset: string | undefined): string {
  // ASCII needs no decoder (most report parts are), unless ESC opens an ISO-2022 sequence.
  if (!/[^\p{ASCII}]/u.test(binary) && !binary.includes('\u001b')) return binary;
  return decoderFor(charset).decode(toBytes(binary));
}

function decodeBase64(text: string): string {
  const clean = text.replace(/[^A-Za-z0-9+/]/g, '');
  const usable = clean.slice(0, clean.length - (clean.length % 4));
  try {
    return atob(usable);
  } catch {
    return '';
  }
}

function decodeQuotedPrintable(text: string): string {
  return text
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/** Header and body of an entity; lines in the header that are no field continue the field above. */
function splitEntity(text: string, maxFields: number): { fields: Field[]; body: string } {
  // A part may have no header at all: its first line is blank and the body starts right after.
  const bare = /^\r?\n/.exec(text);
  if (bare) return { fields: [], body: text.slice(bare[0].length) };
  const end = /\r?\n\r?\n/.exec(text);
  const head = end ? text.slice(0, end.index) : text;
  const body = end ? text.slice(end.index + end[0].length) : '';
  const fields: Field[] = [];
  for (const line of head.split(/\r?\n/)) {
    const m = line[0] === ' ' || line[0] === '\t' ? null : FIELD.exec(line.slice(0, 4_000));
    if (m && fields.length < maxFields) {
      fields.push({ name: (m[1] as string).toLowerCase(), value: (m[2] as string).trim() });
    } else {
      // Folding, or a parameter someone forgot to indent (`boundary=...` on a line of its own).
      const last = fields[fields.length - 1];
      if (last && last.value.length < 4_000) last.value = `${last.value} ${line.trim()}`.trim();
    }
  }
  return { fields, body };
}

function param(value: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|;|\\s)${name}\\s*=\\s*(?:"([^"]*)"|([^\\s;"]+))`, 'i').exec(value);
  return m ? (m[1] ?? m[2]) : undefined;
}

/** The parts between `--boundary` lines; without a close delimiter the last part runs to the end. */
function splitMultipart(body: string, boundary: string, maxParts: number): string[] {
  const delimiter = `--${boundary}`;
  const parts: string[] = [];
  let start = -1;
  let pos = body.startsWith(delimiter) ? 0 : body.indexOf(`\n${delimiter}`);
  while (pos >= 0 && parts.length < maxParts) {
    const at = body[pos] === '\n' ? pos + 1 : pos;
    const after = at + delimiter.length;
    const closing = body.startsWith('--', after);
    const next = body[closing ? after + 2 : after];
    if (next === undefined || next === '\r' || next === '\n' || next === ' ' || next === '\t' || closing) {
      if (start >= 0)
        parts.push(body.slice(start, body[pos] === '\n' && body[pos - 1] === '\r' ? pos - 1 : pos));
      if (closing) return parts;
      const eol = body.indexOf('\n', after);
      if (eol < 0) return parts;
      start = eol + 1;
    }
    pos = body.indexOf(`\n${delimiter}`, after);
  }
  if (start >= 0 && parts.length < maxParts) parts.push(body.slice(start));
  return parts;
}

function walk(entity: string, depth: number, w: Walk, defaultType = 'text/plain'): void {
  if (w.visited >= w.limits.maxParts) return;
  w.visited++;
  const { fields, body } = splitEntity(entity, 200);
  const contentType = fieldValue(fields, 'content-type') ?? defaultType;
  // A malformed Content-Type ("text/plain   charset=...") keeps its first token.
  const type = (contentType.toLowerCase().split(/[\s;]/)[0] as string) || defaultType;
  const boundary = param(contentType, 'boundary');
  if (type.startsWith('multipart/') && boundary && depth < w.limits.maxMimeDepth) {
    const childType = type === 'multipart/digest' ? 'message/rfc822' : 'text/plain';
    for (const part of splitMultipart(body, boundary, w.limits.maxParts)) walk(part, depth + 1, w, childType);
    return;
  }
  const encoding = (fieldValue(fields, 'content-transfer-encoding') ?? '').toLowerCase().trim();
  const bounded = body.slice(0, w.limits.maxReportChars * (encoding === 'base64' ? 2 : 1));
  const binary =
    encoding === 'base64'
      ? decodeBase64(bounded)
      : encoding === 'quoted-printable'
        ? decodeQuotedPrintable(bounded)
        : bounded;
  const disposition = (fieldValue(fields, 'content-disposition') ?? '').toLowerCase();
  w.leaves.push({
    type,
    attachment: disposition.startsWith('attachment'),
    content: decodeText(binary, param(contentType, 'charset')),
  });
}

/**
 * The message as raw text, header and body split by hand: for bounces whose MIME structure is
 * broken (a boundary that never occurs), where the raw body still holds the MTA's words and fields.
 */
export function rawView(bytes: Uint8Array, limits: ParseLimits): MimeView {
  const text = utf8.decode(bytes.subarray(0, limits.maxTextChars + limits.maxReportChars));
  const { fields, body } = splitEntity(text, 500);
  const subject = decodeWords((fieldValue(fields, 'subject') ?? '').slice(0, MAX_SUBJECT));
  return { headers: fields, subject, text: body.slice(0, limits.maxTextChars), parts: [], raw: true };
}

export function readMime(bytes: Uint8Array, limits: ParseLimits): MimeView {
  const binary = binaryString(bytes);
  const top = /\r?\n\r?\n/.exec(binary);
  const headerEnd = top ? top.index : binary.length;
  // The header is read as UTF-8 (RFC 6532), the body part by part in each part's charset.
  const { fields } = splitEntity(
    utf8.decode(bytes.subarray(0, Math.min(headerEnd, limits.maxHeaderBytes))),
    500,
  );
  const w: Walk = { limits, leaves: [], visited: 0 };
  walk(binary, 0, w);
  const inline = (t: string) => w.leaves.filter((l) => l.type === t && !l.attachment).map((l) => l.content);
  const plain = inline('text/plain').join('\n');
  const text = plain.trim()
    ? plain
    : inline('text/html')
        .map((h) => htmlToPlain(h))
        .join('\n');
  const parts = w.leaves
    .filter((l) => l.attachment || (l.type !== 'text/plain' && l.type !== 'text/html'))
    .map((l) => ({ type: l.type, content: l.content }));
  return {
    headers: fields,
    subject: decodeWords((fieldValue(fields, 'subject') ?? '').slice(0, MAX_SUBJECT)),
    text: text.slice(0, limits.maxTextChars),
    parts,
    raw: false,
  };
}
