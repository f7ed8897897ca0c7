// Variant of lesson 05's upload: written straight to its name (no temporary file), deleted before
// the error reply when the hash does not match or the connection is lost.

import { createHash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';

export class UploadError extends Error {
  readonly code = 'BAD_UPLOAD';
}

export function checkFileName(name: unknown): string {
  const ok = typeof name === 'string' && /^[^/\\\0]+$/.test(name) && name !== '.' && name !== '..' && Buffer.byteLength(name) <= 255;
  if (!ok) throw new UploadError(`not a plain file name: ${JSON.stringify(name)}`);
  return name;
}

export interface Uploaded {
  type: 'uploaded';
  file_name: string;
  file_size: number;
  sha256: string;
}

export class Upload {
  private readonly hash = createHash('sha256');
  private readonly file: WriteStream;
  private readonly target: string;
  private count = 0;
  private done = false;

  private constructor(
    dir: string,
    private readonly name: string,
    private readonly expected: string,
  ) {
    this.target = path.join(dir, name);
    this.file = createWriteStream(this.target);
    this.file.on('error', () => {});
  }

  static fromHeader(dir: string, header: Record<string, unknown>): Upload {
    const name = checkFileName(header['file_name']);
    const sha = String(header['sha256'] ?? '').toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(sha)) throw new UploadError('sha256 must be 64 hex digits');
    return new Upload(dir, name, sha);
  }

  write(chunk: Buffer): boolean {
    this.count += chunk.length;
    this.hash.update(chunk);
    return this.file.write(chunk);
  }

  onDrain(fn: () => void): void {
    this.file.once('drain', fn);
  }

  async finish(): Promise<Uploaded> {
    this.done = true;
    await new Promise<void>((resolve, reject) => {
      this.file.once('error', reject);
      this.file.end(resolve);
    }).catch(async (e: unknown) => {
      await rm(this.target, { force: true });
      throw new UploadError(`cannot write: ${String(e)}`);
    });
    const sha256 = this.hash.digest('hex');
    if (sha256 !== this.expected) {
      await rm(this.target, { force: true });
      throw new UploadError('the file does not have the sha256 announced');
    }
    return { type: 'uploaded', file_name: this.name, file_size: this.count, sha256 };
  }

  abort(): void {
    if (this.done) return;
    this.done = true;
    this.file.destroy();
    this.file.once('close', () => void rm(this.target, { force: true }));
  }
}
