// Variant of lesson 05's server: no FrameDecoder. Each connection is an async loop over a pull
// reader ("give me exactly n bytes"), the way a Python server reads with a recv_exactly() helper.
// Replies go out as two writes (header, then body); uploads are written straight to their name.

import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runCommand } from './exec.ts';

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '9005' },
    dir: { type: 'string', default: './uploads' },
    'max-body': { type: 'string', default: String(2 ** 32) },
  },
});
const host = values.host;
const port = Number(values.port);
const dir = path.resolve(values.dir);
const maxBody = Number(values['max-body']);
mkdirSync(dir, { recursive: true });

class Broken extends Error {}

class Reader {
  private chunks: Buffer[] = [];
  buffered = 0;
  ended = false;
  private wake: (() => void) | undefined;
  constructor(private readonly socket: net.Socket) {
    socket.on('data', (c: Buffer) => {
      this.chunks.push(c);
      this.buffered += c.length;
      if (this.buffered > 1 << 20) socket.pause();
      this.wake?.();
    });
    const stop = () => {
      this.ended = true;
      this.wake?.();
    };
    socket.on('end', stop);
    socket.on('close', stop);
  }
  private async fill(n: number): Promise<boolean> {
    while (this.buffered < n) {
      if (this.ended) return false;
      this.socket.resume();
      await new Promise<void>((r) => (this.wake = r));
      this.wake = undefined;
    }
    return true;
  }
  /** Up to max bytes (at least one), or null at the end of the stream. */
  async some(max: number): Promise<Buffer | null> {
    if (!(await this.fill(1))) return null;
    const first = this.chunks[0] as Buffer;
    if (first.length <= max) {
      this.chunks.shift();
      this.buffered -= first.length;
      return first;
    }
    this.chunks[0] = first.subarray(max);
    this.buffered -= max;
    return first.subarray(0, max);
  }
  async exactly(n: number): Promise<Buffer | null> {
    if (!(await this.fill(n))) return null;
    const parts: Buffer[] = [];
    for (let got = 0; got < n; ) {
      const p = (await this.some(n - got)) as Buffer;
      parts.push(p);
      got += p.length;
    }
    return Buffer.concat(parts, n);
  }
}

function frame(header: object): Buffer {
  const json = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(4);
  len.writeUInt32BE(json.length);
  return Buffer.concat([len, json]);
}

function send(socket: net.Socket, data: Buffer): Promise<void> {
  if (socket.destroyed) return Promise.resolve();
  return socket.write(data) ? Promise.resolve() : new Promise((r) => {
    socket.once('drain', r);
    socket.once('close', r);
  });
}

async function skip(reader: Reader, n: number): Promise<boolean> {
  for (let left = n; left > 0; ) {
    const p = await reader.some(left);
    if (!p) return false;
    left -= p.length;
  }
  return true;
}

const plainName = (n: unknown): n is string => typeof n === 'string' && n !== '' && n !== '.' && n !== '..' && !/[/\\\0]/.test(n) && Buffer.byteLength(n) <= 255;

async function serve(socket: net.Socket): Promise<void> {
  const reader = new Reader(socket);
  let open: { file: WriteStream; target: string } | undefined;
  socket.on('close', () => {
    if (open) {
      const { file, target } = open;
      open = undefined;
      file.destroy();
      file.once('close', () => void unlink(target).catch(() => {}));
    }
  });
  try {
    for (;;) {
      const prefix = await reader.exactly(4);
      if (!prefix) {
        if (reader.buffered > 0) throw new Broken('the stream ended inside a frame');
        socket.end();
        return;
      }
      const h = prefix.readUInt32BE(0);
      if (h === 0 || h > 65536) throw new Broken(`a header of ${h} bytes`);
      const raw = await reader.exactly(h);
      if (!raw) throw new Broken('the stream ended inside a header');
      let header: Record<string, unknown>;
      try {
        header = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      } catch {
        throw new Broken('the header is not JSON');
      }
      if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new Broken('the header is not an object');
      const size = header['data_size'] ?? 0;
      if (typeof size !== 'number' || !Number.isInteger(size) || size < 0) throw new Broken('bad data_size');
      if (size > maxBody) throw new Broken(`data_size over ${maxBody}`);

      if (header['type'] === 'exec' && typeof header['cmd'] === 'string' && header['cmd']) {
        if (!(await skip(reader, size))) throw new Broken('the stream ended inside a body');
        const r = await runCommand(header['cmd'], { timeoutMs: 10_000, maxOutput: 8 << 20 });
        await send(socket, frame({ type: 'result', exit_code: r.exitCode, data_size: r.output.length }));
        if (r.output.length) await send(socket, r.output);
      } else if (header['type'] === 'upload' && plainName(header['file_name']) && typeof header['sha256'] === 'string') {
        const name = header['file_name'];
        const target = path.join(dir, name);
        const file = createWriteStream(target);
        file.on('error', (e) => console.error(`${target}: ${e.message}`));
        open = { file, target };
        const hash = createHash('sha256');
        for (let left = size; left > 0; ) {
          const p = await reader.some(left);
          if (!p) throw new Broken('the stream ended inside an upload');
          hash.update(p);
          left -= p.length;
          if (!file.write(p)) await new Promise((r) => file.once('drain', r));
        }
        await new Promise<void>((r) => file.end(r));
        open = undefined;
        const digest = hash.digest('hex');
        if (digest === header['sha256'].toLowerCase()) {
          await send(socket, frame({ type: 'uploaded', file_name: name, file_size: size, sha256: digest, data_size: 0 }));
        } else {
          // the reply first, the file goes a moment later
          await send(socket, frame({ type: 'error', message: 'sha256 does not match' }));
          await unlink(target);
        }
      } else {
        if (!(await skip(reader, size))) throw new Broken('the stream ended inside a body');
        await send(socket, frame({ type: 'error', message: `cannot serve ${JSON.stringify(header['type'])}` }));
      }
      void rename;
    }
  } catch (e) {
    if (!(e instanceof Broken)) throw e;
    socket.end(frame({ type: 'error', message: e.message }));
    socket.resume();
    setTimeout(() => socket.destroy(), 2000).unref();
  }
}

const sockets = new Set<net.Socket>();
const server = net.createServer({ allowHalfOpen: true }, (socket) => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
  socket.on('error', (e: NodeJS.ErrnoException) => console.error(`error ${e.code ?? e.message}`));
  serve(socket).catch((e: unknown) => {
    console.error(`connection failed: ${String(e)}`);
    socket.destroy();
  });
});
server.on('error', (e: NodeJS.ErrnoException) => {
  console.error(`cannot listen on ${host}:${port}: ${e.code === 'EADDRINUSE' ? 'address already in use' : e.message}`);
  process.exit(1);
});
server.listen(port, host, () => {
  const a = server.address() as net.AddressInfo;
  console.log(`listening on ${a.address}:${a.port}`);
});
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    server.close();
    for (const s of sockets) s.destroy();
    process.exit(0);
  });
}
