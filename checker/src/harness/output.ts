// A program's stdout or stderr as lines, kept within bounds whatever the program prints: the first
// lines and the last lines, each cut at a maximum length, with a count of what was left out. The cost
// is linear in the bytes read (an unfinished line is never joined and split again), so a program
// that prints 200 MB, or never stops printing, costs the checker time but not memory.

import { StringDecoder } from 'node:string_decoder';

export const OUTPUT_LIMITS = {
  /** Lines kept from the start of the output. */
  head: 200,
  /** Lines kept from the end of the output. */
  tail: 2000,
  /** Characters kept of one line; the rest is counted. */
  lineChars: 2000,
};

export class OutputLog {
  private readonly decoder = new StringDecoder('utf8');
  private readonly head: string[] = [];
  private readonly tail: string[] = [];
  private tailStart = 0; // ring index of the oldest tail line
  private partial = '';
  private partialDropped = 0;
  /** Complete lines seen so far. */
  lineCount = 0;
  /** Bytes read so far. */
  byteCount = 0;

  constructor(private readonly onLine: (line: string, index: number) => void = () => {}) {}

  /** Feeds a chunk; calls onLine for each line it completes. */
  write(chunk: Buffer): void {
    this.byteCount += chunk.length;
    this.text(this.decoder.write(chunk));
  }

  /** End of the stream: an unfinished last line counts as a line. */
  end(): void {
    this.text(this.decoder.end());
    if (this.partial.length > 0 || this.partialDropped > 0) this.finishLine();
  }

  private text(s: string): void {
    let from = 0;
    for (;;) {
      const nl = s.indexOf('\n', from);
      const piece = nl < 0 ? s.slice(from) : s.slice(from, nl);
      // Only what fits is appended: an endless line grows nothing but a counter.
      const room = OUTPUT_LIMITS.lineChars - this.partial.length;
      if (piece.length <= room) this.partial += piece;
      else {
        if (room > 0) this.partial += piece.slice(0, room);
        this.partialDropped += piece.length - Math.max(0, room);
      }
      if (nl < 0) return;
      this.finishLine();
      from = nl + 1;
    }
  }

  private finishLine(): void {
    let line = this.partial.endsWith('\r') ? this.partial.slice(0, -1) : this.partial;
    if (this.partialDropped > 0) line += ` … (${this.partialDropped} more characters)`;
    this.partial = '';
    this.partialDropped = 0;
    const index = this.lineCount++;
    if (this.head.length < OUTPUT_LIMITS.head) this.head.push(line);
    else if (this.tail.length < OUTPUT_LIMITS.tail) this.tail.push(line);
    else {
      this.tail[this.tailStart] = line;
      this.tailStart = (this.tailStart + 1) % OUTPUT_LIMITS.tail;
    }
    this.onLine(line, index);
  }

  /** Lines left out between the head and the tail. */
  get omitted(): number {
    return this.lineCount - this.head.length - this.tail.length;
  }

  /** The kept lines, in order (the head, then the tail; `omitted` says how many fell between). */
  get lines(): string[] {
    const tail = this.tailStart === 0 ? this.tail : [...this.tail.slice(this.tailStart), ...this.tail.slice(0, this.tailStart)];
    return [...this.head, ...tail];
  }

  /** The unfinished last line so far (no \n yet). */
  get unfinished(): string {
    return this.partial;
  }

  /** The last n kept lines, with the unfinished one, for a failure message. */
  last(n: number): string[] {
    const all = this.lines;
    if (this.partial) all.push(this.partial);
    return all.slice(-n);
  }
}
