// Lesson 05 frame codec: a 4-byte unsigned big-endian length H, H bytes of a UTF-8 JSON object
// (the header), then header.data_size bytes of body (0 when absent).
//
// Python packs the length with struct.pack('!I', n) and reads it back with struct.unpack('!I', b);
// Node writes it with buf.writeUInt32BE(n) and reads it with buf.readUInt32BE(0).
// The decoder is a state machine fed whatever the socket delivers: prefix → header → body → prefix.

/** The longest header accepted, in bytes: 65,536 is still a header, 65,537 is not. */
export const MAX_HEADER = 64 * 1024;

export type Header = Record<string, unknown>;

/** What one push() found, in order: a header, pieces of its body, the end of its body. */
export type FrameEvent =
  | { kind: 'header'; header: Header }
  | { kind: 'body'; chunk: Buffer }
  | { kind: 'end' };

export type FrameErrorCode = 'HEADER_TOO_LARGE' | 'BAD_HEADER' | 'BODY_TOO_LARGE' | 'TRUNCATED';

/** A broken frame. After one, the stream cannot be framed any more: answer with an error and close. */
export class FrameError extends Error {
  override readonly name = 'FrameError';
  readonly code: FrameErrorCode;
  constructor(code: FrameErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/**
 * One frame: the length prefix, the header as UTF-8 JSON, and the body if one is given.
 * With a body, header.data_size must be its length; without one, data_size announces the bytes
 * the caller streams next (an upload's file).
 */
export function encodeFrame(header: Header, body?: Uint8Array): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  if (json.length > MAX_HEADER) throw new FrameError('HEADER_TOO_LARGE', `the header is ${json.length} bytes, over the limit of ${MAX_HEADER}`);
  const size = header['data_size'] ?? 0;
  if (body !== undefined && size !== body.length) throw new FrameError('BAD_HEADER', `data_size is ${String(size)} but the body is ${body.length} bytes`);
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32BE(json.length, 0); // '!I': network byte order, unsigned
  return body === undefined || body.length === 0 ? Buffer.concat([prefix, json]) : Buffer.concat([prefix, json, body]);
}

export interface DecoderOptions {
  /** The longest header, in bytes (default MAX_HEADER). */
  maxHeader?: number;
  /** The largest data_size accepted (default: no limit beyond a safe integer). */
  maxBody?: number;
}

type State = 'prefix' | 'header' | 'body' | 'failed';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export class FrameDecoder {
  private readonly maxHeader: number;
  private readonly maxBody: number;
  private state: State = 'prefix';
  /** Bytes of the prefix or header collected so far (never more than 4 or maxHeader). */
  private pieces: Buffer[] = [];
  private collected = 0;
  /** In 'header': the header's length. In 'body': the body bytes still to come. */
  private need = 4;

  constructor(opts: DecoderOptions = {}) {
    this.maxHeader = opts.maxHeader ?? MAX_HEADER;
    this.maxBody = opts.maxBody ?? Number.MAX_SAFE_INTEGER;
  }

  /** Where the decoder is: between frames ('prefix'), inside a header or inside a body. */
  get at(): State {
    return this.state;
  }

  /** True between frames: an end of stream here is a clean end. */
  get idle(): boolean {
    return this.state === 'prefix' && this.collected === 0;
  }

  /** Feeds the next bytes of the stream; returns what they complete. Throws FrameError on a broken frame. */
  push(chunk: Uint8Array): FrameEvent[] {
    if (this.state === 'failed') throw new FrameError('BAD_HEADER', 'the stream was already broken');
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const events: FrameEvent[] = [];
    let at = 0;
    try {
      // Loop until this chunk is used up: one chunk may hold the end of one frame and many more frames.
      while (at < bytes.length || (this.state === 'body' && this.need === 0)) {
        if (this.state === 'body') {
          const take = Math.min(this.need, bytes.length - at);
          if (take > 0) events.push({ kind: 'body', chunk: bytes.subarray(at, at + take) });
          at += take;
          this.need -= take;
          if (this.need === 0) this.finishBody(events);
          continue;
        }
        // 'prefix' or 'header': collect exactly `need` bytes, however many reads they take.
        const take = Math.min(this.need - this.collected, bytes.length - at);
        this.pieces.push(bytes.subarray(at, at + take));
        this.collected += take;
        at += take;
        if (this.collected < this.need) break;
        const whole = this.pieces.length === 1 ? (this.pieces[0] as Buffer) : Buffer.concat(this.pieces, this.collected);
        this.pieces = [];
        this.collected = 0;
        if (this.state === 'prefix') this.onPrefix(whole);
        else this.onHeader(whole, events);
      }
    } catch (e) {
      this.state = 'failed';
      throw e;
    }
    return events;
  }

  /** The stream ended. Throws FrameError('TRUNCATED') when it ended inside a frame. */
  end(): void {
    if (this.state === 'failed') return;
    if (!this.idle) {
      const where = this.state;
      this.state = 'failed';
      throw new FrameError('TRUNCATED', `the stream ended inside a frame (in its ${where})`);
    }
  }

  private onPrefix(prefix: Buffer): void {
    const length = prefix.readUInt32BE(0); // unsigned: 0xFFFFFFFF is 4,294,967,295, not -1
    // Refused from the prefix alone: nothing is allocated or waited for.
    if (length > this.maxHeader) throw new FrameError('HEADER_TOO_LARGE', `the header is announced as ${length} bytes, over the limit of ${this.maxHeader}`);
    this.state = 'header';
    this.need = length;
    if (length === 0) throw new FrameError('BAD_HEADER', 'the header is empty: a header is a JSON object');
  }

  private onHeader(bytes: Buffer, events: FrameEvent[]): void {
    let header: unknown;
    try {
      // Decoded once, when the header is whole: a character split across reads stays whole.
      header = JSON.parse(utf8.decode(bytes));
    } catch {
      throw new FrameError('BAD_HEADER', 'the header is not UTF-8 JSON');
    }
    if (typeof header !== 'object' || header === null || Array.isArray(header)) {
      throw new FrameError('BAD_HEADER', 'the header is JSON but not an object');
    }
    const h = header as Header;
    const size = h['data_size'] ?? 0;
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
      throw new FrameError('BAD_HEADER', 'data_size must be a whole number of bytes, 0 or more');
    }
    // Refused from the header alone, before any body byte is read.
    if (size > this.maxBody) throw new FrameError('BODY_TOO_LARGE', `data_size ${size} is over the limit of ${this.maxBody} bytes`);
    events.push({ kind: 'header', header: h });
    this.state = 'body';
    this.need = size;
  }

  private finishBody(events: FrameEvent[]): void {
    events.push({ kind: 'end' });
    this.state = 'prefix';
    this.need = 4;
  }
}
