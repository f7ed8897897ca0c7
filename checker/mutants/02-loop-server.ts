import type { Mutant } from './mutant.ts';

export const mutants: Mutant[] = [
  {
    id: 'shared-socket-variable',
    file: 'src/server.ts',
    bug: 'keeps "the" client socket in one module-level variable, so replies go to the newest client',
    catches: 'concurrent-clients',
    edits: [
      ['const server = net.createServer(', 'let current: net.Socket | undefined; // the client we are talking to\nconst server = net.createServer('],
      ['  sockets.add(socket);\n', '  sockets.add(socket);\n  current = socket;\n'],
      ["    socket.write(line.toUpperCase() + '\\n');", "    current?.write(line.toUpperCase() + '\\n');"],
    ],
  },
  {
    id: 'chunk-is-a-line',
    file: 'src/server.ts',
    bug: "treats each 'data' chunk as one line",
    catches: 'line-byte-by-byte',
    edits: [['    buffered += text;\n', "    buffered += text.endsWith('\\n') ? text : text + '\\n'; // one read, one message\n"]],
  },
  {
    id: 'decodes-each-chunk',
    file: 'src/server.ts',
    bug: 'decodes every chunk on its own, breaking characters split across reads',
    catches: 'multibyte-split',
    edits: [
      ["  socket.setEncoding('utf8'); // one decoder for the whole stream: split characters come out whole\n", ''],
      ['const onData = (text: string): void => {', "const onData = (chunk: Buffer): void => {\n    const text = chunk.toString('utf8');"],
    ],
  },
  {
    id: 'no-bye-on-quit',
    file: 'src/server.ts',
    bug: 'closes on quit without saying bye',
    catches: 'quit-says-bye',
    edits: [["      socket.end('bye\\n');", '      socket.end();']],
  },
  {
    id: 'no-error-listener',
    file: 'src/server.ts',
    bug: "no 'error' listener on the socket, so one client's reset kills the server and every client",
    catches: 'survives-reset',
    edits: [["  socket.on('error', (err: NodeJS.ErrnoException) => console.error(`${peer} error ${err.code ?? err.message}`));\n", '']],
  },
  {
    id: 'drops-last-line-without-newline',
    file: 'src/server.ts',
    bug: 'at end of stream, drops a last line that has no \\n',
    catches: 'half-close-gets-replies',
    edits: [['    if (!done && buffered.length > 0) reply(buffered);\n', '']],
  },
  {
    id: 'exits-when-a-client-leaves',
    file: 'src/server.ts',
    bug: 'the server exits when its client disconnects (no connection loop)',
    catches: 'serves-client-after-client',
    edits: [['    console.log(`disconnected ${peer}`);\n', '    console.log(`disconnected ${peer}`);\n    process.exit(0); // the client left, so we are done\n']],
  },
  {
    id: 'busy-poll-read-loop',
    file: 'src/server.ts',
    bug: 'polls socket.read() forever instead of waiting for events (the empty-recv busy loop)',
    catches: 'idle-uses-no-cpu',
    edits: [
      [
        "  socket.on('data', onData);\n",
        '  const poll = (): void => {\n    const chunk = socket.read() as string | null;\n    if (chunk !== null) onData(chunk);\n    setImmediate(poll); // check again for more\n  };\n  poll();\n',
      ],
    ],
  },
  {
    id: 'sigterm-waits-for-clients',
    file: 'src/server.ts',
    bug: 'on SIGTERM only stops accepting and waits for every client to leave',
    catches: 'stops-on-sigterm',
    edits: [['    for (const s of sockets) s.destroy();\n    process.exit(0);\n', '    server.on(\'close\', () => process.exit(0));\n']],
  },
  {
    id: 'client-sends-empty-line',
    file: 'src/client.ts',
    bug: 'the client sends empty input lines',
    catches: 'client-skips-empty-lines',
    edits: [['    if (line.trim().length === 0) return;\n', '']],
  },
  {
    id: 'client-exits-on-stdin-end',
    file: 'src/client.ts',
    bug: 'the client exits as soon as its input ends, before the last replies arrive',
    catches: 'client-end-of-stdin',
    edits: [['    if (!socket.destroyed) socket.end();', '    finish(0); // no more input, nothing more to do']],
  },
  {
    id: 'client-silent-on-server-close',
    file: 'src/client.ts',
    bug: 'the client says nothing when the server closes first',
    catches: 'client-server-closes-first',
    edits: [["  if (!leaving) console.log('connection closed by server');\n", '']],
  },
];
