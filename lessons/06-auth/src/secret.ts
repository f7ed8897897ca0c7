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
  // TODO: with a file: fs.readFileSync(file) (bytes, no encoding); on an error throw a SecretError naming
  //       the file. Drop one trailing \n or \r\n. An empty result is a SecretError too.
  // TODO: without a file: env[SECRET_ENV] as UTF-8 bytes; unset or empty is a SecretError:
  //       `no secret: give --secret-file FILE or set NETLINGS_SECRET`.
  void readFileSync;
  return Buffer.from(env[SECRET_ENV] ?? '', 'utf8');
}
