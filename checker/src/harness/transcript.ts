// A transcript of everything a check saw: the tester's sends and receives per connection
// (with byte offsets and chunk boundaries), and the program's own stdout and stderr lines.

import { isText, quote } from './bytes.ts';

export type Source = 'tester' | 'program' | 'program:stderr';

interface Entry {
  at: number;
  source: Source;
  conn: string;
  dir: 'send' | 'recv' | 'note' | 'stdout' | 'stderr';
  offset: number;
  chunks: Buffer[];
  text?: string;
  group?: number;
}

const MAX_ENTRIES = 400;

export class Transcript {
  private readonly entries: Entry[] = [];
  private readonly t0 = performance.now();
  private dropped = 0;

  /** Bytes the tester sent (group: one logical send, however many writes it took). */
  sent(conn: string, offset: number, chunk: Buffer, group: number): void {
    // One logical send stays one line even when received bytes or output came between its writes.
    const same = this.entries.findLast((e) => e.dir === 'send' && e.conn === conn);
    if (same && same.group === group) {
      same.chunks.push(chunk);
      return;
    }
    this.push({ at: this.now(), source: 'tester', conn, dir: 'send', offset, chunks: [chunk], group });
  }

  /** Bytes the tester received; consecutive reads on one connection share a line, split by │. */
  received(conn: string, offset: number, chunk: Buffer): void {
    const last = this.entries.at(-1);
    if (last && last.dir === 'recv' && last.conn === conn) {
      last.chunks.push(chunk);
      return;
    }
    this.push({ at: this.now(), source: 'tester', conn, dir: 'recv', offset, chunks: [chunk] });
  }

  note(conn: string, text: string, source: Source = 'tester'): void {
    this.push({ at: this.now(), source, conn, dir: 'note', offset: 0, chunks: [], text });
  }

  /** A line the program printed on stdout or stderr. */
  output(stream: 'stdout' | 'stderr', line: string, label = 'program'): void {
    this.push({
      at: this.now(),
      source: stream === 'stdout' ? 'program' : 'program:stderr',
      conn: label,
      dir: stream,
      offset: 0,
      chunks: [],
      text: line,
    });
  }

  get length(): number {
    return this.entries.length;
  }

  private now(): number {
    return Math.round(performance.now() - this.t0);
  }

  private push(e: Entry): void {
    this.entries.push(e);
    if (this.entries.length > MAX_ENTRIES) {
      this.entries.shift();
      this.dropped++;
    }
  }

  /** The transcript as lines, newest last, at most `max` of them. */
  format(max = 40): string {
    const lines: string[] = [];
    const skip = Math.max(0, this.entries.length - max);
    if (skip + this.dropped > 0) lines.push(`… ${skip + this.dropped} earlier entries`);
    for (const e of this.entries.slice(skip)) lines.push(formatEntry(e));
    return lines.join('\n');
  }
}

function formatEntry(e: Entry): string {
  const time = `${String(e.at).padStart(5)}ms`;
  if (e.dir === 'note') {
    const who = e.source === 'tester' ? (e.conn === 'tester' ? 'tester' : `tester ${e.conn}`) : e.conn;
    return `${time} [${who}] ${e.text ?? ''}`;
  }
  if (e.dir === 'stdout' || e.dir === 'stderr') return `${time} [${e.conn} ${e.dir}] ${e.text ?? ''}`;
  const arrow = e.dir === 'send' ? '→' : '←';
  const total = e.chunks.reduce((n, c) => n + c.length, 0);
  const all = Buffer.concat(e.chunks);
  const body = renderChunks(e.chunks);
  const meta = `${total} byte${total === 1 ? '' : 's'}${e.chunks.length > 1 ? ` in ${e.chunks.length} chunks` : ''} @${e.offset}`;
  const hex = isText(all) ? '' : `  hex ${all.subarray(0, 48).toString('hex').replace(/(..)/g, '$1 ').trim()}${all.length > 48 ? ' …' : ''}`;
  return `${time} [tester ${e.conn}] ${arrow} ${body}  (${meta})${hex}`;
}

/** Chunks shown as quoted strings joined by │ so a reader sees where each write or read ended. */
function renderChunks(chunks: Buffer[]): string {
  const MAX_CHUNKS = 24;
  if (chunks.length <= MAX_CHUNKS) return chunks.map((c) => quote(c).slice(1, -1)).join('│').replace(/^/, '"').concat('"');
  const head = chunks.slice(0, MAX_CHUNKS).map((c) => quote(c).slice(1, -1)).join('│');
  return `"${head}│…" (+${chunks.length - MAX_CHUNKS} chunks)`;
}
