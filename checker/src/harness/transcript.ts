// A transcript of everything a check saw: the tester's sends and receives per connection (with byte
// offsets and chunk boundaries), and the program's own stdout and stderr lines. Bounded whatever the
// program does: the first entries and the last ones are kept, and of each entry's bytes the first
// few hundred and the last few, with counts of what was left out.

import { isText, quote } from './bytes.ts';
import { own } from './output.ts';

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
  datagram?: DatagramMeta;
  flags?: TranscriptFlags;
}

/** Which datagram a send or receive entry is: UDP keeps each one whole, an entry of its own. */
export interface DatagramMeta {
  /** The tester's socket (its lane): "fake", "seeded", "u1", "stranger :40001". */
  socket: string;
  /** Its number among the datagrams this socket sent, or received, from 1. */
  n: number;
  /** The other end: ":40001" on 127.0.0.1, else address:port. */
  peer: string;
  /** The socket is the tester's fake UDP server (the program is its client). */
  fake?: boolean;
}

/**
 * One kept entry of a transcript as plain data (JSON-safe), for pictures of the conversation such as
 * the HTML report. Bytes are base64: a check's bytes may be anything.
 */
export interface TranscriptEvent {
  /** Milliseconds since the check began. */
  at: number;
  /** A tester connection (c1, s1, …), 'tester' for the tester's own notes, or a program's label. */
  lane: string;
  source: Source;
  kind: 'send' | 'recv' | 'note' | 'stdout' | 'stderr';
  /** send, recv: the stream offset of the first byte. */
  offset?: number;
  /** send, recv: the kept chunks, each as written or read, base64 (the first HEAD_BYTES in all). */
  chunks?: string[];
  /** send, recv: the last bytes, base64, when bytes after the kept chunks were left out. */
  tail?: string;
  /** send, recv: how many writes or reads, and bytes, the entry stands for (kept or not). */
  chunkCount?: number;
  byteCount?: number;
  /** note, stdout, stderr: the text. */
  text?: string;
  /** What a note says happened to its connection. */
  flags?: TranscriptFlags;
  /** send, recv: the datagram this is, for UDP (its lane is meta.socket, not `lane`). */
  datagram?: DatagramMeta;
  /**
   * The program this tester connection or socket talks to, when the check said so (a client
   * started with the port of a fake server: transcript.link()).
   */
  peer?: string;
  /** How many entries were left out just before this one. */
  omittedBefore?: number;
}

export interface TranscriptFlags {
  /** The connection was opened: by the tester (a client) or by the program (the fake server accepted it). */
  connectFrom?: 'tester' | 'program';
  /** A FIN: the tester half-closed, or the program ended its side (end of stream). */
  finFrom?: 'tester' | 'program';
  /** An RST: the tester reset the connection, or a socket error says the program did (ECONNRESET). */
  rstFrom?: 'tester' | 'program';
  /** A socket error on the tester's side. */
  error?: boolean;
  /** The tester's fake UDP server drops the datagram of this number it received (as if lost: no reply). */
  dropped?: number;
  /** The fake UDP server holds its reply to the datagram of this number: it will be sent late. */
  held?: number;
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
  /** Tester lanes (a fake server's name) and the program each talks to. */
  private readonly links = new Map<string, string>();
  private readonly t0 = performance.now();

  /** Bytes the tester sent (group: one logical send, however many writes it took). */
  sent(conn: string, offset: number, chunk: Buffer, group: number, datagram?: DatagramMeta): void {
    // One logical send stays one line even when received bytes or output came between its writes.
    const same = this.lastSend.get(conn);
    if (same && same.group === group) {
      addBytes(same, chunk);
      return;
    }
    const e = this.entry('tester', conn, 'send', offset);
    e.group = group;
    if (datagram) e.datagram = datagram;
    addBytes(e, chunk);
    this.lastSend.set(conn, e);
    this.push(e);
  }

  /** Bytes the tester received; consecutive reads on one connection share a line, split by │. */
  received(conn: string, offset: number, chunk: Buffer, datagram?: DatagramMeta): void {
    const last = this.last;
    if (!datagram && last && last.dir === 'recv' && last.conn === conn && !last.datagram) {
      addBytes(last, chunk);
      return;
    }
    const e = this.entry('tester', conn, 'recv', offset);
    if (datagram) e.datagram = datagram;
    addBytes(e, chunk);
    this.push(e);
  }

  /** A note; `flags` say what it tells of the wire (besides what the harness's own notes say by their words). */
  note(conn: string, text: string, source: Source = 'tester', flags?: TranscriptFlags): void {
    const e = this.entry(source, conn, 'note', 0);
    e.text = text;
    if (flags) e.flags = flags;
    this.push(e);
  }

  /**
   * Says that the tester's lane `tester` (a fake server's name; its connections "name#1" too) talks
   * to the program labelled `program`: a check with two clients draws each one's bytes to its own.
   */
  link(tester: string, program: string): void {
    this.links.set(tester, program);
  }

  /** A line the program printed on stdout or stderr. */
  output(stream: 'stdout' | 'stderr', line: string, label = 'program'): void {
    const e = this.entry(stream === 'stdout' ? 'program' : 'program:stderr', label, stream, 0);
    e.text = line.length > 400 ? `${own(line.slice(0, 400))} … (${line.length - 400} more characters)` : own(line);
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

  /**
   * The kept entries as plain objects, at most `max` of them (the first few and the newest, the
   * first after a gap saying how many were left out). Reads only: recording is not changed.
   */
  events(max = Infinity): TranscriptEvent[] {
    const { head, tail } = this.entries();
    const all = [...head, ...tail];
    // Which entries to show: all of them, or the first quarter of `max` and the newest.
    const first = all.length <= max ? all.length : Math.min(head.length, Math.max(1, Math.floor(max / 4)));
    const lastFrom = all.length <= max ? all.length : all.length - Math.max(0, Math.floor(max) - first);
    const out: TranscriptEvent[] = [];
    let omitted = 0;
    all.forEach((e, i) => {
      if (i === head.length) omitted += this.dropped;
      if (i >= first && i < lastFrom) {
        omitted++;
        return;
      }
      const ev = toEvent(e, this.links);
      if (omitted > 0) ev.omittedBefore = omitted;
      omitted = 0;
      out.push(ev);
    });
    return out;
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

function toEvent(e: Entry, links: ReadonlyMap<string, string>): TranscriptEvent {
  const ev: TranscriptEvent = { at: e.at, lane: e.conn, source: e.source, kind: e.dir };
  if (e.source === 'tester') {
    const peer = links.get(e.datagram?.socket ?? e.conn.replace(/#\d+$/, ''));
    if (peer !== undefined) ev.peer = peer;
  }
  if (e.dir === 'send' || e.dir === 'recv') {
    if (e.datagram) ev.datagram = e.datagram;
    ev.offset = e.offset;
    ev.chunks = e.chunks.map((c) => c.toString('base64'));
    if (e.byteCount > e.kept && e.tail) ev.tail = e.tail.toString('base64');
    ev.chunkCount = e.chunkCount;
    ev.byteCount = e.byteCount;
    return ev;
  }
  ev.text = e.text ?? '';
  if (e.dir === 'note' && e.source === 'tester') {
    const flags = { ...noteFlags(e.text ?? ''), ...e.flags };
    if (Object.keys(flags).length > 0) ev.flags = flags;
  }
  return ev;
}

/** What the harness's own notes about a connection (peer.ts, fake-server.ts) say happened on the wire. */
function noteFlags(text: string): TranscriptFlags | undefined {
  if (/^connected to \S+ from port/.test(text)) return { connectFrom: 'tester' };
  if (/^the client connected from port/.test(text)) return { connectFrom: 'program' };
  if (/^tester closed its side \(half-close, FIN\)/.test(text)) return { finFrom: 'tester' };
  if (/^peer closed its side \(end of stream\)/.test(text)) return { finFrom: 'program' };
  if (/^tester reset the connection \(RST\)/.test(text)) return { rstFrom: 'tester' };
  if (/^socket error ECONNRESET\b/.test(text)) return { rstFrom: 'program', error: true };
  if (/^socket error /.test(text)) return { error: true };
  return undefined;
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
