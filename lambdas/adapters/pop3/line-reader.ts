import { Pop3Error } from './errors.js';

const LF = 0x0a;

interface Waiter {
  resolve: (line: Buffer) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Cuts a byte stream into lines whatever its TCP fragmentation: a chunk may hold one byte, half a
 * line or several responses. Each line keeps its terminator (`\n` or `\r\n`), so a message's bytes
 * can be rebuilt exactly. Fed by `push`; a transport failure is reported through `fail`, after the
 * lines already complete have been read, so a server's last reply before closing is not lost.
 */
export class LineReader {
  private readonly lines: Buffer[] = [];
  private head = 0;
  private partial: Buffer[] = [];
  private partialBytes = 0;
  private failure: Error | null = null;
  private waiter: Waiter | null = null;

  /** @param maxLineBytes a line longer than this ends the session (a server that never sends LF). */
  constructor(private readonly maxLineBytes: number) {}

  push(chunk: Buffer): void {
    if (this.failure) return;
    let start = 0;
    for (let end = chunk.indexOf(LF); end !== -1; end = chunk.indexOf(LF, start)) {
      this.partial.push(chunk.subarray(start, end + 1));
      this.lines.push(this.partial.length === 1 ? (this.partial[0] as Buffer) : Buffer.concat(this.partial));
      this.partial = [];
      this.partialBytes = 0;
      start = end + 1;
    }
    if (start < chunk.length) {
      this.partial.push(chunk.subarray(start));
      this.partialBytes += chunk.length - start;
      if (this.partialBytes > this.maxLineBytes) {
        this.fail(new Pop3Error('protocol', `server sent a line longer than ${this.maxLineBytes} bytes`));
        return;
      }
    }
    this.wake();
  }

  /** Ends reading: pending and later reads reject with `error` once the complete lines are consumed. */
  fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    this.wake();
  }

  /** Bytes received and not yet read (complete lines or a partial one). */
  get buffered(): boolean {
    return this.head < this.lines.length || this.partialBytes > 0;
  }

  /**
   * The next line. Rejects with a `timeout` Pop3Error when none is complete within `timeoutMs`, so a
   * stalled server cannot hang the caller; `what` names the awaited reply in that error, unless
   * `timeoutMessage` replaces its text.
   */
  read(timeoutMs: number, what: string, timeoutMessage?: string): Promise<Buffer> {
    const ready = this.take();
    if (ready) return Promise.resolve(ready);
    if (this.failure) return Promise.reject(this.failure);
    if (this.waiter) return Promise.reject(new Pop3Error('protocol', 'concurrent reads on one POP3 session'));
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(
          new Pop3Error(
            'timeout',
            timeoutMessage ?? `no ${what} from the POP3 server within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      this.waiter = { resolve, reject, timer };
    });
  }

  private take(): Buffer | undefined {
    if (this.head >= this.lines.length) return undefined;
    const line = this.lines[this.head++];
    // Compact now and then so a long multi-line reply does not keep every consumed line alive.
    if (this.head > 1024 && this.head * 2 > this.lines.length) {
      this.lines.splice(0, this.head);
      this.head = 0;
    }
    return line;
  }

  private wake(): void {
    const waiter = this.waiter;
    if (!waiter) return;
    const line = this.take();
    if (line) {
      this.waiter = null;
      clearTimeout(waiter.timer);
      waiter.resolve(line);
    } else if (this.failure) {
      this.waiter = null;
      clearTimeout(waiter.timer);
      waiter.reject(this.failure);
    }
  }
}
