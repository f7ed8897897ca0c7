// Variant helper: Python-style blocking reads over a Node socket, as promises.
// readLine() and readExactly(n) wait for enough bytes; null at the end of the stream.

import type net from 'node:net';

export class ByteReader {
  private buffered = Buffer.alloc(0);
  private ended = false;
  private wake: (() => void) | undefined;

  constructor(socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.wake?.();
    });
    const stop = () => {
      this.ended = true;
      this.wake?.();
    };
    socket.on('end', stop);
    socket.on('close', stop);
  }

  private async more(): Promise<void> {
    await new Promise<void>((resolve) => (this.wake = resolve));
    this.wake = undefined;
  }

  async readLine(): Promise<Buffer | null> {
    for (;;) {
      const nl = this.buffered.indexOf(0x0a);
      if (nl >= 0) {
        let line = this.buffered.subarray(0, nl);
        this.buffered = this.buffered.subarray(nl + 1);
        if (line.at(-1) === 0x0d) line = line.subarray(0, -1);
        return line;
      }
      if (this.ended) return null;
      await this.more();
    }
  }

  /** Up to n bytes as they come (at least one), null at the end of the stream. */
  async readSome(n: number): Promise<Buffer | null> {
    for (;;) {
      if (this.buffered.length > 0) {
        const piece = this.buffered.subarray(0, n);
        this.buffered = this.buffered.subarray(piece.length);
        return piece;
      }
      if (this.ended) return null;
      await this.more();
    }
  }
}
