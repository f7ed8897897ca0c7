// Lesson 04's demonstration: `npm run demo -- 04`. It makes TCP's missing message boundaries
// visible on loopback: two writes that arrive as one read, one write that arrives as many reads,
// and a character cut in two by a read. Both ends run in this process, on a free port of
// 127.0.0.1; nothing here uses your code in src/. It exits by itself within a few seconds.

import net from 'node:net';
import { StringDecoder } from 'node:string_decoder';

const GIVE_UP_MS = 10_000;
const dim = (s: string) => (process.stdout.isTTY ? `\x1b[2m${s}\x1b[22m` : s);
const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[22m` : s);

/** A chunk as text, with \n and friends visible. */
function show(bytes: Buffer): string {
  return JSON.stringify(bytes.toString('utf8')).slice(1, -1);
}

/** The chunks side by side, each between bars: |hello\n|world\n| */
function drawChunks(chunks: Buffer[]): string {
  return '|' + chunks.map(show).join('|') + '|';
}

function hex(bytes: Buffer): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** One connection on loopback: the client socket and the server's side of it. */
async function connection(server: net.Server, port: number): Promise<{ client: net.Socket; conn: net.Socket }> {
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  const client = net.connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', resolve);
    client.once('error', reject);
  });
  const conn = await accepted;
  return { client, conn };
}

const write = (socket: net.Socket, data: string | Buffer) => new Promise<void>((resolve, reject) => socket.write(data, (err) => (err ? reject(err) : resolve())));
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Collects the server side's reads until `total` bytes have arrived. */
function readAll(conn: net.Socket, total: number): Promise<Buffer[]> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let got = 0;
    conn.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      got += chunk.length;
      if (got >= total) resolve(chunks);
    });
  });
}

async function twoWritesOneRead(server: net.Server, port: number): Promise<void> {
  console.log(bold('1. Two writes, one read') + dim('  (the receiver reads late)'));
  const { client, conn } = await connection(server, port);
  client.setNoDelay(true); // no Nagle: each write leaves at once, in a segment of its own
  conn.pause(); // the server is busy elsewhere and does not read yet
  await write(client, 'hello\n');
  await write(client, 'world\n');
  console.log(`   the client wrote      ${drawChunks([Buffer.from('hello\n'), Buffer.from('world\n')])}   2 writes of 6 bytes`);
  await pause(50); // both segments wait in the server's receive buffer
  const reads = readAll(conn, 12);
  conn.resume();
  const chunks = await reads;
  console.log(`   the server read       ${drawChunks(chunks)}   ${chunks.length} read${chunks.length === 1 ? '' : 's'} of ${chunks.map((c) => c.length).join(' + ')} bytes`);
  console.log(dim('   A server that takes one read as one message sees one message, "hello\\nworld\\n".'));
  client.destroy();
  conn.destroy();
}

async function oneWriteManyReads(server: net.Server, port: number): Promise<void> {
  const size = 1024 * 1024;
  console.log(bold('2. One write, many reads') + dim('  (a big write is cut into segments and reads)'));
  const { client, conn } = await connection(server, port);
  const reads = readAll(conn, size);
  await write(client, Buffer.alloc(size, 'x'));
  const chunks = await reads;
  const sizes = chunks.map((c) => c.length.toLocaleString('en-US'));
  console.log(`   the client wrote      |${'<'.padEnd(20, '─')} one write of ${size.toLocaleString('en-US')} bytes ${'>'.padStart(20, '─')}|`);
  console.log(`   the server read       |${sizes.slice(0, 8).join('|')}|${chunks.length > 8 ? '…|' : ''}   ${chunks.length} reads`);
  console.log(dim('   A client that does one recv(1024) and calls it the reply prints the first kilobyte and leaves the rest'));
  console.log(dim('   in the socket, where it is taken for the reply to the next command (lesson 03\'s bug).'));
  client.destroy();
  conn.destroy();
}

async function characterSplit(server: net.Server, port: number): Promise<void> {
  console.log(bold('3. A character cut in two') + dim('  ("欢迎\\n" is 7 bytes; the read ends after the first 2)'));
  const { client, conn } = await connection(server, port);
  client.setNoDelay(true);
  const bytes = Buffer.from('欢迎\n');
  const chunks: Buffer[] = [];
  const arrived = (n: number) =>
    new Promise<void>((resolve) => {
      const onData = (chunk: Buffer) => {
        chunks.push(chunk);
        if (chunks.length >= n) {
          conn.off('data', onData);
          resolve();
        }
      };
      conn.on('data', onData);
    });
  const first = arrived(1);
  await write(client, bytes.subarray(0, 2));
  await first; // the server has read the first two bytes before the rest is sent
  const second = arrived(1);
  await write(client, bytes.subarray(2));
  await second;
  console.log(`   the server read       ${chunks.map((c) => `[${hex(c)}]`).join(' ')}`);
  const each = chunks.map((c) => c.toString('utf8')).join('');
  const decoder = new StringDecoder('utf8');
  const whole = chunks.map((c) => decoder.write(c)).join('') + decoder.end();
  console.log(`   each read decoded     ${JSON.stringify(each)}   (U+FFFD where the character was cut)`);
  console.log(`   one StringDecoder     ${JSON.stringify(whole)}`);
  client.destroy();
  conn.destroy();
}

async function main(): Promise<void> {
  const giveUp = setTimeout(() => {
    console.error(`demo: gave up after ${GIVE_UP_MS / 1000} s (is loopback blocked?)`);
    process.exit(1);
  }, GIVE_UP_MS);
  giveUp.unref();
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  console.log(dim(`TCP on loopback, 127.0.0.1:${port}. TCP carries bytes in order; it does not carry where one write ended.\n`));
  await twoWritesOneRead(server, port);
  console.log();
  await oneWriteManyReads(server, port);
  console.log();
  await characterSplit(server, port);
  console.log(dim('\nThe fix: the receiver finds the boundaries itself: a \\n ends a line (this lesson), a length says how many bytes follow (lesson 05).'));
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

main().catch((err: unknown) => {
  console.error(`demo: ${(err as Error).message}`);
  process.exit(1);
});
