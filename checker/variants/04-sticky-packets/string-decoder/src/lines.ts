// Variant of lesson 04's splitter: text, not bytes. One StringDecoder for the whole stream keeps
// split characters whole; the limit is counted on the raw bytes of each chunk, so it is exact even
// while the decoder holds back half a character.

import { StringDecoder } from 'node:string_decoder';

export const MAX_LINE_BYTES = 64 * 1024;

export class LineTooLongError extends Error {
  override readonly name = 'LineTooLongError';
  readonly code = 'LINE_TOO_LONG';
  constructor(readonly limit: number) {
    super(`a line is longer than ${limit} bytes`);
  }
}

export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private text = '';
  private restBytes = 0; // raw bytes since the last \n
  private lastByte = -1;
  private failed = false;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLineBytes = MAX_LINE_BYTES,
  ) {}

  push(chunk: Uint8Array): void {
    if (this.failed) throw new LineTooLongError(this.maxLineBytes);
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.text += this.decoder.write(bytes);
    let nl: number;
    while ((nl = this.text.indexOf('\n')) >= 0) {
      let line = this.text.slice(0, nl);
      this.text = this.text.slice(nl + 1);
      if (line.endsWith('\r')) line = line.slice(0, -1);
      if (Buffer.byteLength(line) > this.maxLineBytes) this.tooLong();
      this.onLine(line);
    }
    const lastNl = bytes.lastIndexOf(0x0a);
    this.restBytes = lastNl >= 0 ? bytes.length - lastNl - 1 : this.restBytes + bytes.length;
    if (bytes.length > 0) this.lastByte = bytes[bytes.length - 1] ?? -1;
    if (this.restBytes > this.maxLineBytes + 1 || (this.restBytes === this.maxLineBytes + 1 && this.lastByte !== 0x0d)) this.tooLong();
  }

  end(): void {
    if (this.failed) return;
    let line = this.text + this.decoder.end();
    this.text = '';
    if (line === '') return;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    this.onLine(line);
  }

  private tooLong(): never {
    this.failed = true;
    this.text = '';
    throw new LineTooLongError(this.maxLineBytes);
  }
}
