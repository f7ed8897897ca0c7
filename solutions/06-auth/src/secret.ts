// Where the shared secret comes from: --secret-file FILE, else the environment variable NETLINGS_SECRET.
// Never from the source code (the tutorials' secret_key=b'...' is in every copy of the program),
// and never printed.

import { readFileSync } from 'node:fs';

export const SECRET_ENV = 'NETLINGS_SECRET';

/** No usable secret: one line for the user, exit code 2. */
export class SecretError extends Error {
  override readonly name = 'SecretError';
  readonly code = 'NO_SECRET';
}

/**
 * The secret as bytes. A file wins over the environment. A file's bytes are the secret, less one
 * trailing \n or \r\n (what `echo secret > file` adds). An empty secret is no secret.
 */
export function loadSecret(file: string | undefined, env: NodeJS.ProcessEnv = process.env): Buffer {
  if (file !== undefined) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      const why = e.code === 'ENOENT' ? 'no such file' : e.code === 'EACCES' ? 'permission denied' : e.code === 'EISDIR' ? 'it is a folder' : e.message;
      throw new SecretError(`cannot read the secret file ${file}: ${why}`);
    }
    if (bytes.at(-1) === 0x0a) bytes = bytes.subarray(0, bytes.at(-2) === 0x0d ? -2 : -1);
    if (bytes.length === 0) throw new SecretError(`the secret file ${file} is empty`);
    return bytes;
  }
  const value = env[SECRET_ENV];
  if (value === undefined || value === '') {
    throw new SecretError(`no secret: give --secret-file FILE or set ${SECRET_ENV}`);
  }
  return Buffer.from(value, 'utf8');
}
