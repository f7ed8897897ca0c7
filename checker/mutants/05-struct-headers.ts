import type { Mutant } from './mutant.ts';

const FRAME = 'src/frame.ts';
const SERVER = 'src/server.ts';
const UPLOAD = 'src/upload.ts';
const CLIENT = 'src/client.ts';

export const mutants: Mutant[] = [
  // --- the codec (module checks) ---------------------------------------------------------------
  {
    id: 'encode-little-endian',
    file: FRAME,
    bug: "packs the length in native order, like struct.pack('i', n): little-endian and signed",
    catches: 'encode-frame',
    edits: [["  prefix.writeUInt32BE(json.length, 0); // '!I': network byte order, unsigned", "  prefix.writeInt32LE(json.length, 0); // struct.pack('i', len(head))"]],
  },
  {
    id: 'encode-counts-characters',
    file: FRAME,
    bug: 'puts the JSON string length (characters) in the prefix instead of its length in bytes',
    catches: 'encode-frame',
    edits: [["  prefix.writeUInt32BE(json.length, 0); // '!I': network byte order, unsigned", '  prefix.writeUInt32BE(JSON.stringify(header).length, 0); // the length of the header']],
  },
  {
    id: 'prefix-read-once',
    file: FRAME,
    bug: 'reads the 4-byte length from whatever the current read holds, like head_len = recv(4) taken as 4 bytes',
    catches: 'decode-byte-by-byte',
    edits: [
      [
        "        // 'prefix' or 'header': collect exactly `need` bytes, however many reads they take.\n",
        "        if (this.state === 'prefix') {\n          this.onPrefix(bytes.subarray(at, at + 4)); // recv(4)\n          at += 4;\n          continue;\n        }\n        // 'prefix' or 'header': collect exactly `need` bytes, however many reads they take.\n",
      ],
    ],
  },
  {
    id: 'header-decoded-per-chunk',
    file: FRAME,
    bug: 'decodes each piece of the header to text on its own, so a character split across reads breaks',
    catches: 'decode-byte-by-byte',
    edits: [
      [
        '        const whole = this.pieces.length === 1 ? (this.pieces[0] as Buffer) : Buffer.concat(this.pieces, this.collected);',
        "        const whole = this.state === 'header' ? Buffer.from(this.pieces.map((p) => p.toString('utf8')).join(''), 'utf8') : this.pieces.length === 1 ? (this.pieces[0] as Buffer) : Buffer.concat(this.pieces, this.collected);",
      ],
    ],
  },
  {
    id: 'body-counts-whole-chunk',
    file: FRAME,
    bug: 'subtracts the whole chunk from the body still to come, like recv_size += len(data): a frame that ends mid-chunk never ends',
    catches: 'decode-split-boundaries',
    edits: [['          this.need -= take;', '          this.need -= bytes.length - (at - take); // what this read brought']],
  },
  {
    id: 'header-on-next-read',
    file: FRAME,
    bug: 'goes one state per read: a header that arrives in the same read as its length is parsed only on the next read',
    catches: 'decode-many-in-one-chunk',
    edits: [
      ['  private need = 4;\n', '  private need = 4;\n  private leftover = Buffer.alloc(0);\n'],
      [
        '    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);',
        '    const fresh = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);\n    const bytes = this.leftover.length ? Buffer.concat([this.leftover, fresh]) : fresh;\n    this.leftover = Buffer.alloc(0);',
      ],
      ["        if (this.state === 'prefix') this.onPrefix(whole);", "        if (this.state === 'prefix') {\n          this.onPrefix(whole);\n          this.leftover = Buffer.from(bytes.subarray(at)); // the header: next time\n          break;\n        }"],
    ],
  },
  {
    id: 'zero-body-waits',
    file: FRAME,
    bug: 'ends a frame only when a body byte arrives, so a data_size 0 frame ends one read late',
    catches: 'decode-zero-length-body',
    edits: [["      while (at < bytes.length || (this.state === 'body' && this.need === 0)) {", '      while (at < bytes.length) {']],
  },
  {
    id: 'signed-length',
    file: FRAME,
    bug: "reads the length signed (struct.unpack('i')): 0xFFFFFFFF is -1 and slips under the limit",
    catches: 'decode-limits',
    edits: [['    const length = prefix.readUInt32BE(0); // unsigned: 0xFFFFFFFF is 4,294,967,295, not -1', '    const length = prefix.readInt32BE(0);']],
  },
  {
    id: 'no-header-limit',
    file: FRAME,
    bug: 'no limit on the announced header length: it waits for whatever the prefix promises',
    catches: 'decode-limits',
    edits: [['    if (length > this.maxHeader) throw new FrameError(', '    if (length > 2 ** 32) throw new FrameError(']],
  },
  {
    id: 'no-body-limit-in-decoder',
    file: FRAME,
    bug: 'the decoder ignores maxBody',
    catches: 'decode-limits',
    edits: [['    if (size > this.maxBody) throw new FrameError(', '    if (size > Number.MAX_SAFE_INTEGER) throw new FrameError(']],
  },
  {
    id: 'array-is-an-object',
    file: FRAME,
    bug: "checks only typeof header === 'object', so arrays and null pass as headers",
    catches: 'decode-bad-header',
    edits: [["    if (typeof header !== 'object' || header === null || Array.isArray(header)) {", "    if (typeof header !== 'object') {"]],
  },
  {
    id: 'end-ignores-mid-frame',
    file: FRAME,
    bug: 'end() never complains, so a stream cut inside a frame looks like a clean end',
    catches: 'decode-end-mid-frame',
    edits: [['    if (!this.idle) {', '    if (this.idle && !this.idle) {']],
  },
  {
    id: 'body-not-handed-out',
    file: FRAME,
    bug: 'counts the body bytes but never hands them out as body events',
    catches: 'decode-one-frame',
    edits: [["          if (take > 0) events.push({ kind: 'body', chunk: bytes.subarray(at, at + take) });\n", '']],
  },
  {
    id: 'recv-n-returns-n',
    file: FRAME,
    bug: 'takes a read to hold all the bytes the state still needs, like recv(n) returning n bytes',
    catches: 'frame-split-boundaries',
    edits: [['        const take = Math.min(this.need - this.collected, bytes.length - at);', '        const take = this.need - this.collected; // recv(n)']],
  },
  {
    id: 'header-limit-off-by-one',
    file: FRAME,
    bug: 'refuses a header of exactly 64 KiB (>= instead of >)',
    catches: 'header-size-limit',
    edits: [['    if (length > this.maxHeader) throw new FrameError(', '    if (length >= this.maxHeader) throw new FrameError(']],
  },
  // --- the server over the wire -------------------------------------------------------------------
  {
    id: 'ready-line-port-0',
    file: SERVER,
    bug: 'prints the --port it was given (0) in the ready line instead of the real port',
    catches: 'ready',
    edits: [['  const { address, port } = server.address() as net.AddressInfo;', '  const { address } = server.address() as net.AddressInfo;\n  const port = opts.port;']],
  },
  {
    id: 'decoder-per-read',
    file: SERVER,
    bug: "makes a new decoder for every 'data' event, so a frame spread over several reads is lost",
    catches: 'frame-byte-by-byte',
    edits: [['      events = decoder.push(chunk);', '      events = new FrameDecoder({ maxBody: opts.maxBody }).push(chunk); // this read\'s frames']],
  },
  {
    id: 'ack-round-trip',
    file: SERVER,
    bug: "keeps lesson 03's round trip: sends the result header, then the output only after the client's next frame",
    catches: 'exec-result',
    edits: [
      ['  let peerEnded = false;\n', '  let peerEnded = false;\n  let unsent: Buffer | undefined; // the output, sent once the client says it is ready\n'],
      ["    if (event.kind === 'header') start(event.header);", "    if (unsent) {\n      socket.write(unsent);\n      unsent = undefined;\n    }\n    if (event.kind === 'header') start(event.header);"],
      [
        ".then((r) => reply({ type: 'result', exit_code: r.exitCode, data_size: r.output.length }, r.output)));",
        ".then((r) => {\n        unsent = r.output;\n        return reply({ type: 'result', exit_code: r.exitCode, data_size: r.output.length });\n      }));",
      ],
    ],
  },
  {
    id: 'exit-code-always-0',
    file: SERVER,
    bug: 'reports exit_code 0 whatever the command returned',
    catches: 'exec-result',
    edits: [["reply({ type: 'result', exit_code: r.exitCode, data_size: r.output.length }, r.output)", "reply({ type: 'result', exit_code: 0, data_size: r.output.length }, r.output)"]],
  },
  {
    id: 'output-through-a-string',
    file: SERVER,
    bug: 'turns the output into a string and back, so bytes that are not UTF-8 change',
    catches: 'exec-result',
    edits: [["reply({ type: 'result', exit_code: r.exitCode, data_size: r.output.length }, r.output)", "reply({ type: 'result', exit_code: r.exitCode, data_size: Buffer.byteLength(r.output.toString()) }, Buffer.from(r.output.toString()))"]],
  },
  {
    id: 'one-request-per-read',
    file: SERVER,
    bug: 'serves the first request of each read and drops the rest of the chunk (one recv, one message)',
    catches: 'frames-in-one-write',
    edits: [
      [
        '    while (!busy && !closing && next < queue.length) handle(queue[next++] as FrameEvent);',
        "    while (!busy && !closing && next < queue.length) {\n      const event = queue[next++] as FrameEvent;\n      handle(event);\n      if (event.kind === 'end') next = queue.length; // one read, one request\n    }",
      ],
    ],
  },
  {
    id: 'no-max-body',
    file: SERVER,
    bug: 'never gives --max-body to the decoder: an announced body of any size is accepted',
    catches: 'body-over-max-body',
    edits: [['  const decoder = new FrameDecoder({ maxBody: opts.maxBody });', '  const decoder = new FrameDecoder();']],
  },
  {
    id: 'broken-frame-crashes',
    file: SERVER,
    bug: "does not catch the decoder's FrameError: one broken frame kills the server and every client",
    catches: 'huge-length-prefix',
    edits: [['    } catch (e) {\n      broken(e);\n      return;\n    }', '    } finally {\n      // nothing to clean up\n    }']],
  },
  {
    id: 'broken-frame-keeps-connection',
    file: SERVER,
    bug: 'answers a broken frame with an error but keeps the connection open, as if it could find the next frame',
    catches: 'header-not-json',
    edits: [['    socket.end(encodeFrame({ type: \'error\', message }));', "    socket.write(encodeFrame({ type: 'error', message }));"]],
  },
  {
    id: 'bad-request-closes',
    file: SERVER,
    bug: 'treats a bad request like a broken frame and closes the connection',
    catches: 'bad-request-skips-body',
    edits: [['    finish = () => wait(reply({ type: \'error\', message }));', '    finish = () => broken(new FrameError(\'BAD_HEADER\', message));']],
  },
  {
    id: 'eof-mid-frame-waits',
    file: SERVER,
    bug: "on 'end' inside a frame it keeps the connection open, waiting for the rest",
    catches: 'eof-mid-frame',
    edits: [['      closing = true;\n      upload?.abort();\n      socket.end();\n      return;', '      return; // the rest of the frame may still come']],
  },
  {
    id: 'sigterm-waits-for-clients',
    file: SERVER,
    bug: 'on SIGTERM only stops accepting and waits for every client to leave',
    catches: 'stops-on-sigterm',
    edits: [['    for (const s of sockets) s.destroy(); // \'close\' removes their partial uploads\n    setImmediate(() => process.exit(0));', "    server.on('close', () => process.exit(0));"]],
  },
  {
    id: 'port-in-use-stack-trace',
    file: SERVER,
    bug: "no 'error' listener on the server: a busy port is an uncaught exception",
    catches: 'port-in-use',
    edits: [["server.on('error', (err: NodeJS.ErrnoException) => {", "server.on('listening-error', (err: NodeJS.ErrnoException) => {"]],
  },
  // --- uploads ------------------------------------------------------------------------------------
  {
    id: 'empty-upload-refused',
    file: UPLOAD,
    bug: 'refuses an upload of an empty file',
    catches: 'zero-length-body',
    edits: [['      await rename(this.tempPath, this.finalPath);', "      if (this.received === 0) throw new UploadError('the file is empty');\n      await rename(this.tempPath, this.finalPath);"]],
  },
  {
    id: 'file-written-as-text',
    file: UPLOAD,
    bug: 'writes each chunk to the file as UTF-8 text, so bytes that are not UTF-8 change',
    catches: 'upload-byte-identical',
    edits: [['    return this.file.write(chunk);', "    return this.file.write(chunk.toString('utf8'));"]],
  },
  {
    id: 'path-joined-unchecked',
    file: UPLOAD,
    bug: 'joins the file name to --dir unchecked and writes NAME.part beside the target: ../x and absolute names leave --dir',
    catches: 'unsafe-file-names',
    edits: [
      ["    const name = checkFileName(header['file_name']);", "    const name = String(header['file_name']); // os.path.join(dir, name)"],
      ['    this.tempPath = path.join(dir, `.${fileName.slice(0, 200)}.${randomBytes(6).toString(\'hex\')}.part`);', "    this.tempPath = this.finalPath + '.part';"],
    ],
  },
  {
    id: 'no-hash-check',
    file: UPLOAD,
    bug: 'never compares the hash: a tampered upload is stored',
    catches: 'sha256-mismatch',
    edits: [['      if (digest !== this.sha256) throw new UploadError(', '      if (digest.length !== 64) throw new UploadError(']],
  },
  {
    id: 'mismatch-keeps-partial-file',
    file: UPLOAD,
    bug: 'on a hash mismatch replies with an error but leaves the partial file behind',
    catches: 'sha256-mismatch',
    edits: [['      await unlink(this.tempPath).catch(() => {});\n', '']],
  },
  {
    id: 'lost-connection-keeps-partial-file',
    file: UPLOAD,
    bug: 'a connection lost mid-upload leaves its partial file behind',
    catches: 'upload-interrupted',
    edits: [['    const remove = () => void unlink(this.tempPath).catch(() => {});', '    const remove = () => {};']],
  },
  {
    id: 'whole-file-in-memory',
    file: UPLOAD,
    bug: 'collects the whole body in memory and writes the file at the end',
    catches: 'upload-memory-flat',
    edits: [
      ['  private settled = false;\n', '  private settled = false;\n  private held: Buffer[] = [];\n'],
      ['    return this.file.write(chunk);', '    this.held.push(chunk); // written once it is all here\n    return true;'],
      ['    this.settled = true;\n    await new Promise<void>((resolve) => {', '    this.settled = true;\n    this.file.write(Buffer.concat(this.held));\n    await new Promise<void>((resolve) => {'],
    ],
  },
  // --- the client ---------------------------------------------------------------------------------
  {
    id: 'client-little-endian',
    file: CLIENT,
    bug: "builds its own request with struct.pack('i'): a little-endian length",
    catches: 'client-exec-request',
    edits: [
      [
        "  socket.write(encodeFrame({ type: 'exec', cmd }));",
        "  const head = Buffer.from(JSON.stringify({ type: 'exec', cmd }));\n  const size = Buffer.alloc(4);\n  size.writeInt32LE(head.length, 0); // struct.pack('i', len(head))\n  socket.write(Buffer.concat([size, head]));",
      ],
    ],
  },
  {
    id: 'client-decodes-output',
    file: CLIENT,
    bug: 'decodes each piece of the output as UTF-8 before printing it',
    catches: 'client-reads-reply-byte-by-byte',
    edits: [['  const reply = await readReply(socket, (chunk) => process.stdout.write(chunk));', "  const reply = await readReply(socket, (chunk) => process.stdout.write(chunk.toString('utf8')));"]],
  },
  {
    id: 'client-error-exits-0',
    file: CLIENT,
    bug: 'prints the error reply but exits 0',
    catches: 'client-error-reply',
    edits: [["  if (reply['type'] === 'error') throw new ClientError(`server error: ${String(reply['message'])}`);", "  if (reply['type'] === 'error') {\n    console.error(`server error: ${String(reply['message'])}`);\n    process.exit(0);\n  }"]],
  },
  {
    id: 'client-sends-full-path',
    file: CLIENT,
    bug: 'sends the whole PATH as file_name instead of its base name',
    catches: 'client-upload',
    edits: [["  socket.write(encodeFrame({ type: 'upload', file_name: path.basename(file), data_size: size, sha256 }));", "  socket.write(encodeFrame({ type: 'upload', file_name: file, data_size: size, sha256 }));"]],
  },
  {
    id: 'client-progress-always',
    file: CLIENT,
    bug: 'draws the progress bar even when stderr is a pipe',
    catches: 'client-no-progress-when-piped',
    edits: [['  const progress = process.stderr.isTTY ? new Progress(path.basename(file), size) : undefined;', '  const progress = new Progress(path.basename(file), size);']],
  },
  {
    id: 'client-no-error-listener',
    file: CLIENT,
    bug: "no 'error' listener while connecting: a refused connection is an uncaught exception with a stack trace",
    catches: 'client-connection-refused',
    edits: [['    socket.once(\'error\', onError);\n  });', "  });"]],
  },
];
