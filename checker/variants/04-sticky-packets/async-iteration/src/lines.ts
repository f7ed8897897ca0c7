// Variant of lesson 04's splitter: one Buffer for the unfinished line, grown with Buffer.concat,
// and a scan position so bytes already searched are not searched again.

export const MAX_LINE_BYTES = 64 * 1024;

export class LineTooLongError extends Error {
  override readonly name = 'LineTooLongError';
  readonly code = 'LINE_TOO_LONG';
  constructor(readonly limit: number) {
    super(`a line is longer than ${limit} bytes`);
  }
}

export class LineSplitter {
  private buf: Buffer = Buffer.alloc(0);
  private state: 'open' | 'broken' = 'open';

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLineBytes = MAX_LINE_BYTES,
  ) {}

  push(chunk: Uint8Array): void {
    if (this.state === 'broken') throw new LineTooLongError(this.maxLineBytes);
    let scan = this.buf.length; // the kept bytes hold no \n
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : Buffer.from(chunk);
    let start = 0;
    for (let nl = this.buf.indexOf(10, scan); nl >= 0; nl = this.buf.indexOf(10, scan)) {
      const end = nl > start && this.buf[nl - 1] === 13 ? nl - 1 : nl;
      if (end - start > this.maxLineBytes) this.break();
      this.onLine(this.buf.toString('utf8', start, end));
      start = scan = nl + 1;
    }
    this.buf = this.buf.subarray(start);
    const limit = this.buf.at(-1) === 13 ? this.maxLineBytes + 1 : this.maxLineBytes;
    if (this.buf.length > limit) this.break();
  }

  end(): void {
    if (this.state === 'broken' || this.buf.length === 0) return;
    const end = this.buf.at(-1) === 13 ? this.buf.length - 1 : this.buf.length;
    const line = this.buf.toString('utf8', 0, end);
    this.buf = Buffer.alloc(0);
    this.onLine(line);
  }

  private break(): never {
    this.state = 'broken';
    this.buf = Buffer.alloc(0);
    throw new LineTooLongError(this.maxLineBytes);
  }
}
