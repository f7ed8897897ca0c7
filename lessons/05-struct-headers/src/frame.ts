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
  // TODO: the header as UTF-8 bytes: Buffer.from(JSON.stringify(header), 'utf8'). Its length in
  //       BYTES (not characters) goes into a 4-byte prefix, big-endian and unsigned:
  //       prefix.writeUInt32BE(json.length, 0). Refuse a header over MAX_HEADER.
  // TODO: return prefix, header and body (when given) as one Buffer (Buffer.concat).
  void header;
  void body;
  return Buffer.alloc(0);
}

export interface DecoderOptions {
  /** The longest header, in bytes (default MAX_HEADER). */
  maxHeader?: number;
  /** The largest data_size accepted (default: no limit beyond a safe integer). */
  maxBody?: number;
}

type State = 'prefix' | 'header' | 'body' | 'failed';

export class FrameDecoder {
  private readonly maxHeader: number;
  private readonly maxBody: number;
  private state: State = 'prefix';
  /** In 'prefix' and 'header': how many bytes the state needs. In 'body': the body bytes still to come. */
  private need = 4;

  constructor(opts: DecoderOptions = {}) {
    this.maxHeader = opts.maxHeader ?? MAX_HEADER;
    this.maxBody = opts.maxBody ?? Number.MAX_SAFE_INTEGER;
  }

  /** Where the decoder is: between frames ('prefix'), inside a header or inside a body. */
  get at(): State {
    return this.state;
  }

  /** Feeds the next bytes of the stream; returns what they complete. Throws FrameError on a broken frame. */
  push(chunk: Uint8Array): FrameEvent[] {
    const events: FrameEvent[] = [];
    // TODO: loop until the chunk is used up (one chunk may end a frame and hold many more):
    //   'prefix': collect 4 bytes (they may come in several pushes), read them with readUInt32BE;
    //             over this.maxHeader: throw new FrameError('HEADER_TOO_LARGE', ...) at once.
    //   'header': collect `need` bytes; only when they are all in, decode them ONCE and JSON.parse.
    //             Not JSON, not an object (arrays and null are not), or a data_size that is not a whole
    //             number >= 0: throw new FrameError('BAD_HEADER', ...). data_size over this.maxBody:
    //             throw new FrameError('BODY_TOO_LARGE', ...). Else push { kind: 'header', header }.
    //   'body':   push { kind: 'body', chunk: piece } for up to `need` bytes (chunk.subarray: no copy);
    //             when none are left push { kind: 'end' } and go back to 'prefix'. With data_size 0
    //             the end comes straight after the header, in the same push.
    void chunk;
    void this.maxHeader;
    void this.maxBody;
    void this.need;
    return events;
  }

  /** The stream ended. Throws FrameError('TRUNCATED') when it ended inside a frame. */
  end(): void {
    // TODO: between frames (state 'prefix', nothing collected) do nothing; else throw new FrameError('TRUNCATED', ...).
  }
}
