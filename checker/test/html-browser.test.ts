// The HTML report in a real browser (Debian's chromium, headless): pages of real check runs — of
// lesson 02 a pass, a framing failure with split chunks, a reset that kills the server and a
// timeout, and a pass with eight connections; of lesson 09 a lost datagram that the client never
// sends again — laid out by the browser and measured by a probe. Screenshots and the pages stay in
// checker/test-artifacts/ (ignored by git) for a person to look at.

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { dumpDom, findChromium, screenshot } from './browser.ts';
import { realRuns, type Fixture } from './html-fixtures.ts';
import { readProbe, withProbe, type ProbedCheck } from './html-probe.ts';
import { checkId, writeHtmlReport } from '../src/html/index.ts';
import { firstDifference } from '../src/html/compare.ts';

const exe = findChromium();
const artifacts = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'test-artifacts');
const why = exe ? '' : ' (SKIPPED: chromium is not installed; apt-get install -y chromium, or set NETLINGS_CHROMIUM)';
if (!exe) console.warn(`html-browser.test.ts: chromium is not installed, so the HTML report is not tested in a browser (apt-get install -y chromium).`);

// CI installs chromium (.ci/run) and sets NETLINGS_REQUIRE_BROWSER: there, a missing browser is a failure.
it.runIf(!exe && process.env['NETLINGS_REQUIRE_BROWSER'] === '1')('finds chromium where CI installed it', () => {
  expect(exe, 'NETLINGS_REQUIRE_BROWSER is set but no chromium was found on PATH').toBeDefined();
});

describe.skipIf(!exe)(`the HTML report in headless chromium${why}`, () => {
  const pages = new Map<string, { fixture: Fixture; file: string; check: ProbedCheck }>();

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    for (const fixture of await realRuns()) {
      const file = path.join(artifacts, `html-${fixture.name}.html`);
      const html = writeHtmlReport(fixture.results, { title: `netlings: ${fixture.lesson} (${fixture.name})`, file });
      const probeFile = path.join(artifacts, `html-${fixture.name}.probe.html`);
      writeFileSync(probeFile, withProbe(html));
      const probed = readProbe(await dumpDom(exe as string, probeFile));
      expect(probed.ready, `${fixture.name}: the page's own script ran under its CSP`).toBe('1');
      const r = fixture.results.find((x) => x.id === fixture.check);
      const check = probed.checks.find((c) => c.id === (r ? checkId(r) : ''));
      if (!check) throw new Error(`${fixture.name}: no section for ${fixture.check}`);
      pages.set(fixture.name, { fixture, file, check });
    }
  }, 180_000);

  const page = (name: string) => {
    const p = pages.get(name);
    if (!p) throw new Error(`no page ${name}`);
    return p;
  };
  /** The arrow's line starts and ends at the middle of two lanes. */
  const joins = (c: ProbedCheck, a: ProbedCheck['arrows'][number], from: string, to: string) => {
    const lane = (label: string) => c.lanes.find((l) => l.label === label)?.center ?? NaN;
    const [left, right] = a.cls.includes(' right') ? [lane(from), lane(to)] : [lane(to), lane(from)];
    return Math.abs(a.line.x - left) < 6 && Math.abs(a.line.right - right) < 6;
  };

  it('draws a passing check: a lane per party, the bytes sent byte by byte as one arrow of many chunks, the reply as another', () => {
    const { fixture, check } = page('pass');
    expect(fixture.results.find((r) => r.id === 'line-byte-by-byte')?.status).toBe('pass');
    expect(check.cls).toContain('pass');
    expect(check.lanes.map((l) => l.label)).toEqual(expect.arrayContaining(['tester c1', 'server']));
    const sent = check.arrows.filter((a) => a.cls.includes('bytes send') && a.chunks > 1);
    expect(sent.length).toBeGreaterThan(0);
    const first = sent[0];
    if (!first) throw new Error('no arrow');
    expect(first.cuts).toBe(first.chunks - 1);
    expect(first.label).toMatch(/in \d+ chunks @0/);
    expect(joins(check, first, 'tester c1', 'server')).toBe(true);
    const reply = check.arrows.find((a) => a.cls.includes('bytes recv'));
    expect(reply?.bytes).toContain('\\n');
    expect(reply && joins(check, reply, 'server', 'tester c1')).toBe(true);
    expect(check.end).toContain('passed');
    expect(check.carets).toEqual([]);
  });

  /** The line lesson 02's line-byte-by-byte check sends, upper-cased. */
  const LINE = 'ONE BYTE AT A TIME';

  it('draws a framing failure: the split chunks, the wrong reply, expected beside actual with the caret on the first difference', () => {
    const { fixture, check } = page('framing');
    const r = fixture.results.find((x) => x.id === 'line-byte-by-byte');
    expect(r?.status).toBe('fail');
    expect(check.cls).toContain('fail');
    const split = check.arrows.find((a) => a.cls.includes('bytes send') && a.chunks > 5);
    expect(split?.bytes).toMatch(/o\s*│\s*n\s*│\s*e/); // "one byte at a time", one box per byte
    // The mutant answers every chunk: many one-letter replies, in chunks of their own.
    const replies = check.arrows.filter((a) => a.cls.includes('bytes recv'));
    expect(replies.length).toBeGreaterThan(0);
    // How many bytes one read of the server took depends on the scheduling (2 ms apart, a loaded
    // machine may deliver two at once): the first reply is a short start of the line, then \n.
    const short = /^([A-Z ]+)\\n/.exec(replies[0]?.bytes ?? '')?.[1];
    expect(short).toBeDefined();
    expect(short?.length).toBeLessThan(LINE.length);
    expect(LINE.startsWith(short ?? '-')).toBe(true);
    // The caret: one mark on each side, on the token where they part, visible and highlighted.
    const at = firstDifference(r?.expected ?? '', (r?.actual ?? '').split('\n')[0] ?? '');
    expect(at).toBeDefined();
    const expected = check.carets.find((c) => c.side === 'expected');
    const actual = check.carets.find((c) => c.side === 'actual');
    const next = LINE[short?.length ?? 0] ?? '';
    if (next === ' ') expect(expected?.text.trim() === '' || expected?.text === '␠').toBe(true);
    else expect(expected?.text).toBe(next); // "ONE BYTE…" against "O\n": the N
    expect(actual?.text).toBe('\\n');
    for (const c of [expected, actual]) {
      expect(c?.box.w).toBeGreaterThan(4);
      expect(c?.bg).not.toBe('rgba(0, 0, 0, 0)');
    }
    expect(check.hint).toContain('buffer');
    expect(check.end).toContain('failed');
    // It reads on a laptop: no sideways scrolling, no label under 11px.
    expect(check.diagram && check.diagram.scrollWidth <= check.diagram.clientWidth + 1).toBe(true);
    expect(Math.min(...check.arrows.map((a) => a.fontSize))).toBeGreaterThanOrEqual(11);
    expect(check.focused).toBe(true);
  });

  it('draws a reset: the RST arrow from the tester, the server dying on stderr, the end of stream it leaves', () => {
    const { check } = page('reset');
    const rst = check.arrows.find((a) => a.cls.includes('signal rst'));
    expect(rst?.label).toContain('RST');
    expect(rst && joins(check, rst, 'tester c2', 'server')).toBe(true);
    expect(check.lanes.map((l) => l.label)).toContain('server stderr');
    expect(check.outputs.find((o) => o.cls.includes('stderr'))?.text).toContain('ECONNRESET');
    const fin = check.arrows.find((a) => a.cls.includes('signal fin'));
    expect(fin?.label).toContain('FIN');
    expect(fin?.cls).toContain(' left');
    expect(check.diagram && check.diagram.scrollWidth <= check.diagram.clientWidth + 1).toBe(true);
  });

  it('draws a timeout: the line sent, then the wait with nothing on the wire, then the failure', () => {
    const { check } = page('timeout');
    const sent = check.arrows.find((a) => a.cls.includes('bytes send'));
    expect(sent?.bytes).toBe('hello\\n');
    const wait = check.gaps.map((g) => Number(/(\d+) ms with nothing/.exec(g)?.[1] ?? 0));
    expect(Math.max(...wait)).toBeGreaterThan(1500);
    expect(check.end).toMatch(/did not arrive within \d+ ms/);
    expect(check.carets).toEqual([]);
    expect(check.images).toBe(0);
  });

  it('draws a UDP loss: each client beside its fake server, one arrow per datagram, the dropped one struck out, then no resend', () => {
    const { fixture, check } = page('loss');
    expect(fixture.results.find((r) => r.id === 'client-resends')?.status).toBe('fail');
    // The fixed case's client and the seeded case's run together: each pair of lanes side by side.
    const labels = check.lanes.map((l) => l.label);
    expect(labels.slice(0, 4)).toEqual(['fake server', 'client', 'seeded fake server', 'seeded client']);
    const datagrams = check.arrows.filter((a) => a.cls.includes('datagram'));
    expect(datagrams.every((a) => a.chunks === 1 && !/@\d/.test(a.label))).toBe(true); // whole, no stream offset
    // The fake server drops the first "hello": an arrow from the client, struck out, the only one of the fixed case.
    const lost = check.arrows.filter((a) => a.cls.includes('lost'));
    expect(lost).toHaveLength(1);
    expect(lost[0]?.bytes).toBe('hello');
    expect(lost[0]?.label).toMatch(/datagram #1 from :\d+, 5 bytes.*dropped/);
    expect(lost[0]?.cls).toContain(' left');
    expect(lost[0] && joins(check, lost[0], 'client', 'fake server')).toBe(true);
    const between = (a: ProbedCheck['arrows'][number], x: string, y: string) => joins(check, a, x, y) || joins(check, a, y, x);
    expect(check.arrows.filter((a) => between(a, 'fake server', 'client'))).toHaveLength(1); // no resend
    // The seeded client's datagrams go to its own fake server and back, never to the other pair.
    const seeded = datagrams.filter((a) => between(a, 'seeded fake server', 'seeded client'));
    expect(seeded.length).toBe(datagrams.length - 1);
    expect(seeded.map((a) => a.bytes)).toContain('HELLO');
    const wait = check.gaps.map((g) => Number(/(\d+) ms with nothing/.exec(g)?.[1] ?? 0));
    expect(Math.max(...wait)).toBeGreaterThan(500);
    expect(check.end).toContain('did not send it again');
    expect(check.hint).toContain('resend');
    expect(check.diagram && check.diagram.scrollWidth <= check.diagram.clientWidth + 1).toBe(true);
  });

  it('fits eight connections beside a server, its stdout and stderr on a laptop: one shared lane, each arrow naming its connection', () => {
    const { fixture, check } = page('many');
    expect(fixture.results.find((r) => r.id === 'survives-reset')?.status).toBe('pass');
    // (whether the server's stderr got a lane depends on which resets it saw as errors)
    const labels = check.lanes.map((l) => l.label);
    expect(labels[0]).toMatch(/^tester: \d+ connections$/);
    expect(labels.slice(1, 3)).toEqual(['server', 'server stdout']);
    expect(labels.filter((l) => l.startsWith('tester'))).toHaveLength(1);
    const rsts = check.arrows.filter((a) => a.cls.includes('signal rst'));
    expect(rsts.length).toBeGreaterThanOrEqual(6);
    expect(rsts.every((a) => /^c\d+ RST/.test(a.label.replace(/^.*?: /, '')))).toBe(true);
    expect(new Set(check.arrows.map((a) => /: (c\d+) /.exec(a.label)?.[1])).size).toBeGreaterThanOrEqual(7);
    expect(check.diagram && check.diagram.scrollWidth <= check.diagram.clientWidth + 1).toBe(true);
  });

  it('keeps screenshots of the six pages at a laptop size', async () => {
    for (const name of ['framing', 'reset', 'timeout', 'loss', 'pass', 'many']) {
      const { file, fixture } = page(name);
      const r = fixture.results.find((x) => x.id === fixture.check);
      const png = path.join(artifacts, `html-${name}.png`);
      await screenshot(exe as string, `${file}${r && (name === 'pass' || name === 'many') ? `#${checkId(r)}` : ''}`, png, name === 'reset' ? 1400 : 900);
      expect((await import('node:fs')).statSync(png).size).toBeGreaterThan(10_000);
    }
  }, 180_000);
});
