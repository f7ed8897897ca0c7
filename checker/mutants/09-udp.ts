import type { Mutant } from './mutant.ts';
import { sigintNotHandled } from './shared-edits.ts';

const S = 'src/server.ts';
const T = 'src/strftime.ts';
const C = 'src/client.ts';

const sendReply = "  const reply = Buffer.from(answer(msg), 'utf8');\n  socket.send(reply, rinfo.port, rinfo.address, (err) => {\n";

export const mutants: Mutant[] = [
  // --- src/server.ts: binding, the program contract ---
  {
    id: 'binds-every-interface',
    file: S,
    bug: 'binds every interface (no host given to bind) but prints the --host it was given',
    catches: 'ready',
    edits: [["socket.bind(port, host, () => {\n  bound = true;\n  const { address, port: actual } = socket.address();\n  console.log(`listening on ${address}:${actual}`);", "socket.bind(port, () => {\n  bound = true;\n  const { port: actual } = socket.address();\n  console.log(`listening on ${host}:${actual}`);"]],
  },
  {
    id: 'prints-asked-port',
    file: S,
    bug: 'prints the --port it was given (0) instead of the port the system chose',
    catches: 'ready',
    edits: [['  console.log(`listening on ${address}:${actual}`);', '  console.log(`listening on ${address}:${port}`);\n  void actual;']],
  },
  {
    id: 'busy-port-stack-trace',
    file: S,
    bug: "rethrows the socket's bind error: a busy port is an uncaught exception with a stack trace",
    catches: 'port-in-use',
    edits: [["  const why = err.code === 'EADDRINUSE'", "  throw err;\n  const why = err.code === 'EADDRINUSE'"]],
  },
  sigintNotHandled,
  { id: 'sigterm-not-handled', file: S, bug: 'handles SIGINT but not SIGTERM, so kill ends it by the signal instead of exit 0', catches: 'stops-on-sigterm', edits: [["for (const signal of ['SIGINT', 'SIGTERM'] as const) {", "for (const signal of ['SIGINT'] as const) {"]] },

  // --- src/server.ts: datagrams ---
  {
    id: 'ascii-only-upper-case',
    file: S,
    bug: 'upper-cases the bytes a-z only (Python\'s bytes.upper()): ß and é stay as they are',
    catches: 'reply-upper-case',
    edits: [['    const upper = text.toUpperCase();\n', "    const upper = text.replace(/[a-z]+/g, (s) => s.toUpperCase());\n"]],
  },
  {
    id: 'replies-from-new-socket',
    file: S,
    bug: 'sends each reply from a new socket (a new port), so the reply does not come from the address the client asked',
    catches: 'reply-upper-case',
    edits: [[sendReply, "  const reply = Buffer.from(answer(msg), 'utf8');\n  const out = dgram.createSocket('udp4');\n  out.send(reply, rinfo.port, rinfo.address, (err) => {\n    out.close();\n"]],
  },
  {
    id: 'empty-datagram-ignored',
    file: S,
    bug: 'ignores an empty datagram, as if zero bytes meant the end of a stream (a TCP habit)',
    catches: 'empty-datagram',
    edits: [["socket.on('message', (msg, rinfo) => {\n", "socket.on('message', (msg, rinfo) => {\n  if (msg.length === 0) return; // nothing to answer\n"]],
  },
  {
    id: 'replies-to-first-client',
    file: S,
    bug: 'remembers the first client that wrote and sends every reply there',
    catches: 'clients-own-address',
    edits: [
      ["let bound = false;\n", "let bound = false;\nlet client: dgram.RemoteInfo | undefined; // who we are talking to\n"],
      [sendReply, "  client ??= rinfo;\n  const reply = Buffer.from(answer(msg), 'utf8');\n  socket.send(reply, client.port, client.address, (err) => {\n"],
    ],
  },
  {
    id: 'batches-replies',
    file: S,
    bug: 'collects the replies to one client that are ready in the same turn of the event loop and sends them as one datagram',
    catches: 'hundred-datagrams',
    edits: [
      ["let bound = false;\n", "let bound = false;\nconst batches = new Map<string, Buffer[]>(); // replies waiting for the next turn, per client\n"],
      [
        sendReply,
        "  const key = `${rinfo.address}:${rinfo.port}`;\n  const waiting = batches.get(key);\n  if (waiting) {\n    waiting.push(Buffer.from(answer(msg), 'utf8'));\n    return;\n  }\n  batches.set(key, [Buffer.from(answer(msg), 'utf8')]);\n  setImmediate(() => {\n    const reply = Buffer.concat(batches.get(key) ?? []);\n    batches.delete(key);\n    socket.send(reply, rinfo.port, rinfo.address, (err) => {\n",
      ],
      ["    if (err) console.error(`${rinfo.address}:${rinfo.port} cannot reply: ${err.message}`);\n  });\n});\n", "    if (err) console.error(`${rinfo.address}:${rinfo.port} cannot reply: ${err.message}`);\n    });\n  });\n});\n"],
    ],
  },
  {
    id: 'reads-1024-bytes',
    file: S,
    bug: 'answers only the first 1,024 bytes of a datagram (recvfrom(1024) ported as a slice)',
    catches: 'big-datagram',
    edits: [["  const text = msg.toString('utf8'); // bytes that are not UTF-8 become U+FFFD\n", "  const text = msg.subarray(0, 1024).toString('utf8'); // BUFSIZE = 1024\n"]],
  },
  {
    id: 'reply-in-pieces',
    file: S,
    bug: 'sends a long reply in 8 KiB pieces, as if it were a TCP stream',
    catches: 'big-datagram',
    edits: [
      [
        sendReply,
        "  const whole = Buffer.from(answer(msg), 'utf8');\n  for (let at = 0; at < whole.length || at === 0; at += 8192) {\n    const reply = whole.subarray(at, at + 8192);\n    socket.send(reply, rinfo.port, rinfo.address, (err) => {\n",
      ],
      ["    if (err) console.error(`${rinfo.address}:${rinfo.port} cannot reply: ${err.message}`);\n  });\n});\n", "    if (err) console.error(`${rinfo.address}:${rinfo.port} cannot reply: ${err.message}`);\n    });\n    if (whole.length === 0) break;\n  }\n});\n"],
    ],
  },

  // --- time mode: src/server.ts and src/strftime.ts ---
  { id: 'empty-format-not-default', file: S, bug: 'formats an empty datagram as the empty format (an empty reply) instead of the default %Y-%m-%d %X', catches: 'time-default-format', edits: [["    return strftime(text === '' ? DEFAULT_FORMAT : text, new Date());\n", '    void DEFAULT_FORMAT;\n    return strftime(text, new Date());\n']] },
  { id: 'month-from-zero', file: T, bug: 'writes getMonth() as it is, so January is 00', catches: 'time-directives', edits: [['        out += pad(date.getMonth() + 1); // getMonth() counts from 0\n', '        out += pad(date.getMonth());\n']] },
  {
    id: 'utc-not-local',
    file: T,
    bug: 'formats UTC (getUTCHours, getUTCMinutes) instead of the local time',
    catches: 'time-directives',
    edits: [
      ['        out += pad(date.getHours());\n', '        out += pad(date.getUTCHours());\n'],
      ['        out += pad(date.getMinutes());\n', '        out += pad(date.getUTCMinutes());\n'],
      ['        out += `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;\n', '        out += date.toISOString().slice(11, 19);\n'],
    ],
  },
  { id: 'locale-time', file: T, bug: "writes %X with toLocaleTimeString(), whose form depends on the locale (\"4:07:18 AM\")", catches: 'time-directives', edits: [['        out += `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;\n', '        out += date.toLocaleTimeString();\n']] },
  { id: 'replace-all-directives', file: T, bug: "replaces one directive at a time with replaceAll, %% last, so %%Y becomes %2026", catches: 'time-percent-literal', source: '09-udp/strftime-replace-all.ts' },
  { id: 'unknown-directive-copied', file: T, bug: 'copies an unknown directive through as it is (what glibc strftime does), so %Q gets no error', catches: 'time-bad-format', edits: [['        throw new FormatError(`unsupported directive %${directive}`);\n', '        out += `%${directive}`;\n']] },
  { id: 'format-error-uncaught', file: S, bug: 'does not catch the FormatError: one bad format crashes the server', catches: 'time-bad-format', edits: [['    if (err instanceof FormatError) return `error ${err.message}`;\n', '    void FormatError;\n']] },
  {
    id: 'no-format-limit',
    file: S,
    bug: 'formats a format of any length: the 120,000-byte reply cannot be sent, and the client hears nothing',
    catches: 'time-bad-format',
    edits: [['  if (msg.length > MAX_FORMAT) return `error format too long: ${msg.length} bytes, the limit is ${MAX_FORMAT}`;\n', '  void MAX_FORMAT;\n']],
  },

  // --- src/client.ts ---
  { id: 'client-appends-newline', file: C, bug: 'sends the line with its \\n, as over TCP', catches: 'client-prints-replies', edits: [["  const data = Buffer.from(line, 'utf8');\n", "  const data = Buffer.from(line + '\\n', 'utf8');\n"]] },
  { id: 'client-ignores-port', file: C, bug: "sends to the lesson's port 9009 whatever --port says", catches: 'client-prints-replies', edits: [['      socket.send(data, port, address, (err) => {\n', '      socket.send(data, 9009, address, (err) => {\n']] },
  { id: 'client-skips-empty-line', file: C, bug: 'skips empty lines, as the lesson 02 client does', catches: 'client-empty-line', edits: [["input.on('line', (line) => {\n", "input.on('line', (line) => {\n  if (line.trim() === '') return; // nothing to send\n"]] },
  { id: 'client-never-resends', file: C, bug: "sends once and waits for the reply for ever (the tutorial's blocking recvfrom)", catches: 'client-resends', edits: [['      timer = setTimeout(attempt, timeout);\n', '']] },
  { id: 'client-ignores-timeout', file: C, bug: 'waits 1000 ms between tries whatever --timeout says', catches: 'client-resends', edits: [['      timer = setTimeout(attempt, timeout);\n', '      timer = setTimeout(attempt, 1000);\n']] },
  { id: 'client-resends-at-once', file: C, bug: 'resends at once, without waiting for the timeout', catches: 'client-resends', edits: [['      timer = setTimeout(attempt, timeout);\n', '      timer = setTimeout(attempt, tries === 1 ? timeout : 0);\n']] },
  { id: 'client-one-socket', file: C, bug: 'uses one socket for every line, so a late reply to one line is taken as the answer to the next', catches: 'client-late-duplicate', source: '09-udp/client-one-socket.ts' },
  { id: 'client-accepts-anyone', file: C, bug: 'takes the first datagram that arrives as the reply, from whoever sent it', catches: 'client-ignores-strangers', edits: [['      if (rinfo.address !== address || rinfo.port !== port) return;\n', '      void rinfo;\n']] },
  { id: 'client-checks-port-only', file: C, bug: "checks the reply's port but not its address", catches: 'client-ignores-strangers', edits: [['      if (rinfo.address !== address || rinfo.port !== port) return;\n', '      if (rinfo.port !== port) return;\n']] },
  { id: 'client-retries-off-by-one', file: C, bug: 'counts the first send as a retry: --retries 2 makes 2 tries, not 3', catches: 'client-gives-up', edits: [['      if (tries > retries) {\n', '      if (tries >= retries) {\n']] },
  { id: 'client-gives-up-exit-0', file: C, bug: 'prints the error but exits 0', catches: 'client-gives-up', edits: [['      console.error(result.error);\n      return finish(1);\n', '      console.error(result.error);\n      return finish(0);\n']] },
  { id: 'client-gives-up-without-address', file: C, bug: 'says "no reply" without naming the server', catches: 'client-gives-up', edits: [['        done({ error: `no reply from ${host}:${port} after ${tries} tries, ${timeout} ms each` });\n', '        done({ error: `no reply after ${tries} tries` });\n']] },
  { id: 'client-connected-no-error-listener', file: C, bug: "uses a connected socket but no 'error' listener: the ICMP port-unreachable is an uncaught ECONNREFUSED with a stack trace", catches: 'client-no-server', source: '09-udp/client-connected-no-error-listener.ts' },
];
