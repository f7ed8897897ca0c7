// Variant of lesson 05's client: its own reply reader (no FrameDecoder), hashing with a FileHandle
// read loop, and a hand-written pump (write() false → pause the file until 'drain'). Silent on success.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';

const argv = process.argv.slice(2);
let host = '127.0.0.1';
let port = 9005;
while (argv[0]?.startsWith('--')) {
  const [flag, value] = [argv.shift(), argv.shift()];
  if (flag === '--host' && value) host = value;
  else if (flag === '--port' && value) port = Number(value);
  else {
    console.error('usage: client.ts [--host H] [--port P] exec CMD... | upload PATH');
    process.exit(2);
  }
}
const [command, ...rest] = argv;

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

const socket = net.connect({ host, port });
socket.on('error', (e: NodeJS.ErrnoException) => fail(`${host}:${port}: ${e.code ?? e.message}`));

function frame(header: object): Buffer {
  const json = Buffer.from(JSON.stringify(header));
  const out = Buffer.alloc(4 + json.length);
  out.writeUInt32BE(json.length, 0);
  json.copy(out, 4);
  return out;
}

/** Reads the reply: collects the header, then streams the body to onBody. */
function reply(onBody: (b: Buffer) => void): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    let head = Buffer.alloc(0);
    let header: Record<string, unknown> | undefined;
    let left = 0;
    socket.on('data', (chunk: Buffer) => {
      let data = chunk;
      if (!header) {
        head = Buffer.concat([head, data]);
        if (head.length < 4) return;
        const n = head.readUInt32BE(0);
        if (head.length < 4 + n) return;
        header = JSON.parse(head.subarray(4, 4 + n).toString()) as Record<string, unknown>;
        left = typeof header['data_size'] === 'number' ? header['data_size'] : 0;
        data = head.subarray(4 + n);
      }
      const piece = data.subarray(0, left);
      if (piece.length) onBody(piece);
      left -= piece.length;
      if (left === 0) resolve(header);
    });
    socket.on('end', () => fail('the server closed the connection'));
  });
}

socket.on('connect', async () => {
  if (command === 'exec' && rest.length) {
    socket.write(frame({ type: 'exec', cmd: rest.join(' ') }));
    const h = await reply((b) => process.stdout.write(b));
    if (h['type'] === 'error') fail(`error: ${String(h['message'])}`);
    socket.destroy();
    return;
  }
  if (command === 'upload' && rest.length === 1) {
    const file = rest[0] as string;
    const handle = await open(file).catch(() => fail(`cannot open ${file}`));
    const hash = createHash('sha256');
    const buf = Buffer.alloc(1 << 20);
    let size = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      hash.update(buf.subarray(0, bytesRead));
      size += bytesRead;
    }
    await handle.close();
    const done = reply(() => {});
    socket.write(frame({ type: 'upload', file_name: path.basename(file), data_size: size, sha256: hash.digest('hex') }));
    const stream = createReadStream(file);
    stream.on('data', (chunk) => {
      if (!socket.write(chunk)) {
        stream.pause();
        socket.once('drain', () => stream.resume());
      }
    });
    const h = await done;
    if (h['type'] === 'error') fail(`error: ${String(h['message'])}`);
    socket.destroy();
    return;
  }
  fail('usage: client.ts [--host H] [--port P] exec CMD... | upload PATH');
});
