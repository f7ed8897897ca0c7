// The HTML report without a browser: what the transcript hands over (events), what the page holds
// (failures first, hidden checks' details left out, every byte of a program escaped, long
// conversations folded, the caret where bytes differ), and npm run check -- --html.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { Transcript, type TranscriptEvent } from '../src/harness/transcript.ts';
import { hexDiff, showBytes } from '../src/harness/bytes.ts';
import type { CheckResult } from '../src/runner.ts';
import { checkId, HIDDEN_NOTE, renderHtmlReport } from '../src/html/index.ts';
import { compareHtml, firstDifference, splitHexDiff } from '../src/html/compare.ts';
import { layout } from '../src/html/lanes.ts';
import { FOLD_AT } from '../src/html/diagram.ts';
import { main } from '../src/cli/main.ts';
import { solutionsDir } from '../src/lessons.ts';

const temp = mkdtempSync(path.join(tmpdir(), 'netlings-html-unit-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

function result(over: Partial<CheckResult> & { id: string }): CheckResult {
  return { lesson: '02-loop-server', title: `the check ${over.id}`, target: 'server', status: 'fail', durationMs: 10, ...over };
}

describe('Transcript.events()', () => {
  it('hands over sends and receives with their chunks, and what the connection notes mean', () => {
    const t = new Transcript();
    t.note('c1', 'connected to 127.0.0.1:4000 from port 5000');
    t.sent('c1', 0, Buffer.from('he'), 1);
    t.sent('c1', 2, Buffer.from('llo\n'), 1);
    t.received('c1', 0, Buffer.from([0xff, 0x00]));
    t.note('c1', 'tester closed its side (half-close, FIN)');
    t.note('c1', 'peer closed its side (end of stream)');
    t.note('c2', 'tester reset the connection (RST)');
    t.note('c3', 'socket error ECONNRESET');
    t.note('c3', 'socket error EPIPE');
    t.output('stdout', 'listening on 127.0.0.1:4000', 'server');
    const ev = t.events();
    expect(ev.map((e) => e.kind)).toEqual(['note', 'send', 'recv', 'note', 'note', 'note', 'note', 'note', 'stdout']);
    expect(ev[1]).toMatchObject({ lane: 'c1', chunks: [b64('he'), b64('llo\n')], chunkCount: 2, byteCount: 6, offset: 0 });
    expect(ev[2]?.chunks).toEqual([b64(Buffer.from([0xff, 0x00]))]);
    expect(ev.map((e) => e.flags)).toEqual([
      { connectFrom: 'tester' },
      undefined,
      undefined,
      { finFrom: 'tester' },
      { finFrom: 'program' },
      { rstFrom: 'tester' },
      { rstFrom: 'program', error: true },
      { error: true },
      undefined,
    ]);
    expect(JSON.parse(JSON.stringify(ev))).toEqual(ev); // plain data
  });

  it('keeps within its bounds, and says how many entries were left out and where', () => {
    const t = new Transcript();
    for (let i = 0; i < 1000; i++) t.note('tester', `note ${i}`);
    const all = t.events();
    expect(all).toHaveLength(400); // what the transcript keeps: its first 60 and newest 340
    expect(all[60]?.omittedBefore).toBe(600);
    expect(all[60]?.text).toBe('note 660');
    const few = t.events(80);
    expect(few).toHaveLength(80);
    expect(few[20]?.omittedBefore).toBe(920);
    expect(few.at(-1)?.text).toBe('note 999');
    expect(t.format().split('\n').length).toBeLessThanOrEqual(40); // format() is as it was
  });
});

describe('the page', () => {
  it('puts failures first, then passes, then skipped checks, with a skip link to the first failure', () => {
    const html = renderHtmlReport(
      [result({ id: 'a', status: 'pass' }), result({ id: 'b', status: 'skip', message: 'skipped until "a" passes' }), result({ id: 'c', message: 'broke' })],
      { title: 'run' },
    );
    const at = (id: string) => html.indexOf(`<details class="check`, html.indexOf(`id="check-02-loop-server-${id}"`) - 40);
    expect(at('c')).toBeLessThan(at('a'));
    expect(at('a')).toBeLessThan(at('b'));
    expect(html).toContain('<a class="skip" href="#check-02-loop-server-c">Skip to the first failure</a>');
    expect(html).toMatch(/<details class="check fail" id="check-02-loop-server-c" open>/);
    expect(html).toMatch(/<details class="check pass" id="check-02-loop-server-a">/);
  });

  it('gives a seeded failure the command that replays its seed, with the tree it checked', () => {
    const html = renderHtmlReport([result({ id: 'multibyte-split', seed: 7, message: 'broke' }), result({ id: 'plain', message: 'broke too' })], { title: 'run', rootArg: ' --root solutions' });
    expect(html).toContain('<p class="seed">Seed 7: the same cuts, pauses and drops again with <code>npm run check -- 02 --root solutions --only multibyte-split --seed 7</code></p>');
    expect(html.match(/class="seed"/g)).toHaveLength(1); // a check with no seeded case has none
  });

  it('loads nothing: no URL, inline CSS and script only, under a policy that forbids the rest', () => {
    const html = renderHtmlReport([result({ id: 'a' })], { title: 'run' });
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).not.toMatch(/<link|@import|url\(/);
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-[A-Za-z0-9+/=]+';/);
  });

  it('escapes every byte of the program: a </script> or a tag in its bytes, output or message stays text', () => {
    const evil = '</script><script>alert(1)</script><img src=x onerror=alert(2)>';
    const events: TranscriptEvent[] = [
      { at: 1, lane: 'c1', source: 'tester', kind: 'recv', offset: 0, chunks: [b64(evil)], chunkCount: 1, byteCount: evil.length },
      { at: 2, lane: 'server', source: 'program', kind: 'stdout', text: evil },
      { at: 3, lane: 'server', source: 'program:stderr', kind: 'stderr', text: `\u001b[31m${evil}` },
      { at: 4, lane: 'c1', source: 'tester', kind: 'note', text: evil },
    ];
    const r = result({ id: 'x', events, message: `c1: ${evil}`, expected: showBytes('OK\n'), actual: showBytes(evil), hint: evil, transcript: evil });
    const html = renderHtmlReport([r], { title: evil, subtitle: evil });
    expect(html.match(/<script/g)).toHaveLength(1); // ours
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('<span class="esc">\\x1b</span>');
  });

  it('shows a hidden check’s title and status only: none of its bytes, hint or transcript', () => {
    const secret = 'SECRET-INPUT-42';
    const events: TranscriptEvent[] = [{ at: 1, lane: 'c1', source: 'tester', kind: 'send', offset: 0, chunks: [b64(secret)], chunkCount: 1, byteCount: secret.length }];
    const hidden = result({ id: 'idle', events, message: secret, expected: secret, actual: secret, hint: secret, transcript: secret });
    const html = renderHtmlReport([hidden, result({ id: 'open', message: 'visible' })], { title: 'student', hideHidden: (r) => r.id === 'idle' });
    expect(html).not.toContain(secret);
    expect(html).toContain(HIDDEN_NOTE);
    expect(html).toContain('the check idle');
    expect(html).toContain('visible');
    // The instructor's page has it all.
    expect(renderHtmlReport([hidden], { title: 'instructor' })).toContain(secret);
  });

  it('folds the middle of a long conversation into a <details>, keeping its start and its end', () => {
    const events: TranscriptEvent[] = Array.from({ length: 200 }, (_, i) => ({ at: i, lane: 'c1', source: 'tester', kind: i % 2 ? 'recv' : 'send', offset: i, chunks: [b64(`line ${i}\n`)], chunkCount: 1, byteCount: 7 }));
    const html = renderHtmlReport([result({ id: 'long', events })], { title: 'run' });
    expect(layout(events).rows.length).toBeGreaterThan(FOLD_AT);
    expect(html).toMatch(/<details class="fold" id="check-02-loop-server-long-fold"><summary>150 more rows of the conversation, 15–164 ms/);
    expect(html).toContain('line 0');
    expect(html).toContain('line 199');
  });

  it('draws a chunk boundary between the writes of one send, and bytes that are not text in hex', () => {
    const events: TranscriptEvent[] = [
      { at: 1, lane: 'c1', source: 'tester', kind: 'send', offset: 0, chunks: [b64('h'), b64(Buffer.from([0xc3])), b64(Buffer.from([0xa9, 0x0a]))], chunkCount: 3, byteCount: 4 },
      { at: 2, lane: 'c1', source: 'tester', kind: 'recv', offset: 0, chunks: [b64(Buffer.from([0, 1, 0x41]))], chunkCount: 1, byteCount: 3 },
    ];
    const html = renderHtmlReport([result({ id: 'b', events })], { title: 'run' });
    expect(html).toContain('<span class="chunk" title="chunk 1: 1 byte">h</span><span class="cut" title="chunk boundary">│</span><span class="chunk" title="chunk 2: 1 byte"><span class="esc">\\xc3</span></span>');
    expect(html).toContain('4 bytes in 3 chunks @0');
    expect(html).toContain('<span class="hex">00 01 41</span>');
  });

  it('gives the tester connections one shared lane when a lane each would not fit a laptop, each arrow naming its connection', () => {
    const events = (conns: number): TranscriptEvent[] => [
      ...Array.from({ length: conns }, (_, i): TranscriptEvent => ({ at: i, lane: `c${i + 1}`, source: 'tester', kind: 'send', offset: 0, chunks: [b64('hi\n')], chunkCount: 1, byteCount: 3 })),
      { at: 9, lane: 'c2', source: 'tester', kind: 'note', text: 'tester reset the connection (RST)', flags: { rstFrom: 'tester' } },
      { at: 10, lane: 'server', source: 'program', kind: 'stdout', text: 'connected' },
      { at: 11, lane: 'server', source: 'program:stderr', kind: 'stderr', text: 'oops' },
    ];
    // Four connections beside the server, its stdout and stderr fit 1366 px; eight do not.
    expect(layout(events(4)).lanes.map((l) => l.label)).toEqual(['tester c1', 'tester c2', 'tester c3', 'tester c4', 'server', 'server stdout', 'server stderr']);
    const d = layout(events(8));
    expect(d.lanes.map((l) => l.label)).toEqual(['tester: 8 connections', 'server', 'server stdout', 'server stderr']);
    expect(d.rows.filter((r) => r.type === 'bytes').map((r) => (r.type === 'bytes' ? [r.from, r.to, r.conn] : []))).toEqual(Array.from({ length: 8 }, (_, i) => [0, 1, `c${i + 1}`]));
    expect(d.rows.find((r) => r.type === 'signal')).toMatchObject({ signal: 'rst', from: 0, to: 1, conn: 'c2' });
    const html = renderHtmlReport([result({ id: 'many', events: events(8) })], { title: 'run' });
    expect(html).toContain('<span class="sr">tester c8 to server: </span><span class="conn">c8</span> ');
    expect(html).toContain('<span class="conn">c2</span> <span class="sig">RST</span>');
  });

  it('draws every datagram of one UDP socket in its lane, each client beside the fake server it was told to use, a dropped one struck out', () => {
    const t = new Transcript();
    const dg = (socket: string, n: number, peer: string) => ({ socket, n, peer, fake: true });
    t.link('fake', 'client');
    t.link('seeded', 'seeded client');
    t.note('seeded', 'fake UDP server on 127.0.0.1:4001');
    t.output('stdout', 'HI', 'seeded client');
    t.received('fake #1 from :5000', 0, Buffer.from('hi'), dg('fake', 1, ':5000'));
    t.note('fake', '(datagram #1 is dropped)', 'tester', { dropped: 1 });
    t.received('seeded #1 from :5001', 0, Buffer.from('hi'), dg('seeded', 1, ':5001'));
    t.sent('seeded #1 to :5001', 0, Buffer.from('HI'), 7, dg('seeded', 1, ':5001'));
    t.received('fake #2 from :5000', 0, Buffer.from('hi'), dg('fake', 2, ':5000'));
    t.note('client', 'started client', 'program');
    const d = layout(t.events(), 'client');
    // The target's group first, though the seeded pair spoke first; no lane per datagram.
    expect(d.lanes.map((l) => l.label)).toEqual(['fake server', 'client', 'seeded fake server', 'seeded client', 'seeded client stdout']);
    const bytes = d.rows.filter((r) => r.type === 'bytes');
    expect(bytes.map((r) => [r.from, r.to, r.fate])).toEqual([
      [1, 0, 'dropped'],
      [3, 2, undefined],
      [2, 3, undefined],
      [1, 0, undefined],
    ]);
    expect(d.rows.some((r) => r.type === 'note' && r.text.includes('dropped'))).toBe(false); // drawn on its arrow
    expect(d.rows.find((r) => r.type === 'note')).toMatchObject({ lane: undefined, who: 'seeded' }); // the socket's own note: across
    const html = renderHtmlReport([result({ id: 'udp', target: 'client', events: t.events() })], { title: 'run' });
    expect(html).toContain('class="arrow bytes recv datagram lost left"');
    expect(html).toContain('datagram #1 from :5000, 2 bytes</span> <span class="fate">✕ dropped');
    expect(html).not.toMatch(/datagram #\d[^<]*@\d/); // a datagram has no stream offset
  });
});

describe('expected beside actual', () => {
  it('marks the caret on the byte hexDiff names', () => {
    const want = Buffer.from([1, 2, 3, 4]);
    const got = Buffer.from([1, 2, 9, 4]);
    const actual = `${showBytes(got)}\n${hexDiff(want, got)}`;
    const { diff, rest } = splitHexDiff(actual);
    expect(diff).toMatchObject({ at: 2, start: 0 });
    expect(rest).toBe(showBytes(got));
    const html = compareHtml(showBytes(want), actual);
    expect(html).toContain('<td class="caret" title="the first difference" data-byte="2">09</td>');
    expect(html).toContain('first difference at byte 2');
  });

  it('marks the first character where two texts part, an escape as one', () => {
    expect(firstDifference('"HELLO\\n"', '"H\\n"')).toBe(2);
    expect(firstDifference('"ab"', '"ab"')).toBeUndefined();
    expect(firstDifference('end of stream', 'the connection stayed open')).toBeUndefined();
    const html = compareHtml('"HELLO\\n"', '"H\\n" then end of stream');
    expect(html).toContain('<mark class="caret" data-side="expected" data-char="1" title="the first difference">E</mark>');
    expect(html).toContain('<mark class="caret" data-side="actual" data-char="1" title="the first difference"><span class="esc">\\n</span></mark>');
  });
});

describe('npm run check -- --html', () => {
  it('writes the run’s page and says where', async () => {
    const file = path.join(temp, 'out', 'report.html');
    const out = vi.spyOn(console, 'log').mockImplementation(() => {});
    const code = await main(['check', '01', '--root', solutionsDir, '--only', 'ready', '--html', file]);
    expect(code).toBe(0);
    expect(out.mock.calls.map((c) => String(c[0])).join('\n')).toContain(`the page: ${file}`);
    const html = readFileSync(file, 'utf8');
    expect(html).toContain(`id="${checkId(result({ lesson: '01-basic-socket', id: 'ready' }))}"`);
    expect(html).toContain('<div class="lane program"');
  });

  it('a folder instead of a file is a usage error', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await main(['check', '01', '--html', temp])).toBe(2);
  });
});
