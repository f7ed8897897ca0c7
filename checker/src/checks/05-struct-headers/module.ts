// Lesson 05, the frame codec called directly (target 'module', src/frame.ts): encodeFrame's bytes and
// the FrameDecoder state machine fed byte by byte, at the boundaries, many frames at once, with limits.
// The API is the one the lesson's README fixes; frames to decode are built by the tester's own encoder.

import { isDeepStrictEqual } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { CheckContext, CheckDef } from '../../harness/check.ts';
import { CheckFailure } from '../../harness/errors.ts';
import { showBytes } from '../../harness/bytes.ts';
import type { ModuleHost } from '../../harness/module.ts';
import { fixedThenSeeded } from '../../harness/seeded.ts';
import type { DecodeResult } from '../../drivers/05-frame.ts';
import { frame, frameSpots, MAX_HEADER, rawFrame, type Header } from './wire.ts';

const MODULE = 'src/frame.ts';
const DRIVER = fileURLToPath(new URL('../../drivers/05-frame.ts', import.meta.url));

interface Decoded {
  header: Header;
  body: Buffer;
  /** Index of the push whose events held the header, and the one that held the end. */
  headerPush: number;
  endPush: number;
}

const host = (ctx: CheckContext): Promise<ModuleHost> => ctx.moduleHost(MODULE, DRIVER, 'frame.ts');

function decode(h: ModuleHost, chunks: Buffer[], opts: Record<string, number> | null = null, end = false): Promise<DecodeResult> {
  return h.call<DecodeResult>('decode', [chunks, opts, end], { what: `FrameDecoder fed ${chunks.length} chunk${chunks.length === 1 ? '' : 's'}` });
}

const describe = (f: { header: Header; body: Buffer }): string => `${JSON.stringify(f.header)} + body ${showBytes(f.body.subarray(0, 80))}${f.body.length > 80 ? ` … (${f.body.length} bytes)` : ''}`;

/** The events of all pushes, put back together as frames; fails on events out of order or a thrown error. */
function assemble(r: DecodeResult, what: string, hint: string, pushes = r.pushes.length): { frames: Decoded[]; open: boolean } {
  const frames: Decoded[] = [];
  let current: { header: Header; chunks: Buffer[]; headerPush: number } | undefined;
  const bad = (msg: string) => new CheckFailure('WRONG_VALUE', `${MODULE}: ${what}: ${msg}`, { hint });
  r.pushes.forEach((p, i) => {
    for (const ev of p.events) {
      if (ev.kind === 'header') {
        if (current) throw bad(`push ${i + 1} returned a header event before the end of the previous frame`);
        current = { header: ev.header as Header, chunks: [], headerPush: i };
      } else if (ev.kind === 'body') {
        if (!current) throw bad(`push ${i + 1} returned a body event outside a frame`);
        if (!ev.chunk) throw bad(`push ${i + 1} returned a body event without a chunk (Buffer)`);
        current.chunks.push(ev.chunk);
      } else if (ev.kind === 'end') {
        if (!current) throw bad(`push ${i + 1} returned an end event outside a frame`);
        frames.push({ header: current.header, body: Buffer.concat(current.chunks), headerPush: current.headerPush, endPush: i });
        current = undefined;
      } else {
        throw bad(`push ${i + 1} returned an event of kind ${JSON.stringify(ev.kind)}; the kinds are "header", "body" and "end"`);
      }
    }
    if (p.error) {
      throw new CheckFailure('THREW', `${MODULE}: ${what}: push ${i + 1} of ${pushes} threw ${p.error.name}${p.error.code ? ` [${p.error.code}]` : ''}: ${p.error.message}`, { expected: 'no error: the frames are well-formed', hint });
    }
  });
  return { frames, open: current !== undefined };
}

function expectFrames(got: Decoded[], want: { header: Header; body: Buffer }[], what: string, hint: string): void {
  const same = got.length === want.length && got.every((g, i) => isDeepStrictEqual(g.header, want[i]?.header) && g.body.equals(want[i]?.body ?? Buffer.alloc(0)));
  if (!same) {
    const first = want.findIndex((w, i) => !got[i] || !isDeepStrictEqual(got[i]?.header, w.header) || !got[i]?.body.equals(w.body));
    throw new CheckFailure('WRONG_VALUE', `${MODULE}: ${what}: ${got.length} of ${want.length} frames came out${first >= 0 ? `, frame ${first + 1} ${got[first] ? 'differs' : 'is missing'}` : ''}`, {
      expected: want.slice(Math.max(0, first), Math.max(0, first) + 3).map(describe).join('\n'),
      actual: got.length ? got.slice(Math.max(0, first), Math.max(0, first) + 3).map(describe).join('\n') || '(nothing more)' : 'no complete frame (a header event, body events, an end event)',
      hint,
    });
  }
}

/** push() (or end()) must throw a FrameError with this code, at push number `at` (1-based). */
function expectThrows(r: DecodeResult, code: string, at: number | 'end', what: string, hint: string): void {
  const i = r.pushes.findIndex((p) => p.error);
  const err = i >= 0 ? r.pushes[i]?.error : r.endError;
  const where = i >= 0 ? `push ${i + 1}` : r.endError ? 'end()' : undefined;
  const wantWhere = at === 'end' ? 'end()' : `push ${at}`;
  if (!err || err.code !== code || where !== wantWhere) {
    throw new CheckFailure('WRONG_VALUE', `${MODULE}: ${what}: ${err ? `${where} threw ${err.name}${err.code ? ` [${err.code}]` : ' without a code'}: ${err.message}` : `nothing threw${r.pushes.some((p) => p.events.length) ? ` (events: ${r.pushes.flatMap((p) => p.events.map((e) => e.kind)).join(', ')})` : ''}`}`, {
      expected: `${wantWhere} throws a FrameError with code "${code}"`,
      actual: err ? `${where}: ${err.name} code ${JSON.stringify(err.code)}` : 'no error',
      hint,
    });
  }
}

const sample = (): { header: Header; body: Buffer }[] => [
  { header: { type: 'exec', cmd: 'printf "é 欢迎 ✓"' }, body: Buffer.alloc(0) },
  { header: { type: 'upload', file_name: 'größe.bin', data_size: 9, sha256: 'ab'.repeat(32) }, body: Buffer.from([0, 0xff, 0x0a, 0x0d, 0x0a, 0xc3, 0, 1, 2]) },
  { header: { type: 'result', exit_code: 0, data_size: 3, nested: { list: [1, 'two', null] } }, body: Buffer.from('end') },
];
const encodeAll = (frames: { header: Header; body: Buffer }[]) => Buffer.concat(frames.map((f) => frame(f.header, f.body)));

/** The pieces of `bytes` cut at `cuts` (sorted offsets inside it). */
function cutAt(bytes: Buffer, cuts: number[]): Buffer[] {
  const chunks: Buffer[] = [];
  let from = 0;
  for (const c of [...cuts, bytes.length]) {
    chunks.push(bytes.subarray(from, c));
    from = c;
  }
  return chunks;
}

function describePushes(chunks: Buffer[]): string {
  const sizes = chunks.map((c) => c.length);
  const shown = sizes.length > 8 ? `${sizes.slice(0, 4).join(' | ')} | … | ${sizes.slice(-3).join(' | ')}` : sizes.join(' | ');
  return sizes.length === 1 ? 'in one push' : `in ${sizes.length} pushes of ${shown} bytes`;
}

/**
 * The seeded case of a decoder check: the same frames' bytes pushed once more, cut where the check's
 * choices say (up to `maxCuts` cuts, about half of them next to a frame's start, the end of its 4-byte
 * length, the end of its header or inside a multi-byte character of a header). Judged by the README's
 * API alone, so any correct decoder passes every seed: the frames come out whole and in order, each
 * header event from the push that completes its header, each end event from the push that brings the
 * frame's last byte (for a frame without a body, the push that completes its header).
 */
async function seededDecode(ctx: CheckContext, h: ModuleHost, frames: { header: Header; body: Buffer }[], what: string, hint: string, maxCuts: number): Promise<void> {
  const bytes = encodeAll(frames);
  const cuts = ctx.choices.cutsNear(bytes.length, frameSpots(bytes), maxCuts);
  const chunks = cutAt(bytes, cuts);
  ctx.choices.note(`${what} (${bytes.length} bytes) pushed ${cuts.length ? `cut at ${cuts.join(', ')}` : 'whole (no cut)'}`);
  const where = `${what} pushed ${describePushes(chunks)}, as the seed cut them`;
  ctx.transcript.note('tester', `feeds a new FrameDecoder ${where}`);
  const got = assemble(await decode(h, chunks), where, hint, chunks.length).frames;
  const halves = got.findIndex((g, i) => JSON.stringify(g.header).includes('\uFFFD') && !JSON.stringify(frames[i]?.header).includes('\uFFFD'));
  // A character of a header cut by a push and decoded in two halves: the byte-by-byte check's advice, whichever check saw it.
  expectFrames(got, frames, halves >= 0 ? `${where}: the header of frame ${halves + 1} holds U+FFFD (a character decoded in two halves)` : where, halves >= 0 ? "Decode the header once, when all its bytes are in (Buffer.concat of the pieces, then toString('utf8')): a push may end inside a character." : hint);
  /** The push (0-based) that brings byte `offset`. */
  const pushOf = (offset: number) => cuts.filter((c) => c <= offset).length;
  let at = 0;
  for (const [i, f] of frames.entries()) {
    const headerEnd = at + frame(f.header).length;
    const end = headerEnd + f.body.length;
    const wantHeader = pushOf(headerEnd - 1);
    const wantEnd = pushOf(end - 1);
    const g = got[i] as Decoded;
    const fail = (why: string) =>
      new CheckFailure('WRONG_VALUE', `${MODULE}: ${where}: ${why}`, {
        expected: `frame ${i + 1}: its header event from push ${wantHeader + 1}, its end event from push ${wantEnd + 1}`,
        actual: `frame ${i + 1}: its header event from push ${g.headerPush + 1}, its end event from push ${g.endPush + 1}`,
        hint: 'push(chunk) returns the events that chunk completes, before it returns: a header event from the push that brings the last byte of the header, an end event from the push that brings the last byte of the body (for data_size 0 or absent, the same push as the header). Loop until the chunk is used up.',
      });
    if (g.headerPush > wantHeader) throw fail(`the header event of frame ${i + 1} came from push ${g.headerPush + 1}, though push ${wantHeader + 1} completed its header`);
    if (g.headerPush < wantHeader) throw fail(`the header event of frame ${i + 1} came from push ${g.headerPush + 1}, before the last byte of its header (in push ${wantHeader + 1})`);
    if (g.endPush !== wantEnd) {
      throw fail(
        f.body.length === 0
          ? `frame ${i + 1} has no body, so push ${wantEnd + 1}, which completed its header, ends it too, but its end event came from push ${g.endPush + 1}`
          : `the end event of frame ${i + 1} came from push ${g.endPush + 1}, though push ${wantEnd + 1} brought the last byte of its body`,
      );
    }
    at = end;
  }
}

export const moduleChecks: CheckDef[] = [
  {
    id: 'encode-frame',
    title: 'encodeFrame: a 4-byte big-endian length of the header in bytes, the JSON header, the body',
    target: 'module',
    module: MODULE,
    hint: "const json = Buffer.from(JSON.stringify(header), 'utf8'); const prefix = Buffer.alloc(4); prefix.writeUInt32BE(json.length); then Buffer.concat([prefix, json, body]). The length counts bytes, not characters (é is 2 bytes), and is big-endian (struct.pack('!I'), not 'i').",
    async run(ctx) {
      const h = await host(ctx);
      for (const [header, body] of [
        [{ type: 'exec', cmd: 'ls -l' }, undefined],
        [{ type: 'exec', cmd: 'echo é 欢迎' }, undefined],
        [{ type: 'result', exit_code: 0, data_size: 5 }, Buffer.from([0x68, 0, 0xff, 0x0a, 0x21])],
        [{ type: 'upload', file_name: 'a.bin', data_size: 300, sha256: '00'.repeat(32) }, Buffer.alloc(300, 7)],
      ] as [Header, Buffer | undefined][]) {
        const what = `encodeFrame(${JSON.stringify(header)}${body ? `, ${body.length} bytes` : ''})`;
        const got = await h.call<Buffer>('encode', body ? [header, body] : [header], { what });
        const want = frame(header, body);
        const fail = (why: string) =>
          new CheckFailure('WRONG_VALUE', `${MODULE}: ${what}: ${why}`, { expected: `${want.length} bytes: ${showBytes(want.subarray(0, 60))}${want.length > 60 ? ' …' : ''}`, actual: `${got.length} bytes: ${showBytes(got.subarray(0, 60))}${got.length > 60 ? ' …' : ''}`, hint: this.hint });
        if (got.length < 4) throw fail('fewer than 4 bytes');
        const length = got.readUInt32BE(0);
        if (length !== got.length - 4 - (body?.length ?? 0)) {
          const le = got.readUInt32LE(0);
          throw fail(`the first 4 bytes (${got.subarray(0, 4).toString('hex')}) say ${length} read big-endian${le === want.length - 4 - (body?.length ?? 0) ? `, the right length only read little-endian` : ''}; the header is ${want.length - 4 - (body?.length ?? 0)} bytes of UTF-8`);
        }
        let parsed: unknown;
        try {
          parsed = JSON.parse(got.subarray(4, 4 + length).toString('utf8'));
        } catch {
          throw fail('the header is not JSON');
        }
        if (!isDeepStrictEqual(parsed, header)) throw fail(`the header decodes to ${JSON.stringify(parsed)}`);
        if (!got.subarray(4 + length).equals(body ?? Buffer.alloc(0))) throw fail('the body after the header is not the body given');
      }
    },
  },
  {
    id: 'decode-one-frame',
    title: 'FrameDecoder: a frame pushed as its length, its header and its body gives header, body and end events',
    target: 'module',
    module: MODULE,
    hint: 'push(chunk) returns the events the chunk completes: [{ kind: "header", header }] once the header is whole, { kind: "body", chunk } for body bytes, { kind: "end" } when data_size bytes have passed.',
    async run(ctx) {
      const h = await host(ctx);
      const [, f] = sample() as [unknown, { header: Header; body: Buffer }];
      const bytes = frame(f.header, f.body);
      const headerEnd = bytes.length - f.body.length;
      const r = await decode(h, [bytes.subarray(0, 4), bytes.subarray(4, headerEnd), bytes.subarray(headerEnd)]);
      const { frames } = assemble(r, 'a frame pushed in three parts', this.hint);
      expectFrames(frames, [f], 'a frame pushed in three parts (length, header, body)', this.hint);
      const got = frames[0] as Decoded;
      if (got.headerPush !== 1 || got.endPush !== 2) {
        throw new CheckFailure('WRONG_VALUE', `${MODULE}: the header event came from push ${got.headerPush + 1} and the end from push ${got.endPush + 1}`, { expected: 'the header from push 2 (the one that completes it), the end from push 3', hint: this.hint });
      }
    },
  },
  {
    id: 'decode-byte-by-byte',
    title: 'FrameDecoder: frames pushed one byte at a time (a character split across pushes stays whole)',
    target: 'module',
    module: MODULE,
    needs: ['decode-one-frame'],
    hint: "Collect the length's 4 bytes across pushes, then the header's bytes; decode the header once, when it is whole (Buffer.concat, then toString('utf8')): decoding each piece on its own breaks é and 欢.",
    explores: true,
    async run(ctx) {
      const h = await host(ctx);
      await fixedThenSeeded(
        ctx,
        async () => {
          const bytes = encodeAll(sample());
          const r = await decode(h, Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1)));
          expectFrames(assemble(r, 'frames pushed byte by byte', this.hint).frames, sample(), 'three frames pushed one byte at a time', this.hint);
        },
        // The same frames in up to 24 pieces, many cuts inside a length or a header's character.
        () => seededDecode(ctx, h, sample(), 'three frames', this.hint, 24),
      );
    },
  },
  {
    id: 'decode-split-boundaries',
    title: 'FrameDecoder: pushes split at the 4-byte boundary, inside the length, inside the header, between header and body',
    target: 'module',
    module: MODULE,
    needs: ['decode-one-frame'],
    hint: 'A push may end anywhere: inside the length, right after it, inside the header, right after it, inside the body. Keep what the current state has collected and go on when the next push comes.',
    explores: true,
    async run(ctx) {
      const h = await host(ctx);
      await fixedThenSeeded(
        ctx,
        async () => {
          const frames = sample();
          const bytes = encodeAll(frames);
          const first = frame((frames[0] as { header: Header }).header).length;
          const second = frame((frames[1] as { header: Header }).header).length; // header part of frame 2
          const cuts: [number[], string][] = [
            [[4], 'at the 4-byte boundary'],
            [[2], 'inside the length'],
            [[4 + 5], 'inside the header'],
            [[first, first + 4], 'at the frame boundary and after the next length'],
            [[first + 3, first + second, first + second + 4], 'inside the next length, between header and body, inside the body'],
            [[1, 2, 3, 4, 5, first - 1, first + 1], 'in many small pieces'],
          ];
          for (const [at, where] of cuts) {
            const chunks: Buffer[] = [];
            let from = 0;
            for (const c of [...at, bytes.length]) {
              chunks.push(bytes.subarray(from, c));
              from = c;
            }
            const r = await decode(h, chunks);
            expectFrames(assemble(r, `pushes split ${where}`, this.hint).frames, frames, `three frames pushed split ${where}`, this.hint);
          }
        },
        // The same frames in up to 6 pieces, many cut next to a frame's start, the end of its length or of its header.
        () => seededDecode(ctx, h, sample(), 'three frames', this.hint, 6),
      );
    },
  },
  {
    id: 'decode-many-in-one-chunk',
    title: 'FrameDecoder: 50 frames in one push give all 50, in order',
    target: 'module',
    module: MODULE,
    needs: ['decode-one-frame'],
    hint: 'One push may hold many frames: after a frame ends, go on with the rest of the same chunk (a loop over the chunk, not one state step per push). The prefix and header that arrive together are parsed in the same push.',
    explores: true,
    async run(ctx) {
      const h = await host(ctx);
      const frames = Array.from({ length: 50 }, (_, i) => ({ header: { type: 'exec', cmd: `echo ${i + 1}`, ...(i % 3 ? { data_size: i } : {}) }, body: Buffer.alloc(i % 3 ? i : 0, i) }));
      await fixedThenSeeded(
        ctx,
        async () => {
          const r = await decode(h, [encodeAll(frames)]);
          const { frames: got } = assemble(r, '50 frames in one push', this.hint);
          expectFrames(got, frames, '50 frames in one push', this.hint);
        },
        // The same 50 frames in up to 7 pushes, each holding the end of one frame, many more and the start of another.
        () => seededDecode(ctx, h, frames, '50 frames', this.hint, 6),
      );
    },
  },
  {
    id: 'decode-zero-length-body',
    title: 'FrameDecoder: a frame with data_size 0 (or none) ends in the push that completes its header',
    target: 'module',
    module: MODULE,
    needs: ['decode-one-frame'],
    hint: 'With data_size 0 (or absent) the frame is complete with its header: return the header and the end events from the same push, without waiting for a body byte.',
    explores: true,
    async run(ctx) {
      const h = await host(ctx);
      const a = { header: { type: 'exec', cmd: 'true' }, body: Buffer.alloc(0) };
      const b = { header: { type: 'upload', file_name: 'empty', data_size: 0, sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' }, body: Buffer.alloc(0) };
      const c = { header: { type: 'result', data_size: 2 }, body: Buffer.from('ok') };
      await fixedThenSeeded(
        ctx,
        async () => {
          for (const f of [a, b]) {
            const r = await decode(h, [frame(f.header)]);
            const { frames } = assemble(r, `the frame ${JSON.stringify(f.header)} alone`, this.hint);
            expectFrames(frames, [f], `a frame of ${'data_size' in f.header ? 'data_size 0' : 'no data_size'}, pushed alone`, this.hint);
          }
          const r = await decode(h, [Buffer.concat([frame(a.header), frame(b.header), frame({ type: 'result', data_size: 2 }, Buffer.from('ok'))])]);
          expectFrames(assemble(r, 'two empty frames and one more in one push', this.hint).frames, [a, b, { header: { type: 'result', data_size: 2 }, body: Buffer.from('ok') }], 'two frames without a body, then one with, in one push', this.hint);
        },
        // The same frames and one more without a body, cut where the seed says, often right where a header (and so an empty frame) ends.
        () => seededDecode(ctx, h, [a, b, c, a], 'two frames without a body, one with, one without', this.hint, 6),
      );
    },
  },
  {
    id: 'decode-limits',
    title: 'FrameDecoder: a header over 64 KiB, a length of 0xFFFFFFFF and a data_size over maxBody throw at once',
    target: 'module',
    module: MODULE,
    needs: ['decode-one-frame'],
    hint: 'Read the length unsigned (readUInt32BE) and throw FrameError("HEADER_TOO_LARGE") as soon as the 4 bytes are in when it is over 65,536. Throw FrameError("BODY_TOO_LARGE") from the push that completes a header whose data_size is over maxBody, before any body byte.',
    async run(ctx) {
      const h = await host(ctx);
      const padded = (size: number) => {
        const base = JSON.stringify({ type: 'exec', pad: '' });
        return rawFrame(Buffer.from(base.replace('"pad":""', `"pad":"${'x'.repeat(size - base.length)}"`)));
      };
      const exact = await decode(h, [padded(MAX_HEADER)]);
      if (assemble(exact, 'a header of exactly 65,536 bytes', this.hint).frames.length !== 1) {
        throw new CheckFailure('WRONG_VALUE', `${MODULE}: a header of exactly 65,536 bytes did not come out as a frame`, { expected: 'a header event and an end event: 65,536 is still allowed', hint: this.hint });
      }
      const over = padded(MAX_HEADER + 1);
      expectThrows(await decode(h, [over.subarray(0, 4)]), 'HEADER_TOO_LARGE', 1, 'the 4-byte length 65,537, pushed alone', this.hint);
      expectThrows(await decode(h, [Buffer.from([0xff, 0xff]), Buffer.from([0xff, 0xff])]), 'HEADER_TOO_LARGE', 2, 'the length 0xFFFFFFFF in two pushes', this.hint);
      expectThrows(await decode(h, [Buffer.from([0x80, 0, 0, 0, 0x7b])]), 'HEADER_TOO_LARGE', 1, 'the length 0x80000000 (negative when read signed)', this.hint);
      const big = frame({ type: 'upload', data_size: 1001 });
      expectThrows(await decode(h, [big], { maxBody: 1000 }), 'BODY_TOO_LARGE', 1, 'a header with data_size 1001 and maxBody 1000, no body pushed', this.hint);
      expectThrows(await decode(h, [frame({ type: 'upload', data_size: 2 ** 52 })], { maxBody: 1 << 30 }), 'BODY_TOO_LARGE', 1, 'a header with data_size 2^52 and maxBody 1 GiB', this.hint);
      const ok = await decode(h, [frame({ type: 'upload', data_size: 1000 }), Buffer.alloc(1000)], { maxBody: 1000 });
      expectFrames(assemble(ok, 'data_size equal to maxBody', this.hint).frames, [{ header: { type: 'upload', data_size: 1000 }, body: Buffer.alloc(1000) }], 'a frame with data_size equal to maxBody (allowed)', this.hint);
    },
  },
  {
    id: 'decode-bad-header',
    title: 'FrameDecoder: a header that is not JSON, not an object, or has a bad data_size throws BAD_HEADER',
    target: 'module',
    module: MODULE,
    needs: ['decode-one-frame'],
    hint: 'JSON.parse inside try/catch, then typeof header === "object" && header !== null && !Array.isArray(header); data_size absent or a whole number ≥ 0. Anything else: throw new FrameError("BAD_HEADER", ...).',
    async run(ctx) {
      const h = await host(ctx);
      for (const [text, what] of [
        ['', 'no bytes at all (length 0)'],
        ['not json', 'a header that is not JSON'],
        ['{"type":"exec"', 'cut-off JSON'],
        ['[1,2]', 'a JSON array'],
        ['null', 'JSON null'],
        ['"exec"', 'a JSON string'],
        ['7', 'a JSON number'],
        ['{"data_size":-1}', 'data_size -1'],
        ['{"data_size":1.5}', 'data_size 1.5'],
        ['{"data_size":"3"}', 'data_size "3" (a string)'],
      ] as const) {
        expectThrows(await decode(h, [rawFrame(Buffer.from(text))]), 'BAD_HEADER', 1, `a header of ${what}: ${text}`, this.hint);
      }
    },
  },
  {
    id: 'decode-end-mid-frame',
    title: 'FrameDecoder: end() inside a frame throws TRUNCATED; between frames it does not',
    target: 'module',
    module: MODULE,
    needs: ['decode-one-frame'],
    hint: 'end() says the stream is over. Between frames (state prefix, nothing collected) that is fine; anywhere else throw new FrameError("TRUNCATED", ...).',
    async run(ctx) {
      const h = await host(ctx);
      const f = frame({ type: 'upload', data_size: 4 }, Buffer.from('body'));
      const clean = await decode(h, [f, f], null, true);
      assemble(clean, 'two whole frames', this.hint);
      if (clean.endError) {
        throw new CheckFailure('WRONG_VALUE', `${MODULE}: end() after two whole frames threw ${clean.endError.name}: ${clean.endError.message}`, { expected: 'no error: the stream ended between frames', hint: this.hint });
      }
      for (const [cut, where] of [[2, 'inside the length'], [4, 'after the length'], [10, 'inside the header'], [f.length - 4, 'before the body'], [f.length - 1, 'inside the body']] as const) {
        expectThrows(await decode(h, [f, f.subarray(0, cut)], null, true), 'TRUNCATED', 'end', `end() ${where} of the second frame`, this.hint);
      }
    },
  },
];
