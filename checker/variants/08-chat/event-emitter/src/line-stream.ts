// A line splitter as a Transform stream (bytes in, one string per line out), with a limit that does
// not wait for the \n.

import { Transform, type TransformCallback } from 'node:stream';

export class TooLong extends Error {
  readonly code = 'LINE_TOO_LONG';
}

export class Lines extends Transform {
  private held: Buffer = Buffer.alloc(0);
  constructor(private readonly limit: number) {
    super({ readableObjectMode: true });
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    let data = this.held.length ? Buffer.concat([this.held, chunk]) : chunk;
    let nl: number;
    while ((nl = data.indexOf(10)) >= 0) {
      let line = data.subarray(0, nl);
      if (line.at(-1) === 13) line = line.subarray(0, -1);
      if (line.length > this.limit) return done(new TooLong('line too long'));
      this.push(line.toString('utf8'));
      data = data.subarray(nl + 1);
    }
    if (data.length > this.limit + 1) return done(new TooLong('line too long'));
    this.held = Buffer.from(data);
    done();
  }
  override _flush(done: TransformCallback): void {
    if (this.held.length) this.push(this.held.toString('utf8').replace(/\r$/, ''));
    done();
  }
}
