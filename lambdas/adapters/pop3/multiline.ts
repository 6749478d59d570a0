import { Pop3Error } from './errors.js';

const DOT = 0x2e;

function isTerminator(line: Buffer): boolean {
  return line.length === 3 && line[0] === DOT && line[1] === 0x0d && line[2] === 0x0a;
}

/**
 * Rebuilds the body of a multi-line reply (RFC 1939 §3) from its lines: removes the byte-stuffed
 * leading dot and stops at the `.` CRLF line, which is not part of the body. Every other byte,
 * 8-bit and bare LF included, is kept as received. A message that did not end in CRLF comes back
 * with the CRLF the server had to add before the terminator; the protocol cannot tell the two apart.
 */
export class MultilineDecoder {
  private readonly parts: Buffer[] = [];
  private size = 0;

  /** @param maxBytes a longer body ends the session instead of exhausting memory. */
  constructor(private readonly maxBytes: number) {}

  /** Takes one line (with its terminator); true once the terminating line has been seen. */
  push(line: Buffer): boolean {
    if (isTerminator(line)) return true;
    const data = line[0] === DOT ? line.subarray(1) : line;
    this.size += data.length;
    if (this.size > this.maxBytes) {
      throw new Pop3Error('protocol', `multi-line reply is larger than ${this.maxBytes} bytes`);
    }
    this.parts.push(data);
    return false;
  }

  body(): Buffer {
    return Buffer.concat(this.parts, this.size);
  }
}
