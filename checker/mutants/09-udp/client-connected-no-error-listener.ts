// Mutant: a connected socket and no 'error' listener.
// Lesson 09 client: every line you type is sent as one datagram, and the reply is printed. UDP
// promises nothing: the datagram or its reply may be lost, or come twice, or late. So the client
// waits --timeout ms for the reply and sends the line again, up to --retries times, then gives up.

import dgram from 'node:dgram';
import { lookup } from 'node:dns/promises';
import readline from 'node:readline';
import { parseArgs } from 'node:util';

const MAX_DATAGRAM = 65_507; // the most one UDP datagram over IPv4 can carry

const { host, port, timeout, retries } = options();
// Replies are accepted only from the address the requests go to: the host as an IP address.
const server = lookup(host, { family: 4 }).then((a) => a.address);
server.catch(() => {}); // reported where it is awaited

const lines: string[] = [];
let inputEnded = false;
let working = false;
let finished = false;

const input = readline.createInterface({ input: process.stdin, terminal: false });
input.on('line', (line) => {
  lines.push(line.replace(/\r$/, ''));
  void work();
});
input.on('close', () => {
  inputEnded = true;
  void work();
});

/** Asks the lines one after another: the next is sent once the one before has its reply. */
async function work(): Promise<void> {
  if (working || finished) return;
  working = true;
  let address: string;
  try {
    address = await server;
  } catch (err) {
    console.error(`cannot resolve ${host}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    return finish(1);
  }
  while (lines.length > 0 && !finished) {
    const line = lines.shift() ?? '';
    const result = await ask(line, address);
    if ('error' in result) {
      console.error(result.error);
      return finish(1);
    }
    console.log(result.reply);
  }
  working = false;
  if (inputEnded && lines.length === 0) finish(0);
}

/**
 * Sends one line as one datagram (an empty line is an empty datagram: UDP has empty messages) and
 * waits for its reply, sending again after each timeout. Each line gets a socket, and so a port, of
 * its own: this protocol has no request ids, so the port is what tells this line's reply from a late
 * or duplicated reply to an earlier line (that one goes to a socket that is closed by then).
 */
function ask(line: string, address: string): Promise<{ reply: string } | { error: string }> {
  const data = Buffer.from(line, 'utf8');
  if (data.length > MAX_DATAGRAM) return Promise.resolve({ error: `line too long for one datagram: ${data.length} bytes, the limit is ${MAX_DATAGRAM}` });
  const socket = dgram.createSocket('udp4');
  return new Promise((resolve) => {
    let tries = 0;
    let timer: NodeJS.Timeout | undefined;
    const done = (result: { reply: string } | { error: string }): void => {
      clearTimeout(timer);
      socket.close();
      resolve(result);
    };
    // connected: the kernel drops datagrams from anyone else (and reports ICMP errors on this socket)
    socket.on('message', (msg) => done({ reply: msg.toString('utf8') }));
    const attempt = (): void => {
      if (tries > retries) {
        done({ error: `no reply from ${host}:${port} after ${tries} tries, ${timeout} ms each` });
        return;
      }
      tries++;
      socket.send(data);
      timer = setTimeout(attempt, timeout);
    };
    socket.connect(port, address, attempt);
  });
}

function finish(code: number): void {
  finished = true;
  process.exitCode = code;
  input.close();
  process.stdin.destroy(); // stop reading the terminal, so the process can end
}

function options(): { host: string; port: number; timeout: number; retries: number } {
  try {
    const { values } = parseArgs({
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '9009' },
        timeout: { type: 'string', default: '1000' },
        retries: { type: 'string', default: '3' },
      },
    });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--port must be a number from 1 to 65535, not ${JSON.stringify(values.port)}`);
    const timeout = Number(values.timeout);
    if (!Number.isInteger(timeout) || timeout < 1) throw new Error(`--timeout must be a whole number of milliseconds, not ${JSON.stringify(values.timeout)}`);
    const retries = Number(values.retries);
    if (!Number.isInteger(retries) || retries < 0) throw new Error(`--retries must be a whole number, 0 or more, not ${JSON.stringify(values.retries)}`);
    return { host: values.host, port, timeout, retries };
  } catch (err) {
    console.error(`usage: client.ts [--host HOST] [--port PORT] [--timeout MS] [--retries N]: ${(err as Error).message}`);
    process.exit(2);
  }
}
