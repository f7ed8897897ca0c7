// Lesson 06's mutants. First the bugs of the source tutorial's HMAC example (no hash named, a digest
// compared with ==, one recv for the digest) and the ones its design invites (a challenge that is
// not fresh, bytes read as text, the bytes after the digest dropped, no timeout); then the lesson-02
// service behind the handshake, the secret's sources, and the client.

import type { Mutant } from './mutant.ts';
import { sigintNotHandled } from './shared-edits.ts';

const TIMER = 'const timer = setTimeout(() => refuse(`no answer within ${authTimeout} s`), authTimeout * 1000);';
const ON_SUCCESS = "    clearTimeout(timer);\n    socket.off('data', onData);\n    socket.off('end', onEnd);\n    console.log(`authenticated ${peer}`);";
const CHECK_ANSWER = 'if (!isRightAnswer(secret, challenge, got.bytes)) {';

export const mutants: Mutant[] = [
  // --- the tutorial's own bugs -------------------------------------------------------------------
  {
    id: 'hmac-md5',
    file: 'src/auth.ts',
    bug: "names no hash, as the tutorial's hmac.new(key, msg) does, which meant MD5 (in Node: createHmac('md5'))",
    catches: 'auth-then-lines',
    edits: [["createHmac('sha256', secret)", "createHmac('md5', secret)"]],
  },
  {
    id: 'equals-compare',
    file: 'src/auth.ts',
    bug: 'compares the digests with Buffer.equals (the == of the tutorial), which stops at the first differing byte',
    catches: 'advice-timing-safe-compare',
    edits: [['return answer.length === expected.length && crypto.timingSafeEqual(answer, expected);', 'return answer.equals(expected); // same bytes, same answer']],
  },
  {
    id: 'one-read-digest',
    file: 'src/server.ts',
    bug: "takes the first 'data' chunk as the whole answer (the tutorial's one conn.recv(32))",
    catches: 'digest-byte-by-byte',
    edits: [['    const got = answer.push(chunk);\n    if (!got) return; // not all 32 bytes yet: wait for more\n', '    const got = { bytes: chunk.subarray(0, DIGEST_BYTES), rest: chunk.subarray(DIGEST_BYTES) }; // recv(32)\n']],
  },
  // --- the challenge -------------------------------------------------------------------------------
  {
    id: 'constant-challenge',
    file: 'src/server.ts',
    bug: 'makes one challenge when the server starts and sends it to every client',
    catches: 'fresh-challenges',
    edits: [
      ['  const challenge = newChallenge();\n', ''],
      ['const sockets = new Set<net.Socket>();\n', 'const sockets = new Set<net.Socket>();\nconst challenge = newChallenge(); // one is enough: it is random\n'],
    ],
  },
  {
    id: 'clock-challenge',
    file: 'src/auth.ts',
    bug: 'derives the challenge from the clock (a hash of Date.now()): it looks random, but clients of the same millisecond share it',
    catches: 'fresh-challenges',
    edits: [['  return crypto.randomBytes(CHALLENGE_BYTES);', "  return crypto.createHash('sha256').update(String(Date.now())).digest(); // different every time"]],
  },
  {
    id: 'counter-challenge',
    file: 'src/auth.ts',
    bug: 'numbers the challenges: always different, but guessable',
    catches: 'fresh-challenges',
    edits: [
      [
        '  return crypto.randomBytes(CHALLENGE_BYTES);',
        '  const c = Buffer.alloc(CHALLENGE_BYTES);\n  c.writeUInt32BE(++issued, CHALLENGE_BYTES - 4); // never the same twice\n  return c;',
      ],
      ['export function newChallenge(): Buffer {', 'let issued = 0;\nexport function newChallenge(): Buffer {'],
    ],
  },
  {
    id: 'challenge-as-hex',
    file: 'src/server.ts',
    bug: 'sends the challenge as hex text instead of 32 raw bytes',
    catches: 'auth-then-lines',
    edits: [['  socket.write(challenge);\n', "  socket.write(challenge.toString('hex')); // printable\n"]],
  },
  {
    id: 'shared-challenge-variable',
    file: 'src/server.ts',
    bug: 'keeps "the" challenge in one module-level variable, so only the newest client can answer',
    catches: 'concurrent-handshakes',
    edits: [
      ['  const challenge = newChallenge();\n', '  challenge = newChallenge();\n'],
      ['const sockets = new Set<net.Socket>();\n', 'const sockets = new Set<net.Socket>();\nlet challenge = Buffer.alloc(0); // the challenge we sent last\n'],
    ],
  },
  {
    id: 'accepts-replayed-answer',
    file: 'src/server.ts',
    bug: 'remembers answers that were right once and lets them in again',
    catches: 'replayed-answer-refused',
    edits: [
      [CHECK_ANSWER, "const known = goodAnswers.has(got.bytes.toString('hex'));\n    if (!known && !isRightAnswer(secret, challenge, got.bytes)) {"],
      [ON_SUCCESS, `${ON_SUCCESS}\n    goodAnswers.add(got.bytes.toString('hex')); // next time, no need to compute it`],
      ['const sockets = new Set<net.Socket>();\n', 'const sockets = new Set<net.Socket>();\nconst goodAnswers = new Set<string>();\n'],
    ],
  },
  // --- the answer as bytes -------------------------------------------------------------------------
  {
    id: 'digest-as-text',
    file: 'src/server.ts',
    bug: 'decodes the answer as UTF-8 text, which mangles every byte that is not UTF-8',
    catches: 'auth-then-lines',
    edits: [['    const got = answer.push(chunk);', "    const got = answer.push(Buffer.from(chunk.toString('utf8'), 'utf8')); // the answer as text"]],
  },
  {
    id: 'digest-trimmed',
    file: 'src/server.ts',
    bug: 'trims the answer like a typed line, losing a \\n, \\r, tab or space at either end',
    catches: 'digest-with-newline-and-nul',
    edits: [[CHECK_ANSWER, "if (!isRightAnswer(secret, challenge, Buffer.from(got.bytes.toString('latin1').trim(), 'latin1'))) {"]],
  },
  {
    id: 'digest-cut-at-nul',
    file: 'src/server.ts',
    bug: 'ends the answer at its first \\0, as a C string would',
    catches: 'digest-with-newline-and-nul',
    edits: [[CHECK_ANSWER, 'const nul = got.bytes.indexOf(0);\n    if (!isRightAnswer(secret, challenge, nul >= 0 ? got.bytes.subarray(0, nul) : got.bytes)) {']],
  },
  {
    id: 'digest-read-as-line',
    file: 'src/server.ts',
    bug: 'ends the answer at its first \\n, as a line would',
    catches: 'digest-with-newline-and-nul',
    edits: [[CHECK_ANSWER, 'const nl = got.bytes.indexOf(0x0a);\n    if (!isRightAnswer(secret, challenge, nl >= 0 ? got.bytes.subarray(0, nl) : got.bytes)) {']],
  },
  {
    id: 'drops-bytes-after-digest',
    file: 'src/server.ts',
    bug: 'drops the bytes that came in the same read as the answer',
    catches: 'digest-and-lines-in-one-write',
    edits: [['    serveLines(socket, got.rest);', '    serveLines(socket, Buffer.alloc(0)); // the answer is done; lines come next']],
  },
  {
    id: 'rest-from-chunk-start',
    file: 'src/server.ts',
    bug: 'takes the bytes after the answer as chunk.subarray(32) of the read that completed it: right when the answer came in one read, lines lost when it was split',
    catches: 'digest-and-lines-in-one-write',
    edits: [['    serveLines(socket, got.rest);', '    serveLines(socket, chunk.subarray(DIGEST_BYTES)); // what follows the 32 bytes']],
  },
  // --- refusing ------------------------------------------------------------------------------------
  {
    id: 'wrong-answer-kept-open',
    file: 'src/server.ts',
    bug: 'ignores a wrong answer but leaves the connection open',
    catches: 'wrong-secret-refused',
    edits: [["      refuse('wrong answer');\n      return;", "      socket.off('data', onData); // not listening to this one any more\n      return;"]],
  },
  {
    id: 'serves-after-wrong-answer',
    file: 'src/server.ts',
    bug: 'logs a wrong answer and serves the client anyway',
    catches: 'wrong-secret-refused',
    edits: [["      refuse('wrong answer');\n      return;", '      console.log(`wrong answer from ${peer}; serving anyway`);']],
  },
  {
    id: 'refusal-says-why',
    file: 'src/server.ts',
    bug: 'tells a refused client why, instead of closing with nothing said',
    catches: 'wrong-secret-refused',
    edits: [['    socket.destroy(); // at once, and nothing said: no service, no hint for a guesser', "    socket.end('error: authentication failed\\n');"]],
  },
  {
    id: 'compares-half-digest',
    file: 'src/auth.ts',
    bug: 'compares only the first 16 bytes of the answer',
    catches: 'wrong-secret-refused',
    edits: [['crypto.timingSafeEqual(answer, expected)', 'crypto.timingSafeEqual(answer.subarray(0, 16), expected.subarray(0, 16))']],
  },
  // --- the timeout ---------------------------------------------------------------------------------
  {
    id: 'no-auth-timeout',
    file: 'src/server.ts',
    bug: 'waits for the answer forever',
    catches: 'auth-timeout',
    edits: [[TIMER, 'const timer = undefined; // the client will answer\n  void authTimeout;']],
  },
  {
    id: 'auth-timer-not-cleared',
    file: 'src/server.ts',
    bug: 'does not clear the auth timer on the right answer, so it closes authenticated clients too',
    catches: 'auth-timeout',
    edits: [[ON_SUCCESS, ON_SUCCESS.replace('    clearTimeout(timer);\n', '')]],
  },
  {
    id: 'idle-timer-auth',
    file: 'src/server.ts',
    bug: 'uses socket.setTimeout for the auth timeout, which every byte restarts',
    catches: 'auth-timeout',
    edits: [[TIMER, 'const timer = undefined;\n  socket.setTimeout(authTimeout * 1000, () => refuse(`silent for ${authTimeout} s`)); // restarts on every byte']],
  },
  // --- the line service and the program contract ---------------------------------------------------
  {
    id: 'decodes-each-chunk',
    file: 'src/lines.ts',
    bug: 'decodes every chunk on its own, breaking characters split across reads',
    catches: 'line-service-after-auth',
    edits: [['    buffered += decoder.write(chunk);', "    buffered += chunk.toString('utf8');"]],
  },
  {
    id: 'drops-last-line-without-newline',
    file: 'src/lines.ts',
    bug: 'at end of stream, drops a last line that has no \\n',
    catches: 'line-service-after-auth',
    edits: [['    if (!done && buffered.length > 0) reply(buffered);\n', '']],
  },
  {
    id: 'no-error-listener',
    file: 'src/server.ts',
    bug: "no 'error' listener on the socket, so one client's reset kills the server",
    catches: 'survives-reset',
    edits: [["  socket.on('error', (err: NodeJS.ErrnoException) => console.error(`${peer} error ${err.code ?? err.message}`));\n", '']],
  },
  {
    id: 'busy-poll-answer',
    file: 'src/server.ts',
    bug: 'polls socket.read() for the answer instead of waiting for events, and never stops',
    catches: 'idle-uses-no-cpu',
    edits: [
      [
        "  socket.on('data', onData);\n  socket.on('end', onEnd);\n",
        "  socket.on('end', onEnd);\n  const poll = (): void => {\n    const chunk = socket.read() as Buffer | null;\n    if (chunk !== null && answer.received < DIGEST_BYTES) onData(chunk);\n    setImmediate(poll); // look again\n  };\n  poll();\n",
      ],
    ],
  },
  {
    id: 'sigterm-waits-for-clients',
    file: 'src/server.ts',
    bug: 'on SIGTERM only stops accepting and waits for every client to leave',
    catches: 'stops-on-sigterm',
    edits: [['    for (const s of sockets) s.destroy();\n    process.exit(0);\n', "    server.on('close', () => process.exit(0));\n"]],
  },
  {
    id: 'no-listen-error-handler',
    file: 'src/server.ts',
    bug: "no 'error' listener on the server: a busy port is a stack trace",
    catches: 'port-in-use',
    edits: [["server.on('error', (err: NodeJS.ErrnoException) => {", "server.on('no-such-event', (err: NodeJS.ErrnoException) => {"]],
  },
  // --- the secret ----------------------------------------------------------------------------------
  {
    id: 'secret-file-newline-kept',
    file: 'src/secret.ts',
    bug: "keeps the secret file's trailing newline in the key",
    catches: 'secret-from-file',
    edits: [['    if (bytes.at(-1) === 0x0a) bytes = bytes.subarray(0, bytes.at(-2) === 0x0d ? -2 : -1);\n', '']],
  },
  {
    id: 'env-wins-over-file',
    file: 'src/secret.ts',
    bug: 'takes NETLINGS_SECRET even when --secret-file is given',
    catches: 'secret-from-file',
    edits: [['  if (file !== undefined) {', '  const fromEnv = env[SECRET_ENV];\n  if (fromEnv) return Buffer.from(fromEnv, \'utf8\');\n  if (file !== undefined) {']],
  },
  {
    id: 'empty-secret-accepted',
    file: 'src/secret.ts',
    bug: 'starts without a secret, keyed with the empty string',
    catches: 'missing-secret',
    edits: [['  if (value === undefined || value === \'\') {\n    throw new SecretError(`no secret: give --secret-file FILE or set ${SECRET_ENV}`);\n  }\n  return Buffer.from(value, \'utf8\');', "  return Buffer.from(value ?? '', 'utf8');"]],
  },
  {
    id: 'missing-secret-crashes',
    file: 'src/server.ts',
    bug: 'lets the missing-secret error escape: a stack trace and exit 1',
    catches: 'missing-secret',
    edits: [['const secret = secretOrExit(secretFile);', 'const secret = loadSecret(secretFile);']],
  },
  // --- the client ----------------------------------------------------------------------------------
  {
    id: 'client-hmac-md5',
    file: 'src/client.ts',
    bug: 'the client answers with HMAC-MD5',
    catches: 'client-answers-challenge',
    edits: [
      ['import net from \'node:net\';', "import crypto from 'node:crypto';\nimport net from 'node:net';"],
      ['    socket.write(answerTo(secret, got.bytes));', "    socket.write(crypto.createHmac('md5', secret).update(got.bytes).digest());"],
    ],
  },
  {
    id: 'client-one-read-challenge',
    file: 'src/client.ts',
    bug: "the client takes the first 'data' chunk as the whole challenge",
    catches: 'client-answers-challenge',
    edits: [['    const got = challenge.push(chunk);\n    if (!got) return; // not all 32 bytes yet\n', '    const got = { bytes: chunk.subarray(0, CHALLENGE_BYTES), rest: chunk.subarray(CHALLENGE_BYTES) }; // recv(32)\n']],
  },
  {
    id: 'client-challenge-as-text',
    file: 'src/client.ts',
    bug: 'the client decodes the challenge as UTF-8 text',
    catches: 'client-answers-challenge',
    edits: [['    const got = challenge.push(chunk);', "    const got = challenge.push(Buffer.from(chunk.toString('utf8'), 'utf8'));"]],
  },
  {
    id: 'client-latin1-string-hmac',
    file: 'src/client.ts',
    bug: "the client hashes the challenge as a 'binary' string, which update() encodes as UTF-8",
    catches: 'client-answers-challenge',
    edits: [
      ['import net from \'node:net\';', "import crypto from 'node:crypto';\nimport net from 'node:net';"],
      ['    socket.write(answerTo(secret, got.bytes));', "    socket.write(crypto.createHmac('sha256', secret).update(got.bytes.toString('latin1')).digest());"],
    ],
  },
  {
    id: 'client-sends-before-challenge',
    file: 'src/client.ts',
    bug: 'the client reads stdin and sends lines as soon as it is connected, before its answer',
    catches: 'client-talks-after-auth',
    edits: [
      ["socket.on('connect', () => {\n  connected = true;\n});", "socket.on('connect', () => {\n  connected = true;\n  talk(); // ready for input at once\n});"],
      ['    talk();\n    chunk = got.rest;', '    chunk = got.rest;'],
    ],
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
  {
    id: 'client-ignores-secret-file',
    file: 'src/client.ts',
    bug: 'the client only ever reads NETLINGS_SECRET',
    catches: 'client-secret-file',
    edits: [['const secret = secretOrExit(secretFile);', 'const secret = secretOrExit(undefined); // the environment is enough']],
  },
  {
    id: 'client-missing-secret-crashes',
    file: 'src/client.ts',
    bug: 'the client lets the missing-secret error escape: a stack trace and exit 1',
    catches: 'client-missing-secret',
    edits: [['const secret = secretOrExit(secretFile);', 'const secret = loadSecret(secretFile);']],
  },
  {
    id: 'client-no-error-listener',
    file: 'src/client.ts',
    bug: "the client has no 'error' listener: a refused connection is a stack trace",
    catches: 'client-connection-refused',
    edits: [["socket.on('error', (err: NodeJS.ErrnoException) => {\n  if (answered", "socket.on('no-such-event', (err: NodeJS.ErrnoException) => {\n  if (answered"]],
  },
  sigintNotHandled,
];
