// The tester as a server, for grading a learner's client. Half-open connections are allowed,
// so a client that ends its side after its last line still gets its replies.

import net from 'node:net';
import { Waiter } from './waiter.ts';
import { CheckFailure } from './errors.ts';
import { Peer } from './peer.ts';
import { timing } from './timing.ts';
import type { Transcript } from './transcript.ts';
import type { Program } from './program.ts';

export class FakeServer {
  private readonly server: net.Server;
  private readonly transcript: Transcript;
  private readonly accepted: Peer[] = [];
  private readonly all: Peer[] = [];
  private readonly waiter = new Waiter();
  private count = 0;
  port = 0;

  private constructor(
    transcript: Transcript,
    /** Its label in the transcript; its connections are name#1, name#2, … */
    readonly name: string,
  ) {
    this.transcript = transcript;
    this.server = net.createServer({ allowHalfOpen: true }, (socket) => {
      const name = `${this.name}#${++this.count}`;
      const peer = new Peer(socket, name, transcript);
      transcript.note(name, `the client connected from port ${socket.remotePort ?? '?'}`);
      this.accepted.push(peer);
      this.all.push(peer);
      this.wakeAll();
    });
  }

  /**
   * Listens on 127.0.0.1 at a free port. The caller registers close() as cleanup before using it.
   * `name` labels it and its connections in the transcript ("fake", "fake#1"; a check with two: "seeded#1").
   */
  static async start(transcript: Transcript, name = 'fake'): Promise<FakeServer> {
    const fake = new FakeServer(transcript, name);
    await new Promise<void>((resolve, reject) => {
      fake.server.once('error', reject);
      fake.server.listen(0, '127.0.0.1', () => resolve());
    });
    fake.port = (fake.server.address() as net.AddressInfo).port;
    transcript.note(name, `fake server listening on 127.0.0.1:${fake.port}`);
    return fake;
  }

  /**
   * The next connection from the client, waiting (bounded) for it to arrive.
   * With the client's program given, its exit ends the wait at once.
   */
  async nextConnection(program?: Program, within: number = timing.ready, hint?: string): Promise<Peer> {
    let exited = false;
    void program?.exited.then(() => {
      exited = true;
      this.wakeAll();
    });
    await this.waiter.until(() => this.accepted.length > 0 || exited, within);
    if (this.accepted.length === 0) {
      if (exited && program) {
        throw new CheckFailure('EXITED', `the client ${program.describeExit()} without connecting to 127.0.0.1:${this.port}`, {
          expected: `a connection to 127.0.0.1:${this.port} (the --host and --port it was given)`,
          actual: program.describeOutput(),
          hint: hint ?? 'Connect with net.connect({ host, port }) using the values from --host and --port.',
        });
      }
      throw new CheckFailure('TIMEOUT', `the client did not connect to 127.0.0.1:${this.port} within ${within} ms`, {
        expected: `a connection to the --host and --port the client was given (127.0.0.1:${this.port})`,
        actual: 'no connection',
        hint: hint ?? 'Connect to the host and port from the command line (--host, --port), not to a constant.',
      });
    }
    return this.accepted.shift() as Peer;
  }

  private wakeAll(): void {
    this.waiter.notify();
  }

  async close(): Promise<void> {
    for (const p of this.all) p.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
