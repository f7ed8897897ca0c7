import type { Mutant } from './mutant.ts';
import { sigintNotHandled } from './shared-edits.ts';

// The framework's bugs (src/socketserver.ts) are caught by its module checks; the service's
// (src/server.ts) by the checks over the wire, lesson 02's among them.

const FW = 'src/socketserver.ts';
const SERVER = 'src/server.ts';

export const mutants: Mutant[] = [
  // --- the handler's life ---
  {
    id: 'client-address-is-local',
    file: FW,
    bug: "gives the handler the server's own address (localAddress, localPort) as clientAddress",
    catches: 'framework-basics',
    edits: [["    const address: Address = [socket.remoteAddress ?? '', socket.remotePort ?? 0];", "    const address: Address = [socket.localAddress ?? '', socket.localPort ?? 0];"]],
  },
  {
    id: 'setup-not-awaited',
    file: FW,
    bug: 'calls setup() without awaiting it, so handle() starts while an async setup() is still running',
    catches: 'phases-in-order',
    edits: [['        await handler.setup();\n', '        void handler.setup();\n']],
  },
  {
    id: 'closes-before-finish',
    file: FW,
    bug: 'does not await finish(), so the connection is closed while an async finish() still runs',
    catches: 'phases-in-order',
    edits: [['        await handler.finish(); // always', '        void handler.finish(); // always']],
  },
  {
    id: 'finish-skipped-after-error',
    file: FW,
    bug: 'runs finish() in the same try as handle(), so it is skipped when handle() throws',
    catches: 'handle-throws',
    edits: [
      ['        await handler.handle(); // not after a failed setup\n', '        await handler.handle(); // not after a failed setup\n        await handler.finish();\n'],
      ['      try {\n        await handler.finish(); // always, even after setup or handle threw\n      } catch (err) {\n        this.handleError(address, err);\n      }\n', ''],
    ],
  },
  {
    id: 'logs-error-object',
    file: FW,
    bug: 'logs the error object itself, which prints its stack trace over many lines',
    catches: 'handle-throws',
    edits: [["    console.error(`${address[0]}:${address[1]} handler error: ${message.replace(/\\s*[\\r\\n]+\\s*/g, ' ')}`);", '    console.error(`${address[0]}:${address[1]} handler error:`, err);']],
  },
  {
    id: 'handle-after-failed-setup',
    file: FW,
    bug: 'catches an error of setup() on its own and runs handle() anyway',
    catches: 'setup-throws',
    edits: [['        await handler.setup();\n', '        await Promise.resolve().then(() => handler.setup()).catch((err: unknown) => this.handleError(address, err));\n']],
  },
  // --- the connection loop ---
  {
    id: 'serve-forever-without-listen',
    file: FW,
    bug: 'serveForever() waits for connections without listening first',
    catches: 'serve-forever-listens',
    edits: [["    if (this.#serving) throw new Error('serveForever() is already running');\n    await this.listen();\n", "    if (this.#serving) throw new Error('serveForever() is already running');\n"]],
  },
  {
    id: 'tcp-server-is-concurrent',
    file: FW,
    bug: "TCPServer's processRequest does not wait for the handler, so it serves every connection at once",
    catches: 'tcp-server-one-at-a-time',
    edits: [['    return this.finishRequest(socket, address);\n  }\n\n  /** Creates the handler', '    void this.finishRequest(socket, address);\n    return Promise.resolve();\n  }\n\n  /** Creates the handler']],
  },
  {
    id: 'reads-waiting-connections',
    file: FW,
    bug: 'reads every connection into memory as it arrives ("so nothing is lost") and replays it to the handler later',
    catches: 'tcp-server-one-at-a-time',
    edits: [
      ["    socket.on('error', () => {});\n", "    socket.on('error', () => {});\n    const early: Buffer[] = [];\n    (socket as unknown as { early: Buffer[] }).early = early;\n    socket.on('data', (c: Buffer) => early.push(c));\n    socket.resume();\n"],
      ['  async #runHandler(socket: net.Socket, address: Address): Promise<void> {\n    try {\n', "  async #runHandler(socket: net.Socket, address: Address): Promise<void> {\n    socket.removeAllListeners('data');\n    socket.pause();\n    for (const c of ((socket as unknown as { early?: Buffer[] }).early ?? []).reverse()) socket.unshift(c);\n    try {\n"],
    ],
  },
  {
    id: 'threading-awaits-handler',
    file: FW,
    bug: "ThreadingMixIn's processRequest awaits the handler, so ThreadingTCPServer serves one connection at a time",
    catches: 'threading-concurrent',
    edits: [['      void this.finishRequest(socket, address); // not awaited: the loop takes the next connection at once\n      return Promise.resolve();\n', '      return this.finishRequest(socket, address);\n']],
  },
  {
    id: 'handle-request-returns-early',
    file: FW,
    bug: 'handleRequest() starts the handler and resolves at once',
    catches: 'handle-request-one',
    edits: [['    if (request) await this.finishRequest(request.socket, request.address);\n', '    if (request) void this.finishRequest(request.socket, request.address);\n']],
  },
  {
    id: 'shutdown-does-not-wait',
    file: FW,
    bug: 'shutdown() stops the loop but does not wait for the handlers in progress',
    catches: 'shutdown-waits',
    edits: [['    while (this.#inProgress.size > 0) await Promise.all(this.#inProgress);\n', '']],
  },
  {
    id: 'shutdown-serves-the-queue',
    file: FW,
    bug: 'after shutdown() the loop still takes a connection that arrived later, when it is already in the queue',
    catches: 'shutdown-waits',
    edits: [['    if (this.#closed || (forever && this.#stopping)) return Promise.resolve(null);\n    for', '    if (this.#closed) return Promise.resolve(null);\n    for']],
  },
  {
    id: 'server-close-waits-for-connections',
    file: FW,
    bug: "serverClose() waits for server.close()'s callback, which comes only once every connection has ended",
    catches: 'server-close-frees-port',
    edits: [['    if (this.#server.listening) this.#server.close();\n    await new Promise<void>((resolve) => setImmediate(resolve));\n', '    await new Promise<void>((resolve) => this.#server.close(() => resolve()));\n']],
  },
  {
    id: 'queue-of-five',
    file: FW,
    bug: "keeps at most 5 waiting connections (Python's request_queue_size) and drops the others",
    catches: 'hundred-at-once',
    edits: [['    else this.#queue.push({ socket, address });\n', '    else if (this.#queue.length < 5) this.#queue.push({ socket, address });\n    else socket.destroy();\n']],
  },
  {
    id: 'listen-ignores-error',
    file: FW,
    bug: "listen() never listens for the server's 'error', so a busy port is an uncaught exception",
    catches: 'listen-busy-port',
    edits: [["      this.#server.once('error', failed);\n", '']],
  },
  {
    id: 'no-error-listener',
    file: FW,
    bug: "gives accepted sockets no 'error' listener, so a client's reset kills the process",
    catches: 'survives-client-reset',
    edits: [["    socket.on('error', () => {});\n", '']],
  },
  {
    id: 'never-destroys-half-open',
    file: FW,
    bug: 'ends its side after finish() but never destroys a connection whose client does not end its own',
    catches: 'closes-half-open',
    edits: [['    const timer = setTimeout(() => socket.destroy(), CLOSE_GRACE_MS);\n    timer.unref();\n    socket.once(\'close\', () => clearTimeout(timer));\n', '']],
  },
  // --- StreamRequestHandler ---
  {
    id: 'read-line-decodes-each-chunk',
    file: FW,
    bug: 'decodes every chunk to text on its own, so a character split across reads turns into U+FFFD',
    catches: 'read-line-split',
    edits: [
      ['    this.#partial.push(piece);\n', "    this.#partial.push(Buffer.from(piece.toString('utf8')));\n"],
      ['Buffer.concat(this.#partial, this.#partialBytes);', 'Buffer.concat(this.#partial);'],
    ],
  },
  {
    id: 'read-line-first-of-chunk',
    file: FW,
    bug: 'takes only the first line of each chunk; the rest of the chunk waits as the start of the next line',
    catches: 'read-line-coalesced',
    edits: [['nl >= 0 && !this.#error; nl = chunk.indexOf(0x0a, from)) {', 'nl >= 0 && !this.#error; nl = -1) {']],
  },
  {
    id: 'read-line-keeps-cr',
    file: FW,
    bug: 'keeps the \\r of a \\r\\n in the line',
    catches: 'read-line-crlf',
    edits: [['    if (line.at(-1) === 0x0d) line = line.subarray(0, -1);\n', '']],
  },
  {
    id: 'read-line-drops-last-line',
    file: FW,
    bug: 'drops a last line without \\n when the client ends its side',
    catches: 'read-line-end',
    edits: [['    if (!this.#error && this.#partialBytes > 0) this.#completeLine();\n', '']],
  },
  {
    id: 'read-line-null-once',
    file: FW,
    bug: 'returns null once at the end of the stream, then waits for another end that never comes',
    catches: 'read-line-end',
    edits: [['      if (this.#ended) return null;\n', '      if (this.#ended) {\n        this.#ended = false; // the end was seen\n        return null;\n      }\n']],
  },
  {
    id: 'write-ignores-drain',
    file: FW,
    bug: "write() resolves at once, whatever socket.write() returned: no backpressure",
    catches: 'write-backpressure',
    edits: [['    if (socket.write(data)) return Promise.resolve();\n', '    socket.write(data);\n    return Promise.resolve();\n']],
  },
  // --- the service ---
  {
    id: 'mode-ignored',
    file: SERVER,
    bug: 'always builds a ThreadingTCPServer, whatever --mode says',
    catches: 'sequential-one-client-at-a-time',
    edits: [["const server = mode === 'sequential' ? new TCPServer([host, port], UpperCaseHandler) : new ThreadingTCPServer([host, port], UpperCaseHandler);", 'const server: TCPServer = new ThreadingTCPServer([host, port], UpperCaseHandler);']],
  },
  {
    id: 'any-mode-is-sequential',
    file: SERVER,
    bug: 'takes --mode as a switch: any --mode, --mode concurrent too, builds a TCPServer',
    catches: 'concurrent-mode-flag',
    edits: [["const server = mode === 'sequential' ? new TCPServer", "const server = process.argv.includes('--mode') ? new TCPServer"]],
  },
  {
    id: 'unguarded-hooks-wire',
    file: FW,
    bug: 'runs the hooks with no try/catch, so a reset that makes readLine() reject ends serveForever() and the service with it',
    catches: 'sequential-survives-reset',
    edits: [["  async #runHandler(socket: net.Socket, address: Address): Promise<void> {\n    try {\n      const handler = new this.Handler(socket, address, this);\n      try {\n        await handler.setup();\n        await handler.handle(); // not after a failed setup\n      } catch (err) {\n        this.handleError(address, err);\n      }\n      try {\n        await handler.finish(); // always, even after setup or handle threw\n      } catch (err) {\n        this.handleError(address, err);\n      }\n    } catch (err) {\n      this.handleError(address, err); // the handler's constructor threw\n    } finally {\n      this.closeRequest(socket);\n    }\n  }\n\n", "  async #runHandler(socket: net.Socket, address: Address): Promise<void> {\n    const handler = new this.Handler(socket, address, this);\n    await handler.setup();\n    await handler.handle();\n    await handler.finish();\n    this.closeRequest(socket);\n  }\n\n"]],
  },
  {
    id: 'default-mode-sequential',
    file: SERVER,
    bug: 'takes sequential as the default mode',
    catches: 'concurrent-clients',
    edits: [["mode: { type: 'string', default: 'concurrent' }", "mode: { type: 'string', default: 'sequential' }"]],
  },
  {
    id: 'ascii-only-upper-case',
    file: SERVER,
    bug: 'upper-cases only a to z, so ß stays ß',
    catches: 'reply-upper-case',
    edits: [["      await this.write(line.toUpperCase() + '\\n');\n", "      await this.write(line.replace(/[a-z]/g, (ch) => ch.toUpperCase()) + '\\n');\n"]],
  },
  {
    id: 'quit-keeps-reading',
    file: SERVER,
    bug: 'answers quit with bye but goes on reading, so the connection is never closed',
    catches: 'quit-says-bye',
    edits: [["        await this.write('bye\\n');\n        return;", "        await this.write('bye\\n');\n        continue;"]],
  },
  {
    id: 'never-logs-disconnected',
    file: SERVER,
    bug: 'logs connected but never disconnected',
    catches: 'logs-connections',
    edits: [["    this.request.once('close', () => console.log(`disconnected ${this.peer}`));\n", '']],
  },
  {
    id: 'busy-port-exits-0',
    file: SERVER,
    bug: 'exits 0 when its port is in use',
    catches: 'port-in-use',
    edits: [['  console.error(`cannot listen on ${host}:${port}: ${why}`);\n  process.exit(1);', '  console.error(`cannot listen on ${host}:${port}: ${why}`);\n  process.exit(0);']],
  },
  {
    id: 'sigterm-waits-for-clients',
    file: SERVER,
    bug: 'on a signal, waits for every handler to finish on its own (graceful, but for ever while a client stays connected)',
    catches: 'stops-on-sigterm',
    edits: [
      ['    for (const socket of open) socket.destroy();\n', ''],
      ['    const timer = setTimeout(() => process.exit(0), SHUTDOWN_MS);\n', '    const timer = setTimeout(() => {}, SHUTDOWN_MS);\n'],
    ],
  },
  sigintNotHandled,
];
