// A program's stdout or stderr as lines, kept within bounds whatever the program prints: all of it up
// to 4 MiB, past that the first lines and the last lines, each cut at a maximum length, with a count
// of what was left out. The cost
// is linear in the bytes read (an unfinished line is never joined and split again), so a program
// that prints 200 MB, or never stops printing, costs the checker time but not memory.

import { StringDecoder } from 'node:string_decoder';

export const OUTPUT_LIMITS = {
  /** Up to this many characters, every line is kept whole (a check may compare the whole output). */
  full: 4 * 1024 * 1024,
  /** ...and each line up to this many characters (an endless line costs no more than this). */
  fullLine: 1024 * 1024,
  /** Past that, the lines kept from the start of the output... */
  head: 200,
  /** ...and from the end. */
  tail: 2000,
  /** Characters kept of one line once the output is past `full`; the rest is counted. */
  lineChars: 2000,
};

/**
 * A copy of the string that holds no reference to the chunk it was cut from: V8 keeps a sliced
 * string's parent alive, so 2000 kept lines could otherwise hold 2000 chunks of 64 KiB.
 */
export function own(s: string): string {
  return s.length === 0 ? s : Buffer.from(s, 'utf8').toString('utf8');
}

export class OutputLog {
  private readonly decoder = new StringDecoder('utf8');
  private head: string[] = [];
  private tail: string[] = [];
  /** Characters kept; while it is under OUTPUT_LIMITS.full every line is kept whole. */
  private keptChars = 0;
  private bounded = false;
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
      const room = (this.bounded ? OUTPUT_LIMITS.lineChars : Math.min(OUTPUT_LIMITS.fullLine, OUTPUT_LIMITS.full - this.keptChars)) - this.partial.length;
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
    if (!this.bounded) {
      this.head.push(line);
      this.keptChars += line.length + 1;
      if (this.keptChars >= OUTPUT_LIMITS.full) {
        // From now on only the first and the last lines are kept, each cut to a readable length.
        this.bounded = true;
        const cut = (l: string) => (l.length > OUTPUT_LIMITS.lineChars ? `${l.slice(0, OUTPUT_LIMITS.lineChars)} … (${l.length - OUTPUT_LIMITS.lineChars} more characters)` : l);
        const all = this.head;
        this.head = all.slice(0, OUTPUT_LIMITS.head).map(cut);
        this.tail = all.slice(Math.max(OUTPUT_LIMITS.head, all.length - OUTPUT_LIMITS.tail)).map(cut);
        this.tailStart = 0;
      }
    } else if (this.tail.length < OUTPUT_LIMITS.tail) this.tail.push(own(line));
    else {
      this.tail[this.tailStart] = own(line);
      this.tailStart = (this.tailStart + 1) % OUTPUT_LIMITS.tail;
    }
    this.onLine(line, index);
  }

  /** Every line was kept whole: the output can be compared as it is. */
  get complete(): boolean {
    return !this.bounded;
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
