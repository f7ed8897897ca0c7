// Lesson 04: a line splitter for a TCP byte stream.
//
// TCP delivers bytes, not messages: one 'data' chunk may hold many lines, part of one, or the end of
// one and the start of the next, and it may end in the middle of a UTF-8 character. The splitter
// takes the chunks as they come and hands out whole lines. The checker calls this file directly
// (README: "The splitter's API"), so keep these names.

/** The longest message, in bytes, without its \n or \r\n: 65,536 is still a line, 65,537 is over. */
export const MAX_LINE_BYTES = 64 * 1024;

/** A line longer than the limit arrived. */
export class LineTooLongError extends Error {
  override readonly name = 'LineTooLongError';
  readonly code = 'LINE_TOO_LONG';
  constructor(readonly limit: number) {
    super(`a line is longer than ${limit} bytes`);
  }
}

export class LineSplitter {
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
    // TODO: keep the bytes of the unfinished line between calls (an array of Buffers, or one Buffer).
    // TODO: for every \n (byte 0x0a) in the chunk: the line is what you kept plus the bytes before
    //       the \n. Drop one \r at its end (it may have come in an earlier chunk), decode it with
    //       .toString('utf8') (only now, when it is whole, so no character is cut) and call onLine.
    // TODO: the limit: a line whose message is over this.maxLineBytes bytes throws LineTooLongError,
    //       and so does an unfinished rest that is already sure to be too long (more than
    //       maxLineBytes bytes, not counting a last \r that may be the start of a \r\n).
    void chunk;
  }

  /** End of stream: a last line without \n still counts. Calls onLine for it, if there is one. */
  end(): void {
    // TODO: if bytes of an unfinished line are kept, they are the last line: call onLine with them.
    //       Nothing kept: no line (not even an empty one).
  }
}
