// Lesson 05, the client against the tester's fake server: its request frames (big-endian length,
// the JSON header, the file as body), its reading of replies however they arrive, its errors.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CheckContext, CheckDef } from '../../harness/check.ts';
import { CheckFailure } from '../../harness/errors.ts';
import { showBytes } from '../../harness/bytes.ts';
import type { Program } from '../../harness/program.ts';
import { scratchRoot } from '../../harness/scratch.ts';
import { fixedThenSeeded } from '../../harness/seeded.ts';
import { clientConnectionRefused, expectExit, noStackTrace } from '../common.ts';
import { frame, FrameReader, frameSpots, sha256, type Header } from './wire.ts';

/** The client's stdout as raw bytes (the harness keeps text lines; output bytes need not be UTF-8). */
function rawStdout(program: Program): () => Buffer {
  const chunks: Buffer[] = [];
  program.child.stdout?.on('data', (b: Buffer) => chunks.push(b));
  return () => Buffer.concat(chunks);
}

/** The client against a fake server of its own; `seeded` labels the two in the transcript (a check that runs a second client beside the first). */
async function startClient(ctx: CheckContext, args: string[], seeded = false): Promise<{ program: Program; frames: FrameReader; stdout: () => Buffer }> {
  const fake = await ctx.fakeServer(seeded ? 'seeded' : undefined);
  const program = await ctx.start('client', ['--host', '127.0.0.1', '--port', String(fake.port), ...args], undefined, seeded ? 'seeded client' : undefined);
  const stdout = rawStdout(program);
  const conn = await fake.nextConnection(program);
  return { program, frames: new FrameReader(conn), stdout };
}

function expectHeader(got: Header, want: Header, what: string, hint: string): void {
  for (const [k, v] of Object.entries(want)) {
    if (got[k] !== v) {
      throw new CheckFailure('WRONG_BYTES', `${what}: "${k}" is ${JSON.stringify(got[k])}`, { expected: `a header with ${JSON.stringify(want).slice(1, -1)}`, actual: JSON.stringify(got), hint });
    }
  }
}

function tempFile(ctx: CheckContext, name: string, data: Buffer): string {
  const dir = mkdtempSync(path.join(scratchRoot(), 'netlings-05-client-'));
  ctx.defer(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, name);
  writeFileSync(file, data);
  return file;
}

const UPLOAD_HINT = 'Send encodeFrame({ type: "upload", file_name: path.basename(PATH), data_size: size, sha256 }) and then the file\'s bytes, streamed: pipeline(fs.createReadStream(PATH), socket, { end: false }). Hash the file first (a pass of its own): the header carries the hash.';

/** Plays the server's side of an upload: reads the request, checks it, answers uploaded. */
async function serveUpload(frames: FrameReader, name: string, data: Buffer, hint: string): Promise<void> {
  const req = await frames.read('the upload request', { hint });
  expectHeader(req.header, { type: 'upload', file_name: name, data_size: data.length, sha256: sha256(data) }, 'the upload request\'s header', hint);
  if (!req.body.equals(data)) throw new CheckFailure('WRONG_BYTES', 'the body of the upload request is not the file', { expected: `${data.length} bytes, sha256 ${sha256(data)}`, actual: `${req.body.length} bytes, sha256 ${sha256(req.body)}`, hint });
  await frames.peer.send(frame({ type: 'uploaded', file_name: name, file_size: data.length, sha256: sha256(data) }));
}

export const clientChecks: CheckDef[] = [
  {
    id: 'client-exec-request',
    title: 'the client sends exec as one frame with a big-endian length and prints the output',
    target: 'client',
    hint: "Send encodeFrame({ type: 'exec', cmd }) where the 4-byte length is big-endian (writeUInt32BE; struct.pack('!I')), then read the reply frame and write its body to stdout.",
    async run(ctx) {
      const cmd = "printf 'hi there'";
      const { program, frames, stdout } = await startClient(ctx, ['exec', cmd]);
      const req = await frames.read('the exec request', { hint: this.hint });
      expectHeader(req.header, { type: 'exec', cmd }, 'the exec request\'s header', this.hint);
      if (req.body.length) throw new CheckFailure('WRONG_BYTES', 'the exec request has a body', { expected: 'no body (data_size absent or 0)', actual: showBytes(req.body), hint: this.hint });
      await frames.peer.send(frame({ type: 'result', exit_code: 0, data_size: 8 }, Buffer.from('hi there')));
      await expectExit(program, 0, 'the result arrived', 'After the whole result has arrived, the client ends with exit code 0 (without waiting for the server to close).');
      if (!stdout().equals(Buffer.from('hi there'))) throw new CheckFailure('OUTPUT', 'the client did not print the output exactly', { expected: showBytes(Buffer.from('hi there')), actual: showBytes(stdout()), hint: this.hint });
    },
  },
  {
    id: 'client-reads-reply-byte-by-byte',
    title: 'the client reads a reply that arrives byte by byte and prints its bytes exactly',
    target: 'client',
    needs: ['client-exec-request'],
    slow: true,
    hint: "Feed every 'data' chunk to a FrameDecoder; write each body chunk to stdout as a Buffer (process.stdout.write(chunk)), never decoded on its own: the output need not be UTF-8, and a character split across reads must stay whole.",
    explores: true,
    async run(ctx) {
      /** The exec and its reply: byte by byte, or (seeded) cut where the seed says; stdout must be the body's bytes. */
      const talk = async (seeded: boolean) => {
        const { program, frames, stdout } = await startClient(ctx, ['exec', 'cat data.bin'], seeded);
        await frames.read('the exec request', { hint: this.hint });
        const body = Buffer.concat([Buffer.from('binary \0 '), Buffer.from([0xff, 0xfe, 0x80]), Buffer.from(' é 欢迎\r\nend\n')]);
        const reply = frame({ type: 'result', exit_code: 0, data_size: body.length, note: 'größe' }, body);
        // Seeded: many cuts next to the end of the length and of the header, and inside a character of either.
        await frames.peer.send(reply, seeded ? { seeded: ctx.choices, near: frameSpots(reply) } : { byteByByte: true });
        await expectExit(program, 0, seeded ? 'the result arrived in pieces' : 'the result arrived byte by byte', this.hint);
        if (!stdout().equals(body)) throw new CheckFailure('OUTPUT', 'the client did not print the output bytes exactly', { expected: showBytes(body), actual: showBytes(stdout()), hint: this.hint });
      };
      await fixedThenSeeded(ctx, () => talk(false), () => talk(true), { together: true });
    },
  },
  {
    id: 'client-error-reply',
    title: 'an error reply is one line on stderr with its message, and exit 1',
    target: 'client',
    needs: ['client-exec-request'],
    hint: 'When the reply\'s type is "error", print one line with its message to stderr (console.error) and exit with code 1.',
    async run(ctx) {
      const { program, frames } = await startClient(ctx, ['exec', 'true']);
      await frames.read('the exec request', { hint: this.hint });
      await frames.peer.send(frame({ type: 'error', message: 'the tester refuses this' }));
      await expectExit(program, 1, 'an error reply', this.hint);
      noStackTrace(program, 'on an error reply', this.hint);
      const lines = program.stderrLines.filter((l) => l.trim());
      if (lines.length !== 1 || !lines[0]?.includes('the tester refuses this')) {
        throw new CheckFailure('OUTPUT', 'the client did not report the error in one stderr line with its message', { expected: 'one line on stderr containing "the tester refuses this"', actual: program.describeOutput(), hint: this.hint });
      }
    },
  },
  {
    id: 'client-upload',
    title: 'the client uploads a file: name, size and sha256 in the header, the file as body',
    target: 'client',
    needs: ['client-exec-request'],
    hint: UPLOAD_HINT,
    async run(ctx) {
      const data = Buffer.concat([randomBytes(300_000), Buffer.from('\n\0 tail é\n')]);
      const file = tempFile(ctx, 'report é.bin', data);
      const { program, frames } = await startClient(ctx, ['upload', file]);
      await serveUpload(frames, 'report é.bin', data, this.hint);
      await expectExit(program, 0, 'the uploaded reply', 'After the "uploaded" reply the client ends with exit code 0.');
    },
  },
  {
    id: 'client-no-progress-when-piped',
    title: 'the client draws no progress bar when stderr is not a terminal',
    target: 'client',
    needs: ['client-upload'],
    hint: 'Draw the progress bar only when process.stderr.isTTY: in a pipe or a log file it is noise. The checker reads stderr through a pipe.',
    async run(ctx) {
      const data = randomBytes(3 * 1024 * 1024);
      const file = tempFile(ctx, 'quiet.bin', data);
      const { program, frames } = await startClient(ctx, ['upload', file]);
      await serveUpload(frames, 'quiet.bin', data, UPLOAD_HINT);
      await expectExit(program, 0, 'the uploaded reply', UPLOAD_HINT);
      if (program.stderr.trim()) {
        throw new CheckFailure('OUTPUT', 'the client wrote to stderr during a good upload, with stderr a pipe', { expected: 'nothing on stderr', actual: program.describeOutput(), hint: this.hint });
      }
    },
  },
  clientConnectionRefused('05', ['exec', 'true']),
];
