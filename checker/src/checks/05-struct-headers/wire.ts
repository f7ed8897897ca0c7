// Lesson 05, the tester's side of the wire: frames built by the tester (a reference encoder of its
// own, never the learner's), a frame reader over a tester connection, the server with a temporary
// --dir, and what /proc says about the server's memory.

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { CheckContext, RunningServer, ServerSetup } from '../../harness/check.ts';
import type { Program } from '../../harness/program.ts';
import { showBytes } from '../../harness/bytes.ts';
import { CheckFailure } from '../../harness/errors.ts';
import type { Peer } from '../../harness/peer.ts';
import { pause, timing } from '../../harness/timing.ts';
import { Waiter } from '../../harness/waiter.ts';
import type { SendPlan } from '../../harness/choices.ts';

export const LESSON = '05-struct-headers';
export const MAX_HEADER = 64 * 1024;

export type Header = Record<string, unknown>;

/** A frame as COURSE.md fixes it: 4-byte unsigned big-endian header length, JSON header, body. */
export function frame(header: Header, body?: Buffer): Buffer {
  return rawFrame(Buffer.from(JSON.stringify(header), 'utf8'), body);
}

/** A frame around any header bytes (broken ones included). */
export function rawFrame(headerBytes: Buffer, body?: Buffer): Buffer {
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32BE(headerBytes.length, 0);
  return Buffer.concat([prefix, headerBytes, ...(body ? [body] : [])]);
}

/**
 * Where a seed should like to cut a run of well-formed frames (built by frame()): each frame's start,
 * the end of its 4-byte length, the end of its header (where the body starts, or where a frame without
 * a body ends) and every byte inside a multi-byte character of a header; with `bodyCharacters`, inside
 * the multi-byte characters of the bodies too. Bodies are otherwise left out: a binary body would
 * bury the frame's own boundaries among its bytes.
 */
export function frameSpots(data: Buffer, opts: { bodyCharacters?: boolean } = {}): number[] {
  const spots = new Set<number>();
  const inside = (from: number, to: number) => {
    for (let i = from; i < to; i++) if (((data[i] ?? 0) & 0xc0) === 0x80) spots.add(i);
  };
  for (let at = 0; at + 4 <= data.length; ) {
    const headerEnd = at + 4 + data.readUInt32BE(at);
    const size = Number((JSON.parse(data.subarray(at + 4, headerEnd).toString('utf8')) as Header)['data_size'] ?? 0);
    spots.add(at).add(at + 4).add(headerEnd);
    inside(at + 4, headerEnd);
    if (opts.bodyCharacters) inside(headerEnd, headerEnd + size);
    at = headerEnd + size;
  }
  return [...spots].filter((s) => s > 0 && s < data.length);
}

/**
 * The seeded case's send: `data` (well-formed frames) cut where the check's choices say, up to
 * `maxCuts` cuts, about half of them next to the frames' boundaries (frameSpots), with a pause drawn
 * after each piece (Peer.send's seeded plan). What was chosen goes to the choices' notes, for a
 * failure's message.
 */
export function sendSeeded(peer: Peer, ctx: CheckContext, data: Buffer, what: string, opts: { maxCuts?: number; bodyCharacters?: boolean } = {}): Promise<SendPlan> {
  return peer.send(data, { seeded: ctx.choices, spots: frameSpots(data, opts), what, ...(opts.maxCuts !== undefined ? { maxCuts: opts.maxCuts } : {}) });
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export interface Frame {
  header: Header;
  body: Buffer;
}

/**
 * Reads frames from what a tester connection received. It keeps its own offset into the bytes the
 * Peer has collected (the Peer's expectations are never used on such a connection).
 */
export class FrameReader {
  private offset = 0;
  private ended = false;
  private readonly waiter = new Waiter();

  constructor(readonly peer: Peer) {
    const wake = () => this.waiter.notify();
    peer.socket.on('data', wake);
    for (const ev of ['end', 'close', 'error'] as const) {
      peer.socket.on(ev, () => {
        this.ended = true;
        wake();
      });
    }
  }

  private get bytes(): Buffer {
    return this.peer.unread.subarray(this.offset);
  }

  private arrived(): string {
    const b = this.bytes;
    return `${b.length ? showBytes(b.subarray(0, 200)) + (b.length > 200 ? ` … (${b.length} bytes)` : '') : 'nothing'}${this.ended ? ' then the connection closed' : ''}`;
  }

  private async need(n: number, within: number): Promise<boolean> {
    await this.waiter.until(() => this.bytes.length >= n || this.ended, within);
    return this.bytes.length >= n;
  }

  /** The next frame, whole. Fails with what arrived when it is not a frame of the lesson's format. */
  async read(what: string, opts: { within?: number; hint?: string } = {}): Promise<Frame> {
    const within = opts.within ?? timing.reply;
    const fail = (code: 'TIMEOUT' | 'CLOSED_EARLY' | 'WRONG_BYTES', why: string, expected: string) =>
      new CheckFailure(code, `${this.peer.name}: ${why}`, { expected, actual: this.arrived(), ...(opts.hint !== undefined ? { hint: opts.hint } : {}) });
    if (!(await this.need(4, within))) {
      throw fail(this.ended ? 'CLOSED_EARLY' : 'TIMEOUT', this.ended ? `the connection closed before ${what} arrived` : `${what} did not arrive within ${within} ms`, `${what}: a 4-byte big-endian length, a JSON header, a body`);
    }
    const length = this.bytes.readUInt32BE(0);
    if (length === 0 || length > MAX_HEADER) {
      const le = this.bytes.readUInt32LE(0);
      throw fail('WRONG_BYTES', `the 4 bytes that start ${what} announce a header of ${length} bytes`, `a big-endian length from 1 to ${MAX_HEADER}${le > 0 && le <= MAX_HEADER ? ` (read little-endian they say ${le}: struct.pack('i') / writeUInt32LE writes the wrong byte order)` : ''}`);
    }
    if (!(await this.need(4 + length, within))) {
      throw fail(this.ended ? 'CLOSED_EARLY' : 'TIMEOUT', `the header of ${what} (${length} bytes announced) was not complete ${this.ended ? 'when the connection closed' : `within ${within} ms`}`, `${length} header bytes after the length`);
    }
    let header: unknown;
    const text = this.bytes.subarray(4, 4 + length);
    try {
      header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(text));
    } catch {
      throw fail('WRONG_BYTES', `the header of ${what} is not UTF-8 JSON`, 'a JSON object');
    }
    if (typeof header !== 'object' || header === null || Array.isArray(header)) throw fail('WRONG_BYTES', `the header of ${what} is not a JSON object`, 'a JSON object');
    const h = header as Header;
    const size = h['data_size'] ?? 0;
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw fail('WRONG_BYTES', `the header of ${what} has data_size ${JSON.stringify(size)}`, 'data_size: a whole number of bytes, or absent');
    if (!(await this.need(4 + length + size, within))) {
      throw fail(this.ended ? 'CLOSED_EARLY' : 'TIMEOUT', `the body of ${what} (data_size ${size}) was not complete ${this.ended ? 'when the connection closed' : `within ${within} ms`}`, `${size} body bytes after the header ${JSON.stringify(h)}`);
    }
    const body = Buffer.from(this.bytes.subarray(4 + length, 4 + length + size));
    this.offset += 4 + length + size;
    return { header: h, body };
  }

  /** The next frame must be a reply of this type. */
  async expectType(type: string, what: string, hint: string, within?: number): Promise<Frame> {
    const f = await this.read(what, { hint, ...(within !== undefined ? { within } : {}) });
    if (f.header['type'] !== type) {
      throw new CheckFailure('WRONG_BYTES', `${this.peer.name}: ${what} is a ${JSON.stringify(f.header['type'])} reply, not ${JSON.stringify(type)}`, {
        expected: `a header {"type":"${type}",...}`,
        actual: JSON.stringify(f.header) + (f.body.length ? ` with a body of ${f.body.length} bytes: ${showBytes(f.body.subarray(0, 120))}` : ''),
        hint,
      });
    }
    return f;
  }

  /** An error reply whose message is a non-empty string. */
  async expectError(what: string, hint: string, within?: number): Promise<Frame> {
    const f = await this.expectType('error', what, hint, within);
    if (typeof f.header['message'] !== 'string' || f.header['message'].length === 0) {
      throw new CheckFailure('WRONG_BYTES', `${this.peer.name}: the error reply to ${what} has no message`, { expected: '{"type":"error","message":"..."}', actual: JSON.stringify(f.header), hint });
    }
    return f;
  }

  /** The server must close the connection next, with no more bytes (beyond what was read). */
  async expectClose(what: string, hint: string, within: number = timing.reply): Promise<void> {
    await this.waiter.until(() => this.ended || this.bytes.length > 0, within);
    if (this.bytes.length > 0) {
      throw new CheckFailure('UNEXPECTED_DATA', `${this.peer.name}: expected the connection to close after ${what}, but more bytes arrived`, { expected: 'end of stream', actual: this.arrived(), hint });
    }
    if (!this.ended) throw new CheckFailure('NOT_CLOSED', `${this.peer.name}: the connection was still open ${within} ms after ${what}`, { expected: 'the server closes the connection', actual: 'the connection stayed open', hint });
  }

  /** The server closes the connection, with or without an error frame first (where the README leaves it open). */
  async expectCloseMaybeError(what: string, hint: string, within: number = timing.reply): Promise<void> {
    await this.waiter.until(() => this.ended || this.bytes.length > 0, within);
    if (this.bytes.length > 0) await this.expectError(what, hint, within);
    await this.expectClose(what, hint, within);
  }

  get hasEnded(): boolean {
    return this.ended;
  }
}

export interface ServerWithDir {
  program: Program;
  port: number;
  /** The server's --dir (empty at its start). */
  dir: string;
  /** The temporary folder around it: nothing but the --dir may appear in it. */
  parent: string;
  /**
   * What --dir and the folder around it held when the check got the server: nothing for a server of
   * its own, the files of the earlier checks for the shared one (they run one at a time on it, so
   * whatever else appears while a check runs is that check's).
   */
  held: { dir: Set<string>; parent: Set<string> };
}

/** Every server of the lesson gets a temporary --dir of its own (see ServerSetup): no check writes into the lesson. */
export const SERVER_SETUP: ServerSetup = { args: (dir) => ['--dir', dir] };

function withDir(s: RunningServer): ServerWithDir {
  if (!s.dir) throw new Error('lesson 05 servers are started with SERVER_SETUP');
  const { dir, around } = s.dir;
  return { program: s.program, port: s.port, dir, parent: around, held: { dir: new Set(readdirSync(dir)), parent: new Set(readdirSync(around)) } };
}

/** A server of the check's own, with an empty --dir: for a check that looks at the whole folder, or ends the server. */
export async function serverWithDir(ctx: CheckContext, extra: string[] = []): Promise<ServerWithDir> {
  return withDir(await ctx.ownServer(['--host', '127.0.0.1', '--port', '0', ...extra]));
}

/**
 * The lesson's shared server (for checks marked shared: they run one after another on it, and a
 * failed one gets the next check a new server). Its --dir holds what the earlier checks uploaded,
 * each under names of its own, so a check looks only at its own files there.
 */
export async function sharedWithDir(ctx: CheckContext): Promise<ServerWithDir> {
  return withDir(await ctx.sharedServer());
}

/** A connection to the server with a frame reader on it. */
export async function connectFrames(ctx: CheckContext, port: number): Promise<{ peer: Peer; frames: FrameReader }> {
  const peer = await ctx.connect(port);
  return { peer, frames: new FrameReader(peer) };
}

/**
 * Sends a big payload in pieces (split at the offsets given, a short gap between writes) straight to
 * the socket, with one note in the transcript instead of every byte: a failure stays readable.
 */
export async function sendQuiet(peer: Peer, ctx: CheckContext, data: Buffer, splitAt: number[] = []): Promise<void> {
  const cuts = [...splitAt.filter((c) => c > 0 && c < data.length), data.length];
  ctx.transcript.note(peer.name, `tester sends ${data.length} bytes in ${cuts.length} write${cuts.length === 1 ? '' : 's'} (split at ${cuts.slice(0, -1).join(', ') || 'nowhere'}; bytes not shown), starting ${showBytes(data.subarray(0, 48))}`);
  peer.socket.setNoDelay(true);
  let from = 0;
  for (const [i, at] of cuts.entries()) {
    if (peer.socket.destroyed || peer.socket.writableEnded) throw new CheckFailure('CLOSED_EARLY', `${peer.name}: the connection was closed after ${from} of ${data.length} bytes were sent`);
    await new Promise<void>((resolve) => peer.socket.write(data.subarray(from, at), () => resolve()));
    from = at;
    if (i < cuts.length - 1) await pause(timing.byteGap);
  }
}

/**
 * Waits (bounded) until --dir holds `names` and nothing else the check's server did not hold when
 * the check got it (a server may remove a partial file just after its reply).
 */
export async function expectFolder(server: ServerWithDir, names: string[], what: string, hint: string): Promise<void> {
  const { dir, held } = server;
  const want = [...names].sort();
  const look = () => {
    const now = readdirSync(dir);
    return { missing: want.filter((n) => !now.includes(n)), extra: now.filter((n) => !held.dir.has(n) && !want.includes(n)).sort() };
  };
  const fine = (l: ReturnType<typeof look>) => l.missing.length === 0 && l.extra.length === 0;
  const waiter = new Waiter();
  const poll = setInterval(() => waiter.notify(), 20);
  try {
    await waiter.until(() => fine(look()), timing.reply);
  } finally {
    clearInterval(poll);
  }
  const got = look();
  if (fine(got)) return;
  const earlier = held.dir.size ? ` (besides the ${held.dir.size} files the earlier checks left there)` : '';
  const list = (ns: string[]) => ns.map((n) => JSON.stringify(n)).join(', ');
  throw new CheckFailure('OUTPUT', `${what}: ${dir} ${got.extra.length ? `holds ${list(got.extra)}` : ''}${got.extra.length && got.missing.length ? ' and ' : ''}${got.missing.length ? `lacks ${list(got.missing)}` : ''}`, {
    expected: (want.length ? `exactly ${list(want)}` : 'nothing') + earlier,
    actual: [...got.extra.map((n) => `${n} (new)`), ...got.missing.map((n) => `${n} missing`)].join('\n'),
    hint,
  });
}

/** VmRSS and VmHWM (peak) of a process, in bytes, or undefined off Linux. */
export function memoryOf(pid: number): { rss: number; hwm: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    const rss = kb('VmRSS');
    const hwm = kb('VmHWM');
    return Number.isFinite(rss) && Number.isFinite(hwm) ? { rss, hwm } : undefined;
  } catch {
    return undefined;
  }
}

export const MiB = 1024 * 1024;

/**
 * A big body made of 1 MiB pieces, each a fresh copy of one fixed pseudo-random block stamped with
 * its index, so it is never in the tester's memory at once. The block is the same in every run, so
 * the digest of the 256-piece body is a constant (the checker's own test recomputes it).
 */
export class BigBody {
  static readonly SHA256_256 = '429e8fc7ef695d0db040a02d9aee98ac9d8ada24ffa5162e4b583595b2330bb0';
  private static block: Buffer | undefined;
  constructor(readonly pieces: number) {}
  get size(): number {
    return this.pieces * MiB;
  }
  static fixedBlock(): Buffer {
    if (!BigBody.block) {
      const b = Buffer.alloc(MiB);
      for (let j = 0; j < MiB / 32; j++) createHash('sha256').update(`netlings-05 ${j}`).digest().copy(b, j * 32);
      BigBody.block = b;
    }
    return BigBody.block;
  }
  /**
   * Piece i: its index (4 bytes, big-endian), then the rest of the fixed block. Two buffers, the
   * second the same for every piece and never changed: sending 256 MiB copies and allocates nothing.
   */
  piece(i: number): [Buffer, Buffer] {
    const index = Buffer.alloc(4);
    index.writeUInt32BE(i, 0);
    return [index, BigBody.fixedBlock().subarray(4)];
  }
  /** The sha256 of the whole body, computed from its pieces (slow: for the checker's own test). */
  computeSha256(): string {
    const h = createHash('sha256');
    for (let i = 0; i < this.pieces; i++) for (const part of this.piece(i)) h.update(part);
    return h.digest('hex');
  }
  get sha256(): string {
    return this.pieces === 256 ? BigBody.SHA256_256 : this.computeSha256();
  }
}
