// Lesson 05, the tester's side of the wire: frames built by the tester (a reference encoder of its
// own, never the learner's), a frame reader over a tester connection, the server with a temporary
// --dir, and what /proc says about the server's memory.

import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CheckContext, RunningServer } from '../../harness/check.ts';
import { showBytes } from '../../harness/bytes.ts';
import { CheckFailure } from '../../harness/errors.ts';
import type { Peer } from '../../harness/peer.ts';
import { pause, timing } from '../../harness/timing.ts';
import { Waiter } from '../../harness/waiter.ts';

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

export interface ServerWithDir extends RunningServer {
  /** The server's --dir (empty at the start). */
  dir: string;
  /** The temporary folder around it: nothing but the --dir may appear in it. */
  parent: string;
}

/** A server of the check's own, with a temporary --dir removed at cleanup: no check writes into the lesson. */
export async function serverWithDir(ctx: CheckContext, extra: string[] = []): Promise<ServerWithDir> {
  const parent = mkdtempSync(path.join(tmpdir(), 'netlings-05-'));
  ctx.defer(() => rmSync(parent, { recursive: true, force: true }));
  const dir = path.join(parent, 'uploads');
  mkdirSync(dir);
  ctx.transcript.note('tester', `the server's --dir is a temporary folder, ${dir}`);
  const running = await ctx.ownServer(['--host', '127.0.0.1', '--port', '0', '--dir', dir, ...extra]);
  return { ...running, dir, parent };
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

/** Waits (bounded) until the folder holds exactly `names`; a server may remove a partial file just after its reply. */
export async function expectFolder(dir: string, names: string[], what: string, hint: string): Promise<void> {
  const want = [...names].sort();
  const list = () => readdirSync(dir).sort();
  const waiter = new Waiter();
  const poll = setInterval(() => waiter.notify(), 20);
  try {
    await waiter.until(() => JSON.stringify(list()) === JSON.stringify(want), timing.reply);
  } finally {
    clearInterval(poll);
  }
  const got = list();
  if (JSON.stringify(got) !== JSON.stringify(want)) {
    throw new CheckFailure('OUTPUT', `${what}: ${dir} holds ${got.length ? got.map((n) => JSON.stringify(n)).join(', ') : 'nothing'}`, {
      expected: want.length ? `exactly ${want.map((n) => JSON.stringify(n)).join(', ')}` : 'an empty folder',
      actual: got.length ? got.join('\n') : '(empty)',
      hint,
    });
  }
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
  piece(i: number): Buffer {
    const b = Buffer.from(BigBody.fixedBlock());
    b.writeUInt32BE(i, 0);
    return b;
  }
  /** The sha256 of the whole body, computed from its pieces (slow: for the checker's own test). */
  computeSha256(): string {
    const h = createHash('sha256');
    for (let i = 0; i < this.pieces; i++) h.update(this.piece(i));
    return h.digest('hex');
  }
  get sha256(): string {
    return this.pieces === 256 ? BigBody.SHA256_256 : this.computeSha256();
  }
}
