// A transcript of everything a check saw: the tester's sends and receives per connection (with byte
// offsets and chunk boundaries), and the program's own stdout and stderr lines. Bounded whatever the
// program does: the first entries and the last ones are kept, and of each entry's bytes the first
// few hundred and the last few, with counts of what was left out.

import { isText, quote } from './bytes.ts';

export type Source = 'tester' | 'program' | 'program:stderr';

/** Bytes kept of one entry: its first chunks (up to HEAD_BYTES in all) and its last TAIL_BYTES. */
const HEAD_BYTES = 512;
const TAIL_BYTES = 64;
const MAX_CHUNKS = 24;

interface Entry {
  at: number;
  source: Source;
  conn: string;
  dir: 'send' | 'recv' | 'note' | 'stdout' | 'stderr';
  offset: number;
  /** The first chunks, cut to HEAD_BYTES in all. */
  chunks: Buffer[];
  chunkCount: number;
  byteCount: number;
  kept: number;
  /** The last TAIL_BYTES, when bytes were left out after the head. */
  tail?: Buffer;
  text?: string;
  group?: number;
}

const HEAD_ENTRIES = 60;
const TAIL_ENTRIES = 340;

export class Transcript {
  private readonly head: Entry[] = [];
  private readonly tail: Entry[] = [];
  private tailStart = 0;
  private dropped = 0;
  private last: Entry | undefined;
  private lastSend = new Map<string, Entry>();
  private readonly t0 = performance.now();

  /** Bytes the tester sent (group: one logical send, however many writes it took). */
  sent(conn: string, offset: number, chunk: Buffer, group: number): void {
    // One logical send stays one line even when received bytes or output came between its writes.
    const same = this.lastSend.get(conn);
    if (same && same.group === group) {
      addBytes(same, chunk);
      return;
    }
    const e = this.entry('tester', conn, 'send', offset);
    e.group = group;
    addBytes(e, chunk);
    this.lastSend.set(conn, e);
    this.push(e);
  }

  /** Bytes the tester received; consecutive reads on one connection share a line, split by │. */
  received(conn: string, offset: number, chunk: Buffer): void {
    const last = this.last;
    if (last && last.dir === 'recv' && last.conn === conn) {
      addBytes(last, chunk);
      return;
    }
    const e = this.entry('tester', conn, 'recv', offset);
    addBytes(e, chunk);
    this.push(e);
  }

  note(conn: string, text: string, source: Source = 'tester'): void {
    const e = this.entry(source, conn, 'note', 0);
    e.text = text;
    this.push(e);
  }

  /** A line the program printed on stdout or stderr. */
  output(stream: 'stdout' | 'stderr', line: string, label = 'program'): void {
    const e = this.entry(stream === 'stdout' ? 'program' : 'program:stderr', label, stream, 0);
    e.text = line.length > 400 ? `${line.slice(0, 400)} … (${line.length - 400} more characters)` : line;
    this.push(e);
  }

  get length(): number {
    return this.head.length + this.tail.length + this.dropped;
  }

  private entry(source: Source, conn: string, dir: Entry['dir'], offset: number): Entry {
    return { at: Math.round(performance.now() - this.t0), source, conn, dir, offset, chunks: [], chunkCount: 0, byteCount: 0, kept: 0 };
  }

  private push(e: Entry): void {
    this.last = e;
    if (this.head.length < HEAD_ENTRIES) this.head.push(e);
    else if (this.tail.length < TAIL_ENTRIES) this.tail.push(e);
    else {
      this.tail[this.tailStart] = e;
      this.tailStart = (this.tailStart + 1) % TAIL_ENTRIES;
      this.dropped++;
    }
  }

  private entries(): { head: Entry[]; tail: Entry[] } {
    const tail = this.tailStart === 0 ? this.tail : [...this.tail.slice(this.tailStart), ...this.tail.slice(0, this.tailStart)];
    return { head: this.head, tail };
  }

  /** The transcript as lines, at most `max` of them: the first few and the newest, with a count between. */
  format(max = 40): string {
    const { head, tail } = this.entries();
    const all = [...head, ...tail];
    const lines: string[] = [];
    if (all.length + this.dropped <= max) {
      for (const e of all) lines.push(formatEntry(e));
      return lines.join('\n');
    }
    const first = Math.min(6, head.length);
    const lastN = max - first - 1;
    const shownTail = all.slice(-lastN);
    for (const e of all.slice(0, first)) lines.push(formatEntry(e));
    const skipped = all.length + this.dropped - first - shownTail.length;
    lines.push(`   … ${skipped} entr${skipped === 1 ? 'y' : 'ies'} left out …`);
    for (const e of shownTail) lines.push(formatEntry(e));
    return lines.join('\n');
  }
}

function addBytes(e: Entry, chunk: Buffer): void {
  e.chunkCount++;
  e.byteCount += chunk.length;
  if (e.chunks.length < MAX_CHUNKS && e.kept < HEAD_BYTES) {
    const piece = Buffer.from(chunk.subarray(0, HEAD_BYTES - e.kept));
    e.chunks.push(piece);
    e.kept += piece.length;
    if (piece.length === chunk.length) return;
  }
  // Bytes past the head: keep only the last few, for the end of what arrived.
  const tail = e.tail ? Buffer.concat([e.tail, chunk.subarray(-TAIL_BYTES)]) : Buffer.from(chunk.subarray(-TAIL_BYTES));
  e.tail = tail.subarray(-TAIL_BYTES);
}

function formatEntry(e: Entry): string {
  const time = `${String(e.at).padStart(5)}ms`;
  if (e.dir === 'note') {
    const who = e.source === 'tester' ? (e.conn === 'tester' ? 'tester' : `tester ${e.conn}`) : e.conn;
    return `${time} [${who}] ${e.text ?? ''}`;
  }
  if (e.dir === 'stdout' || e.dir === 'stderr') return `${time} [${e.conn} ${e.dir}] ${e.text ?? ''}`;
  const arrow = e.dir === 'send' ? '→' : '←';
  const all = Buffer.concat(e.chunks);
  const cut = e.byteCount > e.kept;
  let body = renderChunks(e.chunks, e.chunkCount, cut);
  if (cut && e.tail) body += ` … "${quote(e.tail).slice(1, -1)}" (the last ${e.tail.length} bytes)`;
  const meta = `${e.byteCount} byte${e.byteCount === 1 ? '' : 's'}${e.chunkCount > 1 ? ` in ${e.chunkCount} chunks` : ''} @${e.offset}`;
  const hex = isText(all) ? '' : `  hex ${all.subarray(0, 48).toString('hex').replace(/(..)/g, '$1 ').trim()}${all.length > 48 ? ' …' : ''}`;
  return `${time} [tester ${e.conn}] ${arrow} ${body}  (${meta})${hex}`;
}

/** Chunks shown as quoted strings joined by │ so a reader sees where each write or read ended. */
function renderChunks(chunks: Buffer[], total: number, cut: boolean): string {
  const shown = chunks.map((c) => quote(c).slice(1, -1)).join('│');
  const more = total > chunks.length ? `│…" (+${total - chunks.length} chunks)` : cut ? '…"' : '"';
  return `"${shown}${more}`;
}
