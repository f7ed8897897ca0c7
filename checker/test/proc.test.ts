// The /proc table reader reads a TCP table only as far as it needs (listeners come first; a search
// ends once its rows are in). These cases make the table longer than one read with TIME_WAIT rows of
// their own, then look for sockets of this process on either side of them.

import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionQueues, hasProc, listeningAddresses, socketsOf } from '../src/harness/proc.ts';

const servers: net.Server[] = [];
const sockets: net.Socket[] = [];
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

function listen(): Promise<{ server: net.Server; port: number }> {
  const server = net.createServer((s) => sockets.push(s));
  servers.push(server);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as net.AddressInfo).port })));
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => resolve(s));
    sockets.push(s);
    s.once('error', reject);
  });
}

/** Rows this test adds to the table: the client closes first, so each client port stays in TIME_WAIT for a minute. */
async function timeWaitRows(port: number, n: number): Promise<void> {
  for (let i = 0; i < n; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, n - i) }, async () => {
        const s = await connect(port);
        await new Promise<void>((r) => s.end(() => r()));
        await new Promise((r) => s.once('close', r));
      }),
    );
  }
}

describe.skipIf(!hasProc)('the /proc TCP table reader', () => {
  let port = 0;
  beforeAll(async () => {
    ({ port } = await listen());
    // one read holds ~220 rows: 400 of them put later rows past the first read
    await timeWaitRows(port, 400);
  }, 60_000);

  it('finds a listening socket opened after hundreds of TIME_WAIT rows', async () => {
    const late = await listen();
    const addresses = listeningAddresses([process.pid]) ?? [];
    expect(addresses).toContain(`127.0.0.1:${port}`);
    expect(addresses).toContain(`127.0.0.1:${late.port}`);
  });

  it('finds an established connection and its listener wherever they are in the table', async () => {
    const { port: p } = await listen();
    const client = await connect(p);
    const mine = socketsOf([process.pid]) ?? [];
    const row = mine.find((s) => s.localPort === client.localPort && s.remotePort === p);
    expect(row?.state).toBe('ESTABLISHED');
    expect(mine.some((s) => s.state === 'LISTEN' && s.localPort === p)).toBe(true);
  });

  it("reads both ends' kernel queues of one connection", async () => {
    const { server, port: p } = await listen();
    const accepted = new Promise<net.Socket>((r) => server.once('connection', r));
    const client = await connect(p);
    const peer = await accepted;
    peer.pause();
    client.write(Buffer.alloc(1000, 1));
    let q = connectionQueues(client.localPort ?? 0, p);
    for (let i = 0; i < 100 && (q?.b.receive ?? 0) < 1000; i++) {
      await new Promise((r) => setTimeout(r, 10));
      q = connectionQueues(client.localPort ?? 0, p);
    }
    expect(q?.b.receive).toBe(1000);
    expect(q?.a.send).toBe(0);
  });
});
