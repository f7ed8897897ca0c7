import type { Mutant } from './mutant.ts';

export const mutants: Mutant[] = [
  {
    id: 'greeting-latin1',
    file: 'src/server.ts',
    bug: 'sends the greeting string in latin1 instead of UTF-8 (bytes vs strings)',
    catches: 'greeting',
    edits: [['socket.write(GREETING);', "socket.write(GREETING, 'latin1');"]],
  },
  {
    id: 'chunk-is-a-line',
    file: 'src/server.ts',
    bug: "treats one 'data' chunk as one whole line (recv(1024) taken as one message)",
    catches: 'line-byte-by-byte',
    edits: [['    line += text;\n', "    return answer(text.split('\\n')[0] ?? ''); // one read, one line\n"]],
  },
  {
    id: 'decodes-each-chunk',
    file: 'src/server.ts',
    bug: 'decodes every chunk on its own, breaking characters split across reads',
    catches: 'multibyte-split',
    edits: [
      ["  socket.setEncoding('utf8');\n", ''],
      ["socket.on('data', (text: string) => {", "socket.on('data', (chunk: Buffer) => {\n    const text = chunk.toString('utf8');"],
    ],
  },
  {
    id: 'replies-to-the-whole-chunk',
    file: 'src/server.ts',
    bug: 'answers everything received so far instead of the first line only',
    catches: 'one-line-per-connection',
    edits: [['} else if (nl >= 0) answer(first);', '} else if (nl >= 0) answer(line.trimEnd());']],
  },
  {
    id: 'no-error-listener',
    file: 'src/server.ts',
    bug: "no 'error' listener on the socket, so a client's reset crashes the server",
    catches: 'survives-reset',
    edits: [["  socket.on('error', (err: NodeJS.ErrnoException) => console.error(`${peer} error ${err.code ?? err.message}`));\n", '']],
  },
  {
    id: 'stops-after-first-client',
    file: 'src/server.ts',
    bug: 'closes the listening socket once the first client arrives (accept() called once)',
    catches: 'serves-client-after-client',
    edits: [['function serve(socket: net.Socket): void {\n', 'function serve(socket: net.Socket): void {\n  server.close(); // one client is all we serve\n']],
  },
  {
    id: 'drops-last-line-without-newline',
    file: 'src/server.ts',
    bug: 'ignores the text the client sent before half-closing when it has no \\n',
    catches: 'last-line-without-newline',
    edits: [['    if (!answered && line.length > 0) answer(line);\n    else socket.end();', '    socket.end();']],
  },
  {
    id: 'client-prints-first-chunk',
    file: 'src/client.ts',
    bug: "the client takes its first 'data' chunk as the whole greeting",
    catches: 'client-prints-dribbled-replies',
    edits: [['  buffered += text;\n', "  buffered += lines.length === 0 && !text.includes('\\n') ? text + '\\n' : text; // one read, one message\n"]],
  },
  {
    id: 'client-no-error-listener',
    file: 'src/client.ts',
    bug: "the client has no 'error' listener, so a refused connection is a stack trace",
    catches: 'client-connection-refused',
    edits: [
      [
        "socket.on('error', (err: NodeJS.ErrnoException) => {\n  const what = connected ? 'lost the connection to' : 'cannot connect to';\n  console.error(`${what} ${host}:${port}: ${reason(err)}`);\n  process.exit(1);\n});\n",
        '',
      ],
    ],
  },
  {
    id: 'forgets-to-upper-case',
    file: 'src/server.ts',
    bug: 'echoes the line back without upper-casing it',
    catches: 'reply-upper-case',
    edits: [[".toUpperCase() + '\\n');", " + '\\n');"]],
  },
  {
    id: 'buffer-shared-by-all-clients',
    file: 'src/server.ts',
    bug: 'keeps the line buffer in one module-level variable instead of one per connection',
    catches: 'concurrent-clients',
    edits: [
      ["  let line = '';\n", ''],
      ['const server = net.createServer(', "let line = ''; // the line being read\nconst server = net.createServer("],
    ],
  },
  {
    id: 'busy-port-exits-0',
    file: 'src/server.ts',
    bug: 'reports a busy port but exits with code 0',
    catches: 'port-in-use',
    edits: [['  process.exit(1);\n', '  process.exit();\n']],
  },
  {
    id: 'sigterm-waits-for-clients',
    file: 'src/server.ts',
    bug: 'on SIGTERM only stops accepting and waits for every client to leave',
    catches: 'stops-on-sigterm',
    edits: [['    for (const s of sockets) s.destroy();\n    process.exit(0);\n', "    server.on('close', () => process.exit(0));\n"]],
  },
  {
    id: 'client-sends-first-word',
    file: 'src/client.ts',
    bug: 'the client sends only its first argument (sys.argv[1])',
    catches: 'client-sends-one-line',
    edits: [["const message = positionals.join(' ');", "const message = positionals[0] ?? '';"]],
  },
];
