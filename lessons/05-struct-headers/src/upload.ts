// Lesson 05: one upload, streamed into --dir while its sha256 is computed on the way.
// The bytes go to a temporary file beside the target; only a complete file with the announced
// hash is renamed to its name. Anything else (a wrong hash, a lost connection) removes it.

import { createHash, randomBytes, type Hash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import path from 'node:path';

/** A request that cannot be served; its message goes back in an error reply. */
export class UploadError extends Error {
  override readonly name = 'UploadError';
  readonly code = 'BAD_UPLOAD';
}

/**
 * A file name must be a plain name: not empty, no / or \, not . or .., no NUL, at most 255 bytes.
 * (Python's os.path.join(dir, name) with name '/etc/passwd' or '../x' leaves dir: never join unchecked.)
 */
export function checkFileName(name: unknown): string {
  // TODO: throw new UploadError(...) for anything but a plain name (see above).
  return String(name);
}

export interface Uploaded {
  type: 'uploaded';
  file_name: string;
  file_size: number;
  sha256: string;
}

export class Upload {
  private readonly hash: Hash = createHash('sha256');
  private readonly file: WriteStream;
  private readonly tempPath: string;
  private readonly finalPath: string;
  private received = 0;
  private failure: Error | undefined;
  private settled = false;

  constructor(
    dir: string,
    private readonly fileName: string,
    private readonly size: number,
    private readonly sha256: string,
  ) {
    this.finalPath = path.join(dir, fileName); // safe only once checkFileName() allowed a plain name
    this.tempPath = path.join(dir, `.${fileName.slice(0, 200)}.${randomBytes(6).toString('hex')}.part`);
    // 'wx': never overwrite. The buffer is 8 MiB: each write is a round trip to libuv's thread pool
    // (1-4 ms on a virtual machine), and the socket stays paused until the buffer has drained, so
    // with 1 MiB a GiB stopped the socket 1,024 times (300 MiB/s here), with 8 MiB 128 times.
    this.file = createWriteStream(this.tempPath, { flags: 'wx', highWaterMark: 8 * 1024 * 1024 });
    this.file.on('error', (e) => {
      this.failure ??= e;
    });
  }

  /** The header's fields, checked before a single body byte is accepted. */
  static fromHeader(dir: string, header: Record<string, unknown>): Upload {
    const name = checkFileName(header['file_name']);
    const sha = header['sha256'];
    if (typeof sha !== 'string' || !/^[0-9a-fA-F]{64}$/.test(sha)) throw new UploadError('sha256 must be 64 hex digits');
    return new Upload(dir, name, typeof header['data_size'] === 'number' ? header['data_size'] : 0, sha.toLowerCase());
  }

  /** Takes the next piece of the body. false: the disk is behind, wait for onDrain before the next. */
  write(chunk: Buffer): boolean {
    // TODO: count the bytes, hash.update(chunk), and return this.file.write(chunk) (unless the file already failed).
    void chunk;
    return true;
  }

  onDrain(fn: () => void): void {
    if (this.failure || !this.file.writableNeedDrain) fn();
    else {
      const go = () => {
        this.file.off('drain', go);
        this.file.off('error', go);
        fn();
      };
      this.file.on('drain', go);
      this.file.on('error', go);
    }
  }

  /** The body is complete: flush, check the hash, then rename the file into place. */
  async finish(): Promise<Uploaded> {
    this.settled = true;
    // TODO: end the file and wait for it to finish; compare this.hash.digest('hex') with this.sha256
    //       (and this.received with this.size). Match: rename(tempPath, finalPath) and return the reply.
    //       Mismatch or a write failure: unlink(tempPath) and throw new UploadError(...).
    void rename;
    void unlink;
    throw new UploadError('upload is not written yet');
  }

  /** The connection was lost mid-body: no partial file stays behind. */
  abort(): void {
    if (this.settled) return;
    this.settled = true;
    // TODO: destroy the write stream and, once it is closed, unlink the temporary file.
  }
}
