import type { Mutant } from './mutant.ts';
import { bindsEveryInterface, ignoresPort, refusedWithoutReason, sigintNotHandled } from './shared-edits.ts';

// The tutorial's own bugs first (ChatServer / ChatClient), as a learner writes them in Node; then the
// other ways to get the room, its limits and its client wrong.

const ROOM = 'src/room.ts';
const CLIENT = 'src/client.ts';

const removedOnClose: [string, string] = ['    socket.on(\'close\', () => this.leave(socket));\n', ''];
const removedOnEnd: [string, string] = ['      this.leave(socket);\n      if (!done) splitter.end();\n', '      if (!done) splitter.end();\n'];
const errorListener: [string, string] = ["    socket.on('error', (err: NodeJS.ErrnoException) => console.error(`${peer} error ${err.code ?? err.message}`));\n", ''];
const limitBlock =
  '      if (socket.writableLength > MAX_QUEUED_BYTES) {\n        console.error(`${peer} error too slow: over ${MAX_QUEUED_BYTES} bytes wait for it`);\n        this.leave(socket);\n        socket.destroy(); // end() would wait for the queue to drain, which is never\n      }\n';

export const mutants: Mutant[] = [
  // --- the tutorial's ChatServer ---
  {
    id: 'never-removes-clients',
    file: ROOM,
    bug: 'removes (and logs) a client only when it says quit, as the tutorial does: one that vanishes stays in the room',
    catches: 'reset-removed',
    edits: [removedOnClose, removedOnEnd],
  },
  {
    id: 'broadcast-to-dead-crashes',
    file: ROOM,
    bug: 'keeps vanished clients and has no error listener: the next broadcast to a reset client (EPIPE), or the reset itself, kills the server',
    catches: 'reset-removed',
    edits: [errorListener, removedOnClose, removedOnEnd],
  },
  {
    id: 'one-read-one-message',
    file: ROOM,
    bug: "takes each 'data' chunk as one message (the tutorial's recv(1024))",
    catches: 'lines-split-and-coalesced',
    edits: [['        splitter.push(chunk);\n', "        this.broadcast(peer, chunk.toString('utf8').replace(/\\r?\\n$/, '')); // one read, one message\n"]],
  },
  {
    id: 'no-slow-reader-limit',
    file: ROOM,
    bug: "no limit on a client that does not read: write() queues for it forever and the server's memory grows",
    catches: 'slow-reader-closed',
    edits: [[limitBlock, '']],
  },

  // --- the room ---
  { id: 'sender-excluded', file: ROOM, bug: 'sends each line to everyone but its sender', catches: 'sender-gets-own', edits: [['      socket.write(message);\n', '      if (peer === sender) continue;\n      socket.write(message);\n']] },
  {
    id: 'sender-gets-it-twice',
    file: ROOM,
    bug: 'echoes the line to its sender and then broadcasts it to everyone, the sender included',
    catches: 'sender-gets-own',
    edits: [['      this.broadcast(peer, line);\n    });\n', '      socket.write(chatMessage(new Date(), peer, line)); // echo first\n      this.broadcast(peer, line);\n    });\n']],
  },
  { id: 'receiver-address', file: ROOM, bug: "names each receiver's own address in the header instead of the sender's", catches: 'broadcast-to-all', edits: [['      socket.write(message);\n', '      socket.write(chatMessage(new Date(), peer, line));\n']] },
  { id: 'month-from-zero', file: 'src/message.ts', bug: 'writes getMonth() as the month: January is 00', catches: 'broadcast-to-all', edits: [['two(when.getMonth() + 1)', 'two(when.getMonth())']] },
  {
    id: 'utc-timestamp',
    file: 'src/message.ts',
    bug: 'stamps messages in UTC (getUTCHours, as toISOString does), not in local time',
    catches: 'local-time',
    edits: [
      ['two(when.getDate())', 'two(when.getUTCDate())'],
      ['two(when.getHours())', 'two(when.getUTCHours())'],
      ['two(when.getMinutes())', 'two(when.getUTCMinutes())'],
    ],
  },
  {
    id: 'room-of-five',
    file: 'src/server.ts',
    bug: "takes Python's listen(5) for the size of the room: server.maxConnections = 5 drops the sixth client",
    catches: 'twenty-clients',
    edits: [['const server = net.createServer((socket) => room.join(socket));\n', 'const server = net.createServer((socket) => room.join(socket));\nserver.maxConnections = 5; // listen(5)\n']],
  },
  { id: 'quit-broadcast', file: ROOM, bug: 'broadcasts the line quit before removing its sender', catches: 'quit-removes', edits: [["      if (line === 'quit') {\n        done = true;\n", "      if (line === 'quit') {\n        this.broadcast(peer, line);\n        done = true;\n"]] },
  { id: 'quit-not-closed', file: ROOM, bug: 'removes a client that says quit but never closes its connection', catches: 'quit-removes', edits: [['        this.leave(socket);\n        socket.end();\n        return;\n', '        this.leave(socket);\n        return;\n']] },
  {
    id: 'lines-after-quit',
    file: ROOM,
    bug: 'closes a client at quit but still broadcasts the lines that came with it in the same read',
    catches: 'quit-removes',
    edits: [
      ['      if (done) return;\n      if (line === \'quit\') {\n        done = true;\n', "      if (line === 'quit') {\n"],
      ['      if (line.length === 0) return; // an empty line says nothing\n      this.broadcast(peer, line);\n', '      if (line.length === 0) return; // an empty line says nothing\n      this.broadcastFrom(peer, line);\n'],
      ['  /** Sends one line from `sender` to every member', '  broadcastFrom(sender: string, line: string): void {\n    const message = chatMessage(new Date(), sender, line);\n    for (const socket of this.members.keys()) socket.write(message);\n  }\n\n  /** Sends one line from `sender` to every member'],
    ],
  },
  { id: 'drops-last-line', file: ROOM, bug: "drops a last line without \\n when its client closes its side", catches: 'leaver-removed', edits: [['      if (!done) splitter.end();\n', '']] },
  { id: 'no-line-limit', file: ROOM, bug: 'splits lines with no limit: a client that never sends \\n grows the memory, a 65,537-byte line is broadcast', catches: 'line-too-long', edits: [['      this.broadcast(peer, line);\n    });\n', '      this.broadcast(peer, line);\n    }, Number.MAX_SAFE_INTEGER); // no limit\n']] },
  { id: 'limit-off-by-one', file: 'src/lines.ts', bug: 'refuses a line of exactly 65,536 bytes (>= instead of >)', catches: 'line-too-long', edits: [['      if (message.length > this.maxLineBytes) this.fail();\n', '      if (message.length >= this.maxLineBytes) this.fail();\n']] },

  // --- the slow reader ---
  { id: 'drops-on-write-false', file: ROOM, bug: 'closes a client as soon as write() returns false (16 KiB queued), not past 1 MiB', catches: 'brief-pause-kept', edits: [['      if (socket.writableLength > MAX_QUEUED_BYTES) {\n', '      if (socket.writableNeedDrain) {\n']] },
  {
    id: 'sender-paused-until-drain',
    file: ROOM,
    bug: "lesson 02's backpressure in a room: pauses the sender until a slow receiver drains, so the whole room waits for its slowest reader",
    catches: 'slow-reader-closed',
    edits: [
      ['      this.broadcast(peer, line);\n    });\n', '      this.broadcast(peer, line, socket);\n    });\n'],
      ['  broadcast(sender: string, line: string): void {\n', '  broadcast(sender: string, line: string, from?: net.Socket): void {\n'],
      [limitBlock, "      if (socket.writableNeedDrain && from) {\n        from.pause(); // wait for the slow one\n        socket.once('drain', () => from.resume());\n      }\n"],
    ],
  },
  { id: 'slow-reader-ended', file: ROOM, bug: 'removes a slow reader with end(), which waits for its queue to drain: the connection and its 1 MiB stay', catches: 'slow-reader-closed', edits: [['        socket.destroy(); // end() would wait for the queue to drain, which is never\n', '        socket.end();\n']] },

  // --- shutting down ---
  { id: 'stdin-quit-ignored', file: 'src/server.ts', bug: "does not read its stdin: quit typed on the server's console does nothing", catches: 'stdin-quit', edits: [["  if (command === 'quit') shutdown('quit on stdin');\n  else if", '  if']] },
  { id: 'shutdown-waits-for-clients', file: 'src/server.ts', bug: 'on SIGTERM stops accepting and waits for every client to leave (server.close() alone)', catches: 'stops-on-sigterm', edits: [['  server.close();\n  room.closeAll();\n  process.exit(0);\n', '  server.close(() => process.exit(0)); // once every client has left\n']] },
  sigintNotHandled,
  { id: 'busy-port-exits-0', file: 'src/server.ts', bug: 'exits 0 when its port is in use', catches: 'port-in-use', edits: [['  process.exit(1);\n});\n\nserver.listen', '  process.exit(0);\n});\n\nserver.listen']] },
  bindsEveryInterface,

  // --- the tutorial's ChatClient, and the client's other bugs ---
  { id: 'client-not-ready', file: CLIENT, bug: "never says I'm ready. (the tutorial's client does)", catches: 'client-says-ready', edits: [["  socket.write(\"I'm ready.\\n\");\n", '']] },
  {
    id: 'client-reads-after-typing',
    file: CLIENT,
    bug: "reads the socket only after the user typed a line (the tutorial's recv() after send()), so the others' messages wait for the next line typed",
    catches: 'client-prints-unprompted',
    edits: [
      ["socket.on('data', (chunk: Buffer) => {\n  try {\n", "socket.pause(); // nothing is read while nobody types\nsocket.on('data', (chunk: Buffer) => {\n  socket.pause(); // one read per line typed\n  try {\n"],
      ["    socket.write(line + '\\n');\n    if (line === 'quit') {\n", "    socket.write(line + '\\n');\n    socket.resume(); // now read the answer\n    if (line === 'quit') {\n"],
    ],
  },
  { id: 'client-prints-chunks', file: CLIENT, bug: "prints each 'data' chunk as it comes (one recv, one message)", catches: 'client-prints-unprompted', edits: [['    splitter.push(chunk);\n', "    console.log(chunk.toString('utf8').replace(/\\n$/, '')); // one read, one message\n"]] },
  {
    id: 'client-sends-after-quit',
    file: CLIENT,
    bug: 'treats quit as any other line: sends it and goes on sending what follows',
    catches: 'client-quit',
    edits: [
      ['    if (leaving) return;\n', ''],
      ["    if (line === 'quit') {\n      leaving = true;\n      input.close();\n", "    if (line === 'quit') {\n      leaving = true;\n"],
    ],
  },
  { id: 'client-stays-after-input', file: CLIENT, bug: 'keeps its connection when its input has ended: it never leaves the room', catches: 'client-end-of-stdin', edits: [['    if (!socket.destroyed && !socket.writableEnded) socket.end();\n', '']] },
  { id: 'client-ignores-server-close', file: CLIENT, bug: 'does nothing when the server closes: it waits for stdin forever', catches: 'client-server-closes', edits: [["  if (!leaving) console.log('connection closed by server');\n  finish(0);\n", '']] },
  refusedWithoutReason,
  ignoresPort(9008, 'client-says-ready'),
];
