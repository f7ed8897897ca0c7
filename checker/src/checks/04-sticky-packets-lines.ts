// Lesson 04's module checks: the learner's line splitter (src/lines.ts), called directly through
// the driver drivers/04-lines.ts. Each check feeds a LineSplitter bytes cut into pushes the way the
// network might cut them, and compares the lines it hands out (and which push handed them out)
// with what the README's API promises. No check over the wire needs these to pass.

import { fileURLToPath } from 'node:url';
import type { CheckContext, CheckDef } from '../harness/check.ts';
import { CheckFailure } from '../harness/errors.ts';
import type { ModuleHost } from '../harness/module.ts';
import { timing } from '../harness/timing.ts';
import { chunksOf, type FeedPlan, type FeedResult } from '../drivers/04-lines.ts';

const DRIVER = fileURLToPath(new URL('../drivers/04-lines.ts', import.meta.url));
const MODULE = 'src/lines.ts';
/** The limit of COURSE.md: a message of 65,536 bytes is still a line, 65,537 is over. */
export const LIMIT = 65_536;

/** A line for a message: short ones quoted, long ones summarised. */
export function describeLine(line: string): string {
  const bytes = Buffer.byteLength(line);
  return bytes > 60 ? `${JSON.stringify(line.slice(0, 16))}… (${bytes.toLocaleString('en-US')} bytes)` : JSON.stringify(line);
}

function describePushes(data: Buffer, plan: FeedPlan): string {
  const sizes = chunksOf(data, plan).map((c) => c.length);
  const shown = sizes.length > 8 ? `${sizes.slice(0, 4).join(' | ')} | … | ${sizes.slice(-3).join(' | ')}` : sizes.join(' | ');
  return sizes.length === 1 ? 'in one push' : `in ${sizes.length.toLocaleString('en-US')} pushes of ${shown} bytes`;
}

export interface Case {
  /** The bytes, as a person would read them: `"ok\n" + 65,537 × "a" + "\n"`. */
  what: string;
  data: Buffer | string;
  plan?: FeedPlan;
  /** The lines, in order, each with the push that must hand it out ('end' for end()). */
  lines: [line: string, at: number | 'end'][];
  /** The push that must throw LineTooLongError (nothing after it is fed). */
  tooLongAt?: number;
}

async function runCase(ctx: CheckContext, host: ModuleHost, c: Case, hint: string): Promise<void> {
  const data = typeof c.data === 'string' ? Buffer.from(c.data, 'utf8') : c.data;
  const plan = c.plan ?? {};
  const how = describePushes(data, plan);
  const fed = `${c.what}, ${how}${plan.end ? ', then end()' : ''}`;
  ctx.transcript.note('tester', `feeds a new LineSplitter ${fed}`);
  const result = await host.call<FeedResult>('feed', [data, plan], { within: timing.reply * 2, what: `feeding ${c.what}` });
  const { events, pushes } = result;
  const atName = (at: number) => (at >= pushes ? 'end()' : pushes === 1 ? 'the push' : `push #${at + 1}`);
  const expected = [...c.lines.map(([l, at]) => `${describeLine(l)} from ${at === 'end' ? 'end()' : atName(at)}`), ...(c.tooLongAt !== undefined ? [`then LineTooLongError thrown by ${atName(c.tooLongAt)}`] : [])].join('\n') || 'no line at all';
  const actual = events.map((e) => (e.error ? `${e.error.name}${e.error.code ? ` [${e.error.code}]` : ''}: ${e.error.message} thrown by ${atName(e.at)}` : e.line !== undefined ? `${describeLine(e.line)} from ${atName(e.at)}` : `onLine(${e.notString}) from ${atName(e.at)}`)).join('\n') || 'no line at all';
  const fail: (message: string) => never = (message) => {
    throw new CheckFailure('WRONG_VALUE', `fed ${fed}: ${message}`, { expected, actual, hint });
  };

  const lines = events.filter((e) => !e.error);
  const error = events.find((e) => e.error);
  const notString = lines.find((e) => e.line === undefined);
  if (notString) fail(`onLine got a ${notString.notString}, not a string: decode each line with .toString('utf8')`);
  for (let i = 0; i < Math.max(lines.length, c.lines.length); i++) {
    const got = lines[i];
    const want = c.lines[i];
    if (!want) {
      const size = Buffer.byteLength(got?.line ?? '');
      if (c.tooLongAt !== undefined && size > LIMIT) fail(`the line ${describeLine(got?.line ?? '')} came out, but it is over the limit of ${LIMIT.toLocaleString('en-US')} bytes (count bytes, not characters, and measure complete lines too)`);
      if (c.tooLongAt !== undefined) fail(`the line ${describeLine(got?.line ?? '')} came out after the line that is too long; nothing after it may be handed out`);
      fail(`one line too many came out: ${describeLine(got?.line ?? '')}`);
    }
    const [wantLine, wantAt] = want;
    if (!got) {
      if (error && !error.error?.tooLong) fail(`push threw ${error.error?.name}: ${error.error?.message}`);
      if (error) fail(`LineTooLongError was thrown before the line ${describeLine(wantLine)}${c.tooLongAt === undefined ? ', but no line here is over 65,536 bytes' : ''}`);
      fail(`the line ${describeLine(wantLine)} never came out`);
    }
    if (got.line !== wantLine) {
      const cr = got.line === wantLine + '\r' ? ' (with the \\r of its \\r\\n still on it)' : '';
      const bad = got.line?.includes('\uFFFD') ? ' (U+FFFD: a character was decoded in two halves; decode a line only once it is whole)' : '';
      fail(`line ${i + 1} is ${describeLine(got.line ?? '')}, not ${describeLine(wantLine)}${cr}${bad}`);
    }
    const at = wantAt === 'end' ? pushes : wantAt;
    if (got.at !== at) {
      fail(got.at > at ? `the line ${describeLine(wantLine)} came out only from ${atName(got.at)}, though ${atName(at)} completed it: hand out every line a push completes before push returns` : `the line ${describeLine(wantLine)} came out from ${atName(got.at)}, before its bytes were all there`);
    }
  }
  if (c.tooLongAt === undefined) {
    if (error) fail(error.error?.tooLong ? `${atName(error.at)} threw LineTooLongError, but no message here is over ${LIMIT.toLocaleString('en-US')} bytes (the limit counts the bytes without the \\n or \\r\\n)` : `${atName(error.at)} threw ${error.error?.name}: ${error.error?.message}`);
    return;
  }
  if (!error) fail(`nothing was thrown: a message over ${LIMIT.toLocaleString('en-US')} bytes must make push throw LineTooLongError`);
  if (!error.error?.tooLong) fail(`${atName(error.at)} threw ${error.error?.name}, not LineTooLongError (export the class and throw it; its code is 'LINE_TOO_LONG')`);
  if (error.at > c.tooLongAt) fail(`LineTooLongError came only from ${atName(error.at)}, but the bytes were over the limit at ${atName(c.tooLongAt)}: throw as soon as the bytes pushed so far prove the line too long, without waiting for its \\n`);
  if (error.at < c.tooLongAt) fail(`LineTooLongError came from ${atName(error.at)}, before the line was over the limit`);
}

/**
 * What the README's API makes of `data` pushed in these chunks: each line with the push that
 * completes it, and the push that proves a line too long (nothing after it). The fixed cases below
 * agree with it (the checker's tests say so), so a case cut anywhere by the seed is judged by it.
 */
export function expectedFeed(data: Buffer, cuts: number[], end: boolean): Pick<Case, 'lines' | 'tooLongAt'> {
  const chunks = chunksOf(data, { cuts });
  const lines: Case['lines'] = [];
  let kept = Buffer.alloc(0);
  for (const [at, chunk] of chunks.entries()) {
    kept = Buffer.concat([kept, chunk]);
    for (let nl = kept.indexOf(10); nl !== -1; nl = kept.indexOf(10)) {
      const raw = kept.subarray(0, nl);
      const line = raw.at(-1) === 13 ? raw.subarray(0, -1) : raw;
      if (line.length > LIMIT) return { lines, tooLongAt: at };
      lines.push([line.toString('utf8'), at]);
      kept = kept.subarray(nl + 1);
    }
    // Not over while the bytes kept could still end in \r\n: a last \r is not counted yet.
    if (kept.length - (kept.at(-1) === 13 ? 1 : 0) > LIMIT) return { lines, tooLongAt: at };
  }
  if (end && kept.length > 0) lines.push([kept.toString('utf8'), 'end']);
  return { lines };
}

/** Where a seed may cut a case's bytes: anywhere, or next to the places where splitters go wrong. */
function hotSpots(data: Buffer): number[] {
  const spots = new Set<number>();
  for (let i = 0; i < data.length; i++) {
    const b = data[i] ?? 0;
    if (b === 10 || b === 13 || (b & 0xc0) === 0x80) spots.add(i);
    if (spots.size > 64) break;
  }
  if (data.length > LIMIT) spots.add(LIMIT);
  return [...spots];
}

/** The case's bytes again, cut where the check's choices say (up to 6 cuts, many next to a \n, \r, a character's middle or the limit). */
function seededCase(ctx: CheckContext, c: Case): Case {
  const data = typeof c.data === 'string' ? Buffer.from(c.data, 'utf8') : c.data;
  const sorted = ctx.choices.cutsNear(data.length, hotSpots(data), 6);
  const end = c.plan?.end ?? false;
  return { what: `${c.what} (${sorted.length ? `cut by the seed at ${sorted.join(', ')}` : 'the seed made no cut'})`, data, plan: { cuts: sorted, ...(end ? { end } : {}) }, ...expectedFeed(data, sorted, end) };
}

/** The fixed cases of each splitter check, by id (the checker's tests hold expectedFeed to them). */
export const fixedCases = new Map<string, () => Case[]>();

function moduleCheck(def: Omit<CheckDef, 'target' | 'module' | 'run'> & { cases: () => Case[] }): CheckDef {
  fixedCases.set(def.id, def.cases);
  return {
    id: def.id,
    title: def.title,
    hint: def.hint,
    target: 'module',
    module: MODULE,
    explores: true,
    async run(ctx) {
      const host = await ctx.moduleHost(MODULE, DRIVER);
      const cases = def.cases();
      if (!ctx.exploring) for (const c of cases) await runCase(ctx, host, c, def.hint);
      // Then each case's bytes once more, cut where the seed says (`--explore` tries many seeds).
      for (const c of cases) await runCase(ctx, host, seededCase(ctx, c), def.hint);
    },
  };
}

const repeat = (s: string, n: number) => s.repeat(n);
/** 21,845 × 欢 (3 bytes each) + "b": 65,536 bytes of mostly multi-byte characters. */
const WIDE_AT_LIMIT = repeat('欢', 21_845) + 'b';
/** Cuts at these offsets, then one push per byte around the limit (a boundary however the bytes arrive). */
const nearLimit = (from: number, to: number, start: number[] = []) => [...start, ...Array.from({ length: to - from }, (_, i) => from + i)];

export const lineSplitterChecks: CheckDef[] = [
  moduleCheck({
    id: 'splitter-lines',
    title: 'the splitter hands out each complete line, however the chunks cut them',
    hint: 'Keep the bytes after the last \\n of a chunk for the next push; call onLine for every \\n in the chunk, not once per push. An empty line (\\n\\n) is a line too.',
    cases: () => [
      { what: '"alpha\\nbeta\\ngamma\\n"', data: 'alpha\nbeta\ngamma\n', lines: [['alpha', 0], ['beta', 0], ['gamma', 0]] },
      { what: '"one\\ntwo\\nthree\\n"', data: 'one\ntwo\nthree\n', plan: { cuts: [6, 11] }, lines: [['one', 0], ['two', 1], ['three', 2]] },
      { what: '"byte by byte\\nok\\n"', data: 'byte by byte\nok\n', plan: { every: 1 }, lines: [['byte by byte', 12], ['ok', 15]] },
      { what: '"a\\n\\nb\\n"', data: 'a\n\nb\n', lines: [['a', 0], ['', 0], ['b', 0]] },
      { what: '1,000 lines', data: Array.from({ length: 1000 }, (_, i) => `line ${i + 1}\n`).join(''), lines: Array.from({ length: 1000 }, (_, i) => [`line ${i + 1}`, 0] as [string, number]) },
    ],
  }),
  moduleCheck({
    id: 'splitter-multibyte',
    title: 'the splitter keeps a character whole when a push ends inside it',
    hint: "Decoding each chunk on its own turns the halves of a split character into U+FFFD. Keep bytes (Buffers) until the \\n, then decode the whole line once: line.toString('utf8'). (\\n is never inside a multi-byte character.)",
    cases: () => {
      const text = 'größe 欢迎 😀 ok\n';
      const bytes = Buffer.from(text, 'utf8');
      const inside: number[] = [];
      for (let i = 1; i < bytes.length; i++) if (((bytes[i] ?? 0) & 0xc0) === 0x80) inside.push(i);
      return [
        { what: JSON.stringify(text), data: bytes, plan: { cuts: [3] }, lines: [['größe 欢迎 😀 ok', 1]] },
        { what: JSON.stringify(text), data: bytes, plan: { cuts: [17] }, lines: [['größe 欢迎 😀 ok', 1]] },
        { what: JSON.stringify(text), data: bytes, plan: { cuts: inside }, lines: [['größe 欢迎 😀 ok', inside.length]] },
        { what: JSON.stringify(text), data: bytes, plan: { every: 1 }, lines: [['größe 欢迎 😀 ok', bytes.length - 1]] },
      ];
    },
  }),
  moduleCheck({
    id: 'splitter-crlf',
    title: 'the splitter takes \\r\\n as a line end, even with \\r and \\n in different pushes',
    hint: 'A \\r right before the \\n belongs to the line ending: drop it from the whole line, which may mean from the bytes kept from the previous push.',
    cases: () => [
      { what: '"hello\\r\\n"', data: 'hello\r\n', lines: [['hello', 0]] },
      { what: '"a\\r\\nb\\nc\\r\\n"', data: 'a\r\nb\nc\r\n', lines: [['a', 0], ['b', 0], ['c', 0]] },
      { what: '"abc\\r" then "\\nxyz\\r\\n"', data: 'abc\r\nxyz\r\n', plan: { cuts: [4] }, lines: [['abc', 1], ['xyz', 1]] },
      { what: '"crlf\\r\\n"', data: 'crlf\r\n', plan: { every: 1 }, lines: [['crlf', 5]] },
    ],
  }),
  moduleCheck({
    id: 'splitter-last-line',
    title: 'end() hands out a last line without \\n, and nothing when there is none',
    hint: 'end() means the stream is over: the bytes kept since the last \\n are the last line, if there are any. After "done\\n" nothing is kept, so end() hands out nothing (not an empty line).',
    cases: () => [
      { what: '"one\\ntwo"', data: 'one\ntwo', plan: { end: true }, lines: [['one', 0], ['two', 'end']] },
      { what: '"solo 欢"', data: 'solo 欢', plan: { every: 1, end: true }, lines: [['solo 欢', 'end']] },
      { what: '"done\\n"', data: 'done\n', plan: { end: true }, lines: [['done', 0]] },
      { what: 'nothing', data: '', plan: { end: true }, lines: [] },
    ],
  }),
  moduleCheck({
    id: 'splitter-limit-exact',
    title: 'a message of exactly 65,536 bytes is still a line, however its bytes arrive',
    hint: 'The limit counts the message without its \\n or \\r\\n: 65,536 bytes is allowed. While the \\n has not come, 65,536 bytes plus a \\r is not over yet: that \\r may be the start of the \\r\\n.',
    cases: () => {
      const a = repeat('a', LIMIT);
      return [
        { what: '65,536 × "a" + "\\n"', data: a + '\n', lines: [[a, 0]] },
        { what: '65,536 × "a" + "\\r\\n"', data: a + '\r\n', lines: [[a, 0]] },
        { what: '65,536 × "a" + "\\r" then "\\n"', data: a + '\r\n', plan: { cuts: [LIMIT + 1] }, lines: [[a, 1]] },
        { what: '65,536 bytes of "欢…b" + "\\n", cut inside characters', data: WIDE_AT_LIMIT + '\n', plan: { cuts: [1000, 20_000, 40_000, 65_534] }, lines: [[WIDE_AT_LIMIT, 4]] },
        { what: '65,536 × "c" + "\\nnext\\n", byte by byte around the limit', data: repeat('c', LIMIT) + '\nnext\n', plan: { cuts: nearLimit(LIMIT - 4, LIMIT + 6, [30_000]) }, lines: [[repeat('c', LIMIT), 6], ['next', 11]] },
        { what: '65,536 × "d" with no \\n', data: repeat('d', LIMIT), plan: { cuts: [LIMIT - 1], end: true }, lines: [[repeat('d', LIMIT), 'end']] },
      ];
    },
  }),
  moduleCheck({
    id: 'splitter-limit-over',
    title: 'a message of 65,537 bytes makes push throw LineTooLongError at once, and nothing after it comes out',
    hint: 'Check the limit in two places: on every complete line (a long line may arrive whole in one push) and on the unfinished rest (a peer may never send the \\n). Count bytes, not characters. Throw at the first line that is too long; the lines after it are never handed out.',
    cases: () => {
      const over = (ch: string) => repeat(ch, LIMIT + 1);
      return [
        { what: '"ok\\n" + 65,537 × "a" + "\\nafter\\n"', data: 'ok\n' + over('a') + '\nafter\n', lines: [['ok', 0]], tooLongAt: 0 },
        { what: '65,537 × "b" with no \\n', data: over('b'), lines: [], tooLongAt: 0 },
        { what: '65,537 × "c" + "\\n", the \\n in a push of its own', data: over('c') + '\n', plan: { cuts: [40_000, LIMIT + 1] }, lines: [], tooLongAt: 1 },
        { what: '65,537 × "d" + "\\r\\n"', data: over('d') + '\r\n', lines: [], tooLongAt: 0 },
        { what: '21,846 × "欢" (65,538 bytes) + "\\n"', data: repeat('欢', 21_846) + '\n', lines: [], tooLongAt: 0 },
        { what: '65,537 × "e", byte by byte around the limit', data: over('e'), plan: { cuts: nearLimit(LIMIT - 3, LIMIT + 1, [20_000]) }, lines: [], tooLongAt: 5 },
        { what: '"x\\n" + 65,537 × "f" + "\\ny\\n"', data: 'x\n' + over('f') + '\ny\n', plan: { cuts: [2, 30_002] }, lines: [['x', 0]], tooLongAt: 2 },
      ];
    },
  }),
];
