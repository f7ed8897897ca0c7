import type { Mutant } from './mutant.ts';
import { sigintNotHandled } from './shared-edits.ts';

// The splitter's bugs first (src/lines.ts): each is caught by a check of the module and, where the
// server shows it on the wire, the same bug again by the server's check (a second id, same edits).

const chunkIsALine: [string, string][] = [
  [
    '    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);\n',
    "    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);\n    this.onLine(bytes.toString('utf8').replace(/\\r?\\n$/, '')); // one read, one message\n    return;\n",
  ],
];
const forgetsPartialLine: [string, string][] = [["    this.parts.push(Buffer.from(rest)); // a copy: the caller may reuse its chunk\n", '    this.parts = [Buffer.from(rest)]; // the rest of this read\n'], ['    this.size += rest.length;\n', '    this.size = rest.length;\n']];
const decodesEachChunk: [string, string][] = [
  ["    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);\n", "    const bytes = Buffer.from(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('utf8')); // text first\n"],
];
const keepsCr: [string, string][] = [['      const message = line.at(-1) === CR ? line.subarray(0, -1) : line;\n', '      const message = line;\n']];
const limitOffByOne: [string, string][] = [['      if (message.length > this.maxLineBytes) this.fail();\n', '      if (message.length >= this.maxLineBytes) this.fail();\n']];
const limitOnlyOnRest: [string, string][] = [['      if (message.length > this.maxLineBytes) this.fail();\n', '']];
const limitOnlyAtNewline: [string, string][] = [['    if (over) this.fail();\n', '']];
const linesAfterTooLong: [string, string][] = [
  ['    let from = 0;\n    for (;;) {', '    let from = 0;\n    let tooLong = false;\n    for (;;) {'],
  ['      if (message.length > this.maxLineBytes) this.fail();\n      this.onLine(', '      if (message.length > this.maxLineBytes) {\n        tooLong = true; // report it once the chunk is done\n        continue;\n      }\n      this.onLine('],
  ['    if (from < bytes.length) this.keep(bytes.subarray(from));\n', '    if (tooLong) this.fail();\n    if (from < bytes.length) this.keep(bytes.subarray(from));\n'],
];

export const mutants: Mutant[] = [
  // --- src/lines.ts, caught by the module's checks ---
  { id: 'chunk-is-a-line', file: 'src/lines.ts', bug: 'takes each push as one message (one recv, one message)', catches: 'splitter-lines', edits: chunkIsALine },
  { id: 'forgets-partial-line', file: 'src/lines.ts', bug: 'keeps only the unfinished rest of the last push, forgetting the bytes of the line kept before it', catches: 'splitter-lines', edits: forgetsPartialLine },
  { id: 'decodes-each-chunk', file: 'src/lines.ts', bug: 'decodes every push to text on its own, so a character split across pushes turns into U+FFFD', catches: 'splitter-multibyte', edits: decodesEachChunk },
  { id: 'keeps-cr', file: 'src/lines.ts', bug: 'keeps the \\r of a \\r\\n in the line', catches: 'splitter-crlf', edits: keepsCr },
  {
    id: 'cr-stripped-from-piece-only',
    file: 'src/lines.ts',
    bug: 'drops a \\r only when it is in the same push as its \\n',
    catches: 'splitter-crlf',
    edits: [
      ['      const piece = bytes.subarray(from, nl);\n', '      const raw = bytes.subarray(from, nl);\n      const piece = raw.at(-1) === CR ? raw.subarray(0, -1) : raw;\n'],
      ['      const message = line.at(-1) === CR ? line.subarray(0, -1) : line;\n', '      const message = line;\n'],
    ],
  },
  { id: 'end-drops-rest', file: 'src/lines.ts', bug: 'end() forgets a last line that has no \\n', catches: 'splitter-last-line', edits: [['    if (this.size === 0) return;\n    const line = Buffer.concat(this.parts);\n', '    return;\n    const line = Buffer.concat(this.parts);\n']] },
  { id: 'end-emits-empty-line', file: 'src/lines.ts', bug: 'end() hands out an empty line when nothing is left', catches: 'splitter-last-line', edits: [['    if (this.size === 0) return;\n    const line = Buffer.concat(this.parts);\n', '    const line = Buffer.concat(this.parts);\n']] },
  { id: 'limit-off-by-one', file: 'src/lines.ts', bug: 'refuses a message of exactly 65,536 bytes (>= instead of >)', catches: 'splitter-limit-exact', edits: limitOffByOne },
  {
    id: 'limit-counts-cr',
    file: 'src/lines.ts',
    bug: 'counts the \\r of a \\r\\n still on its way, refusing 65,536 bytes + \\r before the \\n arrives',
    catches: 'splitter-limit-exact',
    edits: [['    const over = this.size > this.maxLineBytes + 1 || (this.size === this.maxLineBytes + 1 && rest.at(-1) !== CR);\n', '    const over = this.size > this.maxLineBytes;\n']],
  },
  { id: 'limit-only-on-rest', file: 'src/lines.ts', bug: 'measures only the unfinished rest, so a long line that arrives whole in one push passes', catches: 'splitter-limit-over', edits: limitOnlyOnRest },
  { id: 'limit-only-at-newline', file: 'src/lines.ts', bug: 'measures a line only once its \\n has come, so a peer that never sends one fills the memory', catches: 'splitter-limit-over', edits: limitOnlyAtNewline },
  {
    id: 'limit-one-byte-late',
    file: 'src/lines.ts',
    bug: 'lets the unfinished rest reach 65,537 bytes whatever its last byte, throwing only at the byte after',
    catches: 'splitter-limit-over',
    edits: [['    const over = this.size > this.maxLineBytes + 1 || (this.size === this.maxLineBytes + 1 && rest.at(-1) !== CR);\n', '    const over = this.size > this.maxLineBytes + 1;\n']],
  },
  {
    id: 'limit-in-characters',
    file: 'src/lines.ts',
    bug: "measures a line in characters (string length), not bytes, so 21,846 × '欢' (65,538 bytes) passes",
    catches: 'splitter-limit-over',
    edits: [['      if (message.length > this.maxLineBytes) this.fail();\n', "      if (message.toString('utf8').length > this.maxLineBytes) this.fail();\n"]],
  },
  { id: 'lines-after-too-long', file: 'src/lines.ts', bug: 'skips the too-long line, hands out the lines after it, and throws only at the end of the push', catches: 'splitter-limit-over', edits: linesAfterTooLong },

  // --- the same bugs of src/lines.ts, caught over the wire by the server's checks ---
  { id: 'forgets-partial-line-wire', file: 'src/lines.ts', bug: 'forgets the start of a line that arrived in an earlier read', catches: 'line-byte-by-byte', edits: forgetsPartialLine },
  { id: 'decodes-each-chunk-wire', file: 'src/lines.ts', bug: 'decodes each read on its own: a character split across reads comes back as U+FFFD', catches: 'multibyte-split', edits: decodesEachChunk },
  { id: 'keeps-cr-wire', file: 'src/lines.ts', bug: 'keeps the \\r of a \\r\\n, so a 65,536-byte message with \\r\\n measures 65,537 and is refused', catches: 'limit-exact-line', edits: keepsCr },
  { id: 'limit-off-by-one-wire', file: 'src/lines.ts', bug: 'refuses a message of exactly 65,536 bytes', catches: 'limit-exact-line', edits: limitOffByOne },
  { id: 'limit-only-on-rest-wire', file: 'src/lines.ts', bug: 'measures only the unfinished rest after each read: a 65,537-byte line in one write is answered', catches: 'limit-too-long-one-write', edits: limitOnlyOnRest },
  { id: 'limit-in-characters-wire', file: 'src/lines.ts', bug: 'measures a line in characters: 21,846 × 欢 (65,538 bytes) is answered', catches: 'limit-too-long-one-write', edits: [['      if (message.length > this.maxLineBytes) this.fail();\n', "      if (message.toString('utf8').length > this.maxLineBytes) this.fail();\n"]] },
  { id: 'answers-after-too-long', file: 'src/lines.ts', bug: 'answers the lines after a too-long line in the same read, then sends the error', catches: 'limit-too-long-one-write', edits: linesAfterTooLong },
  { id: 'limit-only-at-newline-wire', file: 'src/lines.ts', bug: 'waits for the \\n before measuring: 65,537 bytes with no \\n are never refused', catches: 'limit-too-long-pieces', edits: limitOnlyAtNewline },
  {
    id: 'cr-is-a-line-end',
    file: 'src/lines.ts',
    bug: 'ends a line at \\r as well as at \\n, so \\r\\n makes an extra empty message',
    catches: 'crlf-accepted',
    edits: [
      ['      const nl = bytes.indexOf(LF, from);\n', '      const lf = bytes.indexOf(LF, from);\n      const cr = bytes.indexOf(CR, from);\n      const nl = cr >= 0 && (lf < 0 || cr < lf) ? cr : lf; // \\r or \\n, whichever comes first\n'],
    ],
  },

  // --- src/server.ts ---
  { id: 'counter-from-zero', file: 'src/server.ts', bug: 'numbers the replies from 0', catches: 'numbered-replies', edits: [['    count += 1;\n    socket.write(`${count} ${message}\\n`);\n', '    socket.write(`${count} ${message}\\n`);\n    count += 1;\n']] },
  {
    id: 'shared-counter',
    file: 'src/server.ts',
    bug: 'one counter for the whole server instead of one per connection',
    catches: 'counter-per-connection',
    edits: [
      ['const sockets = new Set<net.Socket>();\n', 'const sockets = new Set<net.Socket>();\nlet count = 0; // messages answered\n'],
      ['  let count = 0; // this connection\'s own count: every connection starts at 1\n', ''],
    ],
  },
  { id: 'drops-last-line', file: 'src/server.ts', bug: "on 'end' closes without the splitter's end(), dropping a last line that has no \\n", catches: 'last-line-without-newline', edits: [['    if (!refused) splitter.end();\n', '']] },
  {
    id: 'uncaught-too-long',
    file: 'src/server.ts',
    bug: "does not catch the splitter's LineTooLongError: one long line crashes the server and every connection with it",
    catches: 'limit-too-long-one-write',
    edits: [['      if (!(err instanceof LineTooLongError)) throw err;\n', '      throw err;\n']],
  },
  {
    id: 'no-close-after-error',
    file: 'src/server.ts',
    bug: 'writes the error line but leaves the connection open',
    catches: 'limit-too-long-one-write',
    edits: [["      socket.end('error line too long\\n');\n      setTimeout(() => socket.destroy(), LINGER_MS).unref();\n", "      socket.write('error line too long\\n');\n"]],
  },
  { id: 'chunk-is-a-message', file: 'src/server.ts', bug: "no splitter: each 'data' chunk is answered as one message (the tutorial's recv(1024))", catches: 'thousand-lines-one-write', source: '04-sticky-packets/server-chunk-is-a-message.ts' },
  { id: 'readline-no-limit', file: 'src/server.ts', bug: 'splits with node:readline, which has no line limit: a 65,537-byte line is answered', catches: 'limit-too-long-one-write', source: '04-sticky-packets/server-readline.ts' },
  {
    id: 'no-listen-error-handler',
    file: 'src/server.ts',
    bug: "no 'error' listener on the server: a busy port is an uncaught exception with a stack trace",
    catches: 'port-in-use',
    edits: [["server.on('error', (err: NodeJS.ErrnoException) => {\n", "server.on('no-such-event', (err: NodeJS.ErrnoException) => {\n"]],
  },
  { id: 'sigterm-waits-for-clients', file: 'src/server.ts', bug: 'on SIGTERM only stops accepting and waits for every client to leave', catches: 'stops-on-sigterm', edits: [["    for (const s of sockets) s.destroy();\n    process.exit(0);\n", "    server.on('close', () => process.exit(0));\n"]] },

  // --- src/client.ts ---
  { id: 'lock-step-client', file: 'src/client.ts', bug: 'writes one line, waits for its reply, then writes the next (one round trip per line)', catches: 'client-pipelines', source: '04-sticky-packets/client-lock-step.ts' },
  {
    id: 'client-waits-for-close',
    file: 'src/client.ts',
    bug: 'exits only when the server closes, not once every line has its reply',
    catches: 'client-pipelines',
    edits: [['  if (inputEnded && received >= sent) finish(0);\n', '  // the server closes when it is done\n'], ['socket.on(\'end\', () => {\n  replies.end();\n', "socket.on('end', () => {\n  replies.end();\n  if (inputEnded && received >= sent) finish(0);\n"]],
  },
  { id: 'client-counts-chunks', file: 'src/client.ts', bug: "counts one reply per 'data' chunk, so replies that share a chunk are counted once and it never exits", catches: 'client-replies-one-write', source: '04-sticky-packets/client-counts-chunks.ts' },
  { id: 'client-prints-chunks', file: 'src/client.ts', bug: "prints each 'data' chunk as it comes, as a line of its own", catches: 'client-replies-dribbled', source: '04-sticky-packets/client-prints-chunks.ts' },
  {
    id: 'client-decodes-each-chunk',
    file: 'src/client.ts',
    bug: 'decodes each chunk of replies on its own, so a character split across reads prints as U+FFFD',
    catches: 'client-replies-dribbled',
    edits: [['    replies.push(chunk);\n', "    replies.push(Buffer.from(chunk.toString('utf8')));\n"]],
  },
  {
    id: 'client-no-error-listener',
    file: 'src/client.ts',
    bug: "no 'error' listener on the client socket: a refused connection is a stack trace",
    catches: 'client-connection-refused',
    edits: [["socket.on('error', (err: NodeJS.ErrnoException) => {\n", "socket.on('no-such-event', (err: NodeJS.ErrnoException) => {\n"]],
  },
  sigintNotHandled,
];
