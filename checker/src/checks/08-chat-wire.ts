// Lesson 08's wire, as the checker sees it: reading the chat's two-line messages from a tester
// connection and judging them (the sender's address, the text, a local-time stamp within a second
// of the checker's clock), the server's log lines, and how many bytes wait for a client that does not
// read. The last needs the kernel's queue sizes of the connection (harness/proc.ts's
// connectionQueues, from /proc/net/tcp).

import { connectionQueues } from '../harness/proc.ts';
import { startServer } from '../harness/ready.ts';
import type { CheckContext, RunningServer } from '../harness/check.ts';
import { CheckFailure } from '../harness/errors.ts';
import type { Peer } from '../harness/peer.ts';
import type { Program } from '../harness/program.ts';
import { timing } from '../harness/timing.ts';

export const LESSON = '08-chat';
/** The longest message a client may send, in bytes without its \n or \r\n (65,537 is over). */
export const LIMIT = 64 * 1024;
/** More than this in the server's own queue for a client that does not read closes that client. */
export const MAX_QUEUED = 1024 * 1024;

const HEADER = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2}) (.+)$/;

export interface ChatMessage {
  /** The header line as it arrived: `YYYY/MM/DD HH:MM:SS HOST:PORT`. */
  header: string;
  stamp: string;
  sender: string;
  text: string;
}

export const FORMAT_HINT =
  'Each message is two lines: `YYYY/MM/DD HH:MM:SS HOST:PORT\\n` (local time, zero-padded, the SENDER\'s socket.remoteAddress:socket.remotePort) and then the line itself with `\\n`. Build it once per line and write the same bytes to every client.';

/** The address the server sees for a tester connection. */
export const addressOf = (c: Peer): string => `127.0.0.1:${c.localPort}`;

/** Shortens a long text for a message. */
export function brief(text: string, max = 60): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}… (${Buffer.byteLength(text)} bytes)` : text);
}

/** Reads the next message (its two lines) from a tester connection; fails with what arrived instead. */
export async function readMessage(c: Peer, what: string, hint: string, within: number = timing.reply): Promise<ChatMessage> {
  const header = await readLineOf(c, `${what} (its first line, the stamp and sender)`, hint, within);
  const m = HEADER.exec(header);
  if (!m) {
    throw new CheckFailure('WRONG_BYTES', `${c.name}: the first line of ${what} is not "YYYY/MM/DD HH:MM:SS HOST:PORT"`, {
      expected: `a line like "2024/05/01 09:03:07 127.0.0.1:50123"`,
      actual: JSON.stringify(header),
      hint: FORMAT_HINT,
    });
  }
  const text = await readLineOf(c, `${what} (its second line, the text)`, hint, within);
  return { header, stamp: header.slice(0, 19), sender: m[7] ?? '', text };
}

async function readLineOf(c: Peer, what: string, hint: string, within: number): Promise<string> {
  const line = await c.readLine(within).catch((e: unknown) => {
    if (e instanceof CheckFailure) {
      e.message = `${e.message}: waiting for ${what}`;
      e.hint ??= hint;
    }
    throw e;
  });
  if (line === null) {
    throw new CheckFailure('CLOSED_EARLY', `${c.name}: the connection was closed before ${what} arrived`, { expected: what, actual: 'end of stream', hint });
  }
  return line;
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** `YYYY/MM/DD HH:MM:SS` of a moment, in a time zone (the checker's own local time by default). */
export function stampOf(ms: number, timeZone?: string): string {
  const key = timeZone ?? '';
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      ...(timeZone ? { timeZone } : {}),
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formats.set(key, format);
  }
  const parts = format.formatToParts(new Date(ms));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '??';
  return `${get('year')}/${get('month')}/${get('day')} ${get('hour')}:${get('minute')}:${get('second')}`;
}

/**
 * The stamps a server may fairly write for a line sent at `sentAt` and read at `now`: every second
 * from one before the send to one after the receipt (a stamp cut to the second, or rounded, and a
 * second boundary crossed on the way are all inside).
 */
export function fairStamps(sentAt: number, now: number, timeZone?: string): string[] {
  if (!(now - sentAt < 3_600_000 && sentAt <= now)) throw new Error(`fairStamps: ${sentAt}..${now} is not a send and a receipt`);
  const out: string[] = [];
  for (let s = Math.floor(sentAt / 1000) - 1; s <= Math.floor(now / 1000) + 1; s++) out.push(stampOf(s * 1000, timeZone));
  return out;
}

export interface Expected {
  /** The sender's tester connection. */
  from: Peer;
  text: string;
  /** Date.now() just before the line was sent. */
  sentAt: number;
}

/** The next message must be `want`: the sender's address, the text, a stamp within a second of now. */
export async function expectMessage(c: Peer, want: Expected, what: string, hint: string, timeZone?: string): Promise<void> {
  const got = await readMessage(c, what, hint);
  judge(c, got, want, what, hint, timeZone);
}

/** Fails unless `got` is the message `want`. */
export function judge(c: Peer, got: ChatMessage, want: Expected, what: string, hint: string, timeZone?: string): void {
  const sender = addressOf(want.from);
  if (got.text !== want.text) {
    throw new CheckFailure('WRONG_BYTES', `${c.name}: ${what} is not what arrived`, {
      expected: `a message from ${sender} with the text ${brief(want.text)}`,
      actual: `the header ${JSON.stringify(got.header)} and the text ${brief(got.text)}`,
      hint,
    });
  }
  if (got.sender !== sender) {
    const own = got.sender === addressOf(c) ? ` (that is the receiver's own address, ${c.name})` : '';
    throw new CheckFailure('WRONG_BYTES', `${c.name}: ${what} names the wrong sender`, {
      expected: `the sender's address ${sender}, as the server sees it (socket.remoteAddress:socket.remotePort)`,
      actual: `${JSON.stringify(got.header)}${own}`,
      hint: FORMAT_HINT,
    });
  }
  const now = Date.now();
  const fair = fairStamps(want.sentAt, now, timeZone);
  if (!fair.includes(got.stamp)) {
    const zone = timeZone ? `local time in the server's time zone (TZ=${timeZone})` : "local time (the checker's own clock and time zone)";
    throw new CheckFailure('WRONG_BYTES', `${c.name}: the time in ${what} is not the time it was sent`, {
      expected: `${zone}: between ${fair[0]} and ${fair.at(-1)}`,
      actual: JSON.stringify(got.header),
      hint: "The stamp is the server's local time when it broadcasts the line: new Date() with getFullYear(), getMonth() + 1 (months count from 0), getDate(), getHours(), getMinutes(), getSeconds(), each padded to two digits. toISOString() is UTC, not local time.",
    });
  }
}

/**
 * A line of the server's log (stdout or stderr: either is fair) that ends with `HOST:PORT quits`
 * (a timestamp or a level before it is fine), printed before or within `within` ms.
 */
export async function expectQuitsLog(program: Program, c: Peer, how: string, hint: string, within: number = timing.reply): Promise<void> {
  const addr = addressOf(c).replace(/\./g, '\\.');
  const re = new RegExp(`(^|\\s)${addr} quits\\s*$`);
  const found = () => [...program.stdoutLines, ...program.stderrLines].some((l) => re.test(l));
  let seen = found();
  if (!seen) {
    const stop = program.onLine((_, line) => {
      if (re.test(line)) seen = true;
    });
    try {
      await program.until(() => seen || program.exit !== undefined, within);
    } finally {
      stop();
    }
    seen ||= found();
  }
  if (!seen) {
    throw new CheckFailure(program.exit ? 'EXITED' : 'OUTPUT', `the server did not log "${addressOf(c)} quits" after that client ${how}`, {
      expected: `a line ending in "${addressOf(c)} quits" on stdout or stderr`,
      actual: program.describeOutput(),
      hint,
    });
  }
}

/** True when the server has logged that this tester connection quits (see expectQuitsLog). */
export function quitsLogged(program: Program, c: Peer): boolean {
  const re = new RegExp(`(^|\\s)${addressOf(c).replace(/\./g, '\\.')} quits\\s*$`);
  return [...program.stdoutLines, ...program.stderrLines].some((l) => re.test(l));
}

/** A server of the check's own with its stdin kept open (for `quit` typed on it). */
export async function serverWithStdin(ctx: CheckContext, env?: Record<string, string>): Promise<RunningServer> {
  const s = await startServer(
    { root: ctx.root, lesson: ctx.lesson, transcript: ctx.transcript, label: 'server', args: ['--host', '127.0.0.1', '--port', '0'], stdin: 'keep', ...(env ? { env } : {}) },
    (c) => ctx.defer(c),
  );
  ctx.usesProgram(s.program);
  return s;
}

/** Bytes queued in the kernel for a TCP connection between two local ports, from /proc/net/tcp. */
interface KernelQueues {
  /** The server's send queue toward the client (sent or not, not yet acknowledged). */
  serverSend: number;
  /** The client's receive queue (arrived, not yet read by the tester). */
  clientReceive: number;
}

/** The kernel's queues of the connection from tester port `clientPort` to the server's `serverPort`; undefined without /proc. */
export function kernelQueues(clientPort: number, serverPort: number): KernelQueues | undefined {
  const q = connectionQueues(clientPort, serverPort);
  return q && { serverSend: q.b.send, clientReceive: q.a.receive };
}

/**
 * How many of the bytes broadcast to a tester connection that does not read wait in the server's own
 * queue (its socket.writableLength, or a queue of its own): what was sent to it, less what the tester
 * has taken from the kernel and what the two kernel buffers hold. A lower bound (a segment in both
 * kernel queues at once counts twice); undefined without /proc.
 */
export function queuedInServer(slow: Peer, serverPort: number, sentToIt: number): number | undefined {
  const k = kernelQueues(slow.localPort, serverPort);
  if (!k) return undefined;
  return sentToIt - slow.socket.bytesRead - k.clientReceive - k.serverSend;
}

/** The bytes of one message on the wire, for counting what was sent to a client. */
export function messageBytes(sender: Peer, text: string): number {
  return Buffer.byteLength(`0000/00/00 00:00:00 ${addressOf(sender)}\n${text}\n`);
}

/** True while the server holds a connection from this tester port (undefined without /proc). */
export function serverHolds(program: Program, c: Peer): boolean | undefined {
  const sockets = program.sockets();
  if (!sockets) return undefined;
  return sockets.some((s) => s.state !== 'LISTEN' && s.remotePort === c.localPort);
}

/**
 * Waits (bounded) until the server holds every one of these tester connections, so what the tester
 * does next (a line the server must send them, a reset) happens to clients it has accepted. One look
 * at /proc serves all of them; without /proc it returns at once.
 */
export async function untilJoined(program: Program, peers: Peer[], within: number = timing.reply): Promise<void> {
  const deadline = performance.now() + within;
  for (;;) {
    const sockets = program.sockets();
    if (!sockets) return;
    const held = new Set(sockets.filter((s) => s.state !== 'LISTEN').map((s) => s.remotePort));
    const waiting = peers.filter((p) => !held.has(p.localPort) && !p.hasEnded && !p.socket.destroyed);
    if (waiting.length === 0 || performance.now() >= deadline || program.exit !== undefined) return;
    await program.until(() => program.exit !== undefined, 10);
  }
}

/**
 * Connects n tester clients and waits until the server has accepted every one of them: a line sent
 * before the server accepted a client is, rightly, not sent to it. (Where /proc cannot tell, a
 * connected socket is taken as accepted.)
 */
export async function joinMany(ctx: CheckContext, program: Program, port: number, n: number): Promise<Peer[]> {
  const peers = await ctx.connectMany(port, n);
  await untilJoined(program, peers);
  return peers;
}

/** One tester client, accepted by the server (see joinMany). */
export async function join(ctx: CheckContext, program: Program, port: number): Promise<Peer> {
  const [p] = await joinMany(ctx, program, port, 1);
  return p as Peer;
}
