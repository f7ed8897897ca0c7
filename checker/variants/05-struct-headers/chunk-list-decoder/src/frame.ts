// Variant of lesson 05's codec: the decoder keeps a list of unread chunks and a switch over its
// states; header bytes are copied out only when the whole header is in; body pieces are copies.

export const MAX_HEADER = 65536;
export type Header = Record<string, unknown>;
export type FrameEvent = { kind: 'header'; header: Header } | { kind: 'body'; chunk: Buffer } | { kind: 'end' };

export class FrameError extends Error {
  override readonly name = 'FrameError';
  constructor(
    readonly code: 'HEADER_TOO_LARGE' | 'BAD_HEADER' | 'BODY_TOO_LARGE' | 'TRUNCATED',
    message: string,
  ) {
    super(message);
  }
}

export function encodeFrame(header: Header, body?: Uint8Array): Buffer {
  const json = Buffer.from(JSON.stringify(header));
  if (json.length > MAX_HEADER) throw new FrameError('HEADER_TOO_LARGE', 'header too large');
  const out = Buffer.allocUnsafe(4 + json.length + (body?.length ?? 0));
  out.writeUInt32BE(json.length, 0);
  json.copy(out, 4);
  if (body) out.set(body, 4 + json.length);
  return out;
}

export class FrameDecoder {
  private chunks: Buffer[] = [];
  private available = 0;
  private phase: 0 | 1 | 2 = 0; // 0: length, 1: header, 2: body
  private headerLength = 0;
  private bodyLeft = 0;
  private broken = false;
  private readonly maxHeader: number;
  private readonly maxBody: number;

  constructor(options: { maxHeader?: number; maxBody?: number } = {}) {
    this.maxHeader = options.maxHeader ?? MAX_HEADER;
    this.maxBody = options.maxBody ?? Infinity;
  }

  /** Removes n bytes (n <= available) from the front of the chunk list, as one Buffer. */
  private take(n: number): Buffer {
    const out = Buffer.alloc(n);
    let filled = 0;
    while (filled < n) {
      const first = this.chunks[0] as Buffer;
      const k = Math.min(first.length, n - filled);
      first.copy(out, filled, 0, k);
      filled += k;
      if (k === first.length) this.chunks.shift();
      else this.chunks[0] = first.subarray(k);
    }
    this.available -= n;
    return out;
  }

  push(chunk: Uint8Array): FrameEvent[] {
    if (this.broken) throw new FrameError('BAD_HEADER', 'broken stream');
    if (chunk.length) {
      this.chunks.push(Buffer.from(chunk));
      this.available += chunk.length;
    }
    const out: FrameEvent[] = [];
    try {
      for (;;) {
        switch (this.phase) {
          case 0: {
            if (this.available < 4) return out;
            const n = this.take(4).readUInt32BE(0);
            if (n > this.maxHeader) throw new FrameError('HEADER_TOO_LARGE', `header of ${n} bytes`);
            if (n === 0) throw new FrameError('BAD_HEADER', 'empty header');
            this.headerLength = n;
            this.phase = 1;
            break;
          }
          case 1: {
            if (this.available < this.headerLength) return out;
            let parsed: unknown;
            try {
              parsed = JSON.parse(this.take(this.headerLength).toString('utf8'));
            } catch {
              throw new FrameError('BAD_HEADER', 'header is not JSON');
            }
            if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new FrameError('BAD_HEADER', 'header is not an object');
            const header = parsed as Header;
            const size = header['data_size'] === undefined ? 0 : header['data_size'];
            if (!Number.isInteger(size) || (size as number) < 0) throw new FrameError('BAD_HEADER', 'bad data_size');
            if ((size as number) > this.maxBody) throw new FrameError('BODY_TOO_LARGE', 'body too large');
            out.push({ kind: 'header', header });
            this.bodyLeft = size as number;
            this.phase = 2;
            break;
          }
          case 2: {
            if (this.bodyLeft > 0) {
              if (this.available === 0) return out;
              const n = Math.min(this.bodyLeft, this.available, 65536);
              out.push({ kind: 'body', chunk: this.take(n) });
              this.bodyLeft -= n;
              if (this.bodyLeft > 0) break;
            }
            out.push({ kind: 'end' });
            this.phase = 0;
            break;
          }
        }
      }
    } catch (e) {
      this.broken = true;
      throw e;
    }
  }

  end(): void {
    if (this.broken) return;
    if (this.phase !== 0 || this.available > 0) throw new FrameError('TRUNCATED', 'stream ended inside a frame');
  }
}
