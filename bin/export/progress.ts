export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

const number = new Intl.NumberFormat('en-US');
const CLEAR_LINE = '\r\x1b[K';
/** Redrawing more often than this only costs terminal time. */
const REDRAW_MS = 100;

/**
 * One self-updating stderr line (pages, rows, rows/s) when stderr is a terminal; when it is a file or
 * pipe only notices (retries) go there, since carriage returns would just fill a log.
 */
export class Progress {
  private pages = 0;
  private rows = 0;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private drawn = false;
  private readonly started: number;
  private readonly live: boolean;

  constructor(
    private readonly stream: ProgressStream,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.started = now();
    this.live = stream.isTTY === true;
  }

  page(rows: number): void {
    this.pages++;
    this.rows += rows;
    if (!this.live) return;
    const t = this.now();
    if (t - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = t;
    this.draw();
  }

  /** A line that must stay (a retry); the progress line is redrawn below it. */
  notice(line: string): void {
    if (!this.live) {
      this.stream.write(`${line}\n`);
      return;
    }
    this.stream.write(`${CLEAR_LINE}${line}\n`);
    if (this.drawn) this.draw();
  }

  /** Ends the live line: with a summary on success, or just a line break so an error starts clean. */
  finish(destination?: string): void {
    if (!this.live) return;
    if (destination === undefined) {
      if (this.drawn) this.stream.write('\n');
      return;
    }
    const seconds = (this.now() - this.started) / 1000;
    this.stream.write(
      `${CLEAR_LINE}exported: pages ${number.format(this.pages)}, rows ${number.format(this.rows)}, ` +
        `${this.rate()} rows/s, ${seconds.toFixed(1)} s, to ${destination}\n`,
    );
  }

  get totals(): { pages: number; rows: number } {
    return { pages: this.pages, rows: this.rows };
  }

  private rate(): string {
    const seconds = (this.now() - this.started) / 1000;
    return number.format(seconds > 0 ? Math.round(this.rows / seconds) : 0);
  }

  private draw(): void {
    this.drawn = true;
    this.stream.write(
      `${CLEAR_LINE}exporting: pages ${number.format(this.pages)}, rows ${number.format(this.rows)}, ${this.rate()} rows/s`,
    );
  }
}
