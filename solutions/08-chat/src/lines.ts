// Lesson 08: the line splitter of lesson 04, unchanged but for this comment. The chat server cuts
// every client's byte stream into lines with it, and so does the client (the server's messages are
// two lines each). It works on bytes, decodes a line only once it is whole, and refuses a line over
// MAX_LINE_BYTES as soon as the bytes pushed prove it, without waiting for a \n that may never come.

/** The longest message, in bytes, without its \n or \r\n: 65,536 is still a line, 65,537 is over. */
export const MAX_LINE_BYTES = 64 * 1024;

const LF = 0x0a;
const CR = 0x0d;

/** A line longer than the limit arrived. */
export class LineTooLongError extends Error {
  override readonly name = 'LineTooLongError';
  readonly code = 'LINE_TOO_LONG';
  constructor(readonly limit: number) {
    super(`a line is longer than ${limit} bytes`);
  }
}

type State = 'open' | 'too-long' | 'ended';

export class LineSplitter {
  /** The bytes of the unfinished line, as they arrived (joined once, when the line is complete). */
  private parts: Buffer[] = [];
  private size = 0;
  private state: State = 'open';

  /**
   * @param onLine called once per line, in order, with the line decoded from UTF-8 and without its
   *   \n or \r\n; called synchronously from push() (and end()).
   * @param maxLineBytes the limit; the lesson's server uses the default.
   */
  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLineBytes: number = MAX_LINE_BYTES,
  ) {}

  /**
   * Takes the next chunk. Calls onLine for every line the chunk completes, then returns. When the
   * chunk makes a line too long, push calls onLine for the lines before it, then throws
   * LineTooLongError; the bytes after the long line are never looked at, and the splitter is done.
   */
  push(chunk: Uint8Array): void {
    if (this.state === 'too-long') throw new LineTooLongError(this.maxLineBytes);
    if (this.state === 'ended') throw new Error('push() after end()');
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let from = 0;
    for (;;) {
      const nl = bytes.indexOf(LF, from);
      if (nl < 0) break;
      const piece = bytes.subarray(from, nl);
      const line = this.size === 0 ? piece : Buffer.concat([...this.parts, piece]);
      this.parts = [];
      this.size = 0;
      from = nl + 1;
      // The \r of a \r\n may have come in an earlier chunk: strip it from the whole line, not the piece.
      const message = line.at(-1) === CR ? line.subarray(0, -1) : line;
      if (message.length > this.maxLineBytes) this.fail();
      this.onLine(message.toString('utf8'));
    }
    if (from < bytes.length) this.keep(bytes.subarray(from));
  }

  /** End of stream: a last line without \n still counts. Calls onLine for it, if there is one. */
  end(): void {
    if (this.state !== 'open') return;
    this.state = 'ended';
    if (this.size === 0) return;
    const line = Buffer.concat(this.parts);
    this.parts = [];
    this.size = 0;
    // A \r at the very end is the start of a \r\n whose \n never came.
    this.onLine((line.at(-1) === CR ? line.subarray(0, -1) : line).toString('utf8'));
  }

  /** Keeps the start of an unfinished line, and refuses it as soon as it is sure to be too long. */
  private keep(rest: Buffer): void {
    this.parts.push(Buffer.from(rest)); // a copy: the caller may reuse its chunk
    this.size += rest.length;
    // One byte past the limit is allowed only while it may be the \r of a \r\n still on its way.
    const over = this.size > this.maxLineBytes + 1 || (this.size === this.maxLineBytes + 1 && rest.at(-1) !== CR);
    if (over) this.fail();
  }

  private fail(): never {
    this.state = 'too-long';
    this.parts = [];
    this.size = 0;
    throw new LineTooLongError(this.maxLineBytes);
  }
}
